"""``ozgtrack report``: the gap analysis and the "Digitales Rathaus" chapter."""

from __future__ import annotations

from pathlib import Path

import click

from ozgtrack.cli._common import App, ars_option, by_option, emit, format_option, output_option, pass_app

FORMATS = ("table", "csv", "excel", "json", "markdown", "html")
GROUPINGS = ("lebensbereich", "themenfeld", "lage", "ozg", "service")
GAPS_EXIT_CODE = 3


def since_option(function):  # noqa: ANN001, ANN201 - a click decorator
    return click.option("--since", metavar="BASELINE|DATE",
                        help="Compare with a baseline (see `report baselines`) or a date (2026-01-31).")(function)


@click.group()
def report() -> None:
    """The gap analysis of the town's own services, and the chapter for the strategy (German).

    Every report states its data date, catalogue release, municipality and maturity model,
    and defines what it counts.
    """


@report.command("gaps")
@click.option("--by", "by", type=click.Choice(GROUPINGS), default="lebensbereich", help="How to group.")
@format_option(*FORMATS)
@output_option
@since_option
@click.option("--fail-on-gaps", is_flag=True,
              help=f"Exit with code {GAPS_EXIT_CODE} when own services are not online (for monitoring).")
@ars_option
@pass_app
def gaps_command(app: App, by: str, fmt: str, output: Path | None, since: str | None, fail_on_gaps: bool,
                 ars: str | None) -> None:
    """Count the town's own services that are online, in progress, offline or never assessed.

    csv is RFC 4180 UTF-8 for programs; excel is what Excel in Germany opens (;, BOM).

    \b
    Examples:
      ozgtrack report gaps
      ozgtrack report gaps --by service --format excel -o luecken.csv
      ozgtrack report gaps --since IST-2026 --fail-on-gaps
    """
    from sqlalchemy.orm import Session

    from ozgtrack.analysis.gaps import GroupBy
    from ozgtrack.analysis.report import build
    from ozgtrack.render.gaps import RENDERERS, Format

    with Session(app.engine()) as session:
        context = app.context(session, ars, None)
        built = build(session, context, app.settings.report, GroupBy(by), since)
    emit(RENDERERS[Format(fmt)](built), output)
    gaps = built.analysis.totals.gaps
    if fail_on_gaps and gaps:
        click.echo(f"{gaps} of {built.analysis.totals.applicable} own services are not online.", err=True)
        raise SystemExit(GAPS_EXIT_CODE)


@report.command("chapter")
@format_option("markdown", "html", default="markdown")
@output_option
@since_option
@ars_option
@pass_app
def chapter_command(app: App, fmt: str, output: Path | None, since: str | None, ars: str | None) -> None:
    """Write the chapter "Digitales Rathaus": figures, Lebensbereiche, development, largest gaps, method.

    Without --since it compares with the newest baseline, if there is one. The HTML file is
    self-contained (no external requests) and prints well.

    \b
    Example:
      ozgtrack report chapter --format html -o digitales-rathaus.html
    """
    from sqlalchemy.orm import Session

    from ozgtrack.analysis.report import build
    from ozgtrack.render.chapter import render_html, render_markdown

    with Session(app.engine()) as session:
        context = app.context(session, ars, None)
        built = build(session, context, app.settings.report, since=since, latest_baseline=True)
    emit(render_html(built) if fmt == "html" else render_markdown(built), output)


@report.command("baseline")
@click.argument("name")
@by_option
@ars_option
@pass_app
def baseline_command(app: App, name: str, by: str | None, ars: str | None) -> None:
    """Freeze today's figures under NAME, to compare later reports with (never overwritten).

    \b
    Example:
      ozgtrack report baseline IST-2026
    """
    from sqlalchemy.orm import Session

    from ozgtrack.analysis import trend
    from ozgtrack.analysis.report import build

    with Session(app.engine()) as session, session.begin():
        context = app.context(session, ars, by)
        analysis = build(session, context, app.settings.report).analysis
        trend.freeze(session, context, analysis, name)
        town = context.municipality.name
    from ozgtrack.render.german import percent

    totals = analysis.totals
    click.echo(f"{town}: baseline {name!r} frozen: {totals.online} of {totals.applicable} own services online "
               f"({percent(totals.coverage)}).", err=True)


@report.command("baselines")
@format_option("table", "json")
@ars_option
@pass_app
def baselines_command(app: App, fmt: str, ars: str | None) -> None:
    """List the frozen baselines.

    \b
    Example:
      ozgtrack report baselines
    """
    from sqlalchemy.orm import Session

    from ozgtrack.analysis import trend
    from ozgtrack.render.common import dumps, local_time, table
    from ozgtrack.render.german import percent

    with Session(app.engine()) as session:
        found = trend.baselines(session, app.context(session, ars, None))
    if fmt == "json":
        emit(dumps(found))
        return
    emit(table([[b.name, local_time(b.created_at), b.created_by, b.applicable, b.online, percent(b.coverage)]
                for b in found], ["name", "frozen", "by", "own services", "online", "coverage"]))
