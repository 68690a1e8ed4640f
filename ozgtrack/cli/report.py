"""``ozgtrack report``: the gap analysis and the "Digitales Rathaus" chapter."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ozgtrack.cli._common import (
    DEFAULT_LIMIT, App, ars_option, by_option, echo_more, emit, format_option, output_option, pass_app, row_limit,
    terminal_width,
)

if TYPE_CHECKING:
    from ozgtrack.delivery import Outgoing

GROUPINGS = ("lebensbereich", "themenfeld", "lage", "ozg", "service")
GAPS_EXIT_CODE = 3


def since_option(function: Any) -> Any:
    """``--since BASELINE|DATE``."""
    return click.option("--since", metavar="BASELINE|DATE",
                        help="Compare with a baseline (see `report baselines`) or a date (2026-01-31).")(function)


@click.group()
def report() -> None:
    """The gap analysis of the town's own services, and the chapter for the strategy (German).

    Every report states its data date, catalogue release, municipality and maturity model,
    and defines what it counts.

    \b
    Examples:
      ozgtrack report gaps --by service
      ozgtrack report chapter --format html -o digitales-rathaus.html
    """


@report.command("gaps")
@click.option("--by", "by", type=click.Choice(GROUPINGS), default="lebensbereich", help="How to group.")
@format_option("report gaps")
@output_option
@since_option
@click.option("--fail-on-gaps", is_flag=True,
              help=f"Exit with code {GAPS_EXIT_CODE} when own services are not online (for monitoring).")
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help=f"Höchstens N Zeilen zeigen  [Standard: {DEFAULT_LIMIT} in der Tabelle, in den anderen Formaten "
              "alle]")
@click.option("--all", "everything", is_flag=True,
              help="Alle Zeilen zeigen, auch Gruppen ohne eigene Leistungen (die table, markdown und html sonst "
              "weglassen; csv, excel und json enthalten sie immer).")
@ars_option
@pass_app
def gaps_command(app: App, by: str, fmt: str, output: Path | None, since: str | None, fail_on_gaps: bool,
                 limit: int | None, everything: bool, ars: str | None) -> None:
    """Count the town's own services that are online, in progress, offline or never assessed.

    csv is RFC 4180 UTF-8 for programs; excel is what Excel in Germany opens (;, BOM).

    \b
    Examples:
      ozgtrack report gaps
      ozgtrack report gaps --by service --format excel -o luecken.csv
      ozgtrack report gaps --since IST-2026 --fail-on-gaps
    """
    from sqlalchemy.orm import Session

    from ozgtrack.analysis.report import build
    from ozgtrack.analysis.results import GroupBy
    from ozgtrack.render.gaps import Format, listing
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        context = app.context(session, ars, None)
        built = build(session, context, app.settings.report, GroupBy(by), since)
    built = replace(built, everything=everything, limit=row_limit(limit, everything, fmt))
    emit(render("report gaps", fmt, built, terminal_width(output)), output)
    echo_more(listing(built, Format(fmt)).more)
    gaps = built.analysis.totals.gaps
    if fail_on_gaps and gaps:
        click.echo(f"{gaps} of {built.analysis.totals.applicable} own services are not online.", err=True)
        raise SystemExit(GAPS_EXIT_CODE)


@report.command("chapter")
@format_option("report chapter")
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
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        context = app.context(session, ars, None)
        built = build(session, context, app.settings.report, since=since, latest_baseline=True)
    emit(render("report chapter", fmt, built), output)


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
    from ozgtrack.db import write_session

    from ozgtrack.analysis import trend
    from ozgtrack.analysis.report import build

    with write_session(app.engine()) as session:
        context = app.context(session, ars, by)
        analysis = build(session, context, app.settings.report).analysis
        trend.freeze(session, context, analysis, name)
        town = context.municipality.name
    from ozgtrack.render.german import percent

    totals = analysis.totals
    click.echo(f"{town}: baseline {name!r} frozen: {totals.online} of {totals.applicable} own services online "
               f"({percent(totals.coverage)}).", err=True)


@report.command("baselines")
@format_option("report baselines")
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
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        found = trend.baselines(session, app.context(session, ars, None))
    emit(render("report baselines", fmt, found, terminal_width()))


UNSENT_EXIT_CODE = 4


@report.command("email")
@click.option("--to", "to", multiple=True, metavar="ADDR", help="Recipient (repeatable)  [default: [mail] to, "
              "or OZGTRACK_MAIL_TO]")
@click.option("--since", default="last", show_default=True, metavar="last|BASELINE|DATE",
              help="Report the changes since the last sent report, a baseline or a date.")
@click.option("--per-department", is_flag=True,
              help="One message per Fachbereich with its own services, to the addresses in [mail.departments].")
@click.option("--dry-run", is_flag=True, help="Write the message (.eml) to stdout or -o; send nothing.")
@output_option
@by_option
@ars_option
@pass_app
def email_command(app: App, to: tuple[str, ...], since: str, per_department: bool, dry_run: bool,
                  output: Path | None, by: str | None, ars: str | None) -> None:
    """Send the weekly gap report by e-mail (text, HTML and the gap list as CSV for Excel).

    The message goes to the outbox first and is marked sent when the server took it; what
    could not be sent (server down, login rejected, recipient refused) waits there and goes
    first on the next run. Exit code 4 while anything is unsent.

    \b
    Examples:
      ozgtrack report email --dry-run -o bericht.eml
      ozgtrack report email --to it@wolmirstedt.de --to buergermeister@wolmirstedt.de
      ozgtrack report email --per-department
    """
    from ozgtrack.db import write_session

    from ozgtrack import delivery
    from ozgtrack.render.common import local_time

    settings = app.settings
    request = delivery.MailRequest(to or settings.mail.recipients, since, per_department, dry_run)
    with write_session(app.engine()) as session:
        batch = delivery.queue(session, app.context(session, ars, by), settings.report, settings.mail, request)
        for department in batch.missing:
            click.echo(f"warning: no address for Fachbereich {department!r}; add it to [mail.departments]", err=True)
        for old in batch.replaced:
            click.echo(f"note: this report replaces the unsent report {old.id} of {local_time(old.created_at)} to "
                       f"{', '.join(old.recipients)}; it says all that one said.", err=True)
        if dry_run:
            _write_messages(batch.messages, output)
            session.rollback()
            return
    _deliver(app)


def _write_messages(outgoing: tuple[Outgoing, ...], output: Path | None) -> None:
    """One message as .eml; several into a directory (-o) or one after another on stdout."""
    from email import policy

    texts = [o.message.as_string(policy=policy.SMTP) for o in outgoing]
    if output is not None and len(texts) > 1:
        output.mkdir(parents=True, exist_ok=True)
        for o, text in zip(outgoing, texts, strict=True):
            name = "".join(c if c.isalnum() else "-" for c in (o.department or "bericht")).strip("-").lower()
            (output / f"{name}.eml").write_text(text, encoding="utf-8", newline="")
        click.echo(f"wrote {len(texts)} messages to {output}", err=True)
        return
    emit("".join(texts), output)


def _deliver(app: App) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.orm import Session

    from ozgtrack.db import writer
    from ozgtrack.delivery import deliver

    engine = app.engine()
    delivery = deliver(lambda: Session(writer(engine)), app.settings.mail, lambda: datetime.now(UTC).replace(tzinfo=None))
    if delivery.sent:
        click.echo(f"sent {delivery.sent} message{'s' if delivery.sent != 1 else ''}.", err=True)
    if delivery.failed:
        for outbox_id, why in delivery.failed:
            click.echo(f"error: outbox message {outbox_id}: {why}", err=True)
        click.echo(f"{len(delivery.failed)} message(s) not sent; they wait in the outbox and go first on the next "
                   "run (or: ozgtrack report outbox --send).", err=True)
        raise SystemExit(UNSENT_EXIT_CODE)


@report.command("outbox")
@click.option("--list", "list_", is_flag=True, help="List the waiting messages (what the command does without --send).")
@click.option("--send", is_flag=True, help="Try to send the waiting messages now.")
@format_option("report outbox")
@pass_app
def outbox_command(app: App, list_: bool, send: bool, fmt: str) -> None:
    """List the report e-mails waiting in the outbox, or send them (--send). Exit code 4 while any wait.

    \b
    Examples:
      ozgtrack report outbox --list
      ozgtrack report outbox --send
    """
    from sqlalchemy.orm import Session

    from ozgtrack.delivery import waiting
    from ozgtrack.render.registry import render

    if send and list_:
        raise click.UsageError("--list and --send exclude each other")
    if send:
        _deliver(app)
        return
    with Session(app.engine()) as session:
        found = waiting(session)
    emit(render("report outbox", fmt, found, terminal_width()))
    if found:
        raise SystemExit(UNSENT_EXIT_CODE)
