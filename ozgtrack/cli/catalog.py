"""``ozgtrack catalog``: sync the LeiKa and the OZG-Umsetzungskatalog, look at releases, diffs and services."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ozgtrack.cli._common import (
    App, cut, echo_problems, emit, format_option, limit_options, pass_app, progress, row_limit, terminal_width,
)
from ozgtrack.records import ChangeKind, Source
from ozgtrack.sources import REGISTRY

if TYPE_CHECKING:
    from ozgtrack.sync import SyncOutcome

SOURCE_HELP = "; ".join(f"{e.name}: {e.label}" for e in REGISTRY.values()) + \
    ". Without it, a file's source is recognised from its content."


@click.group()
def catalog() -> None:
    """Sync the federal service catalogues and look at what they contain.

    \b
    Examples:
      ozgtrack catalog sync
      ozgtrack catalog diff
    """


@catalog.command("sync")
@click.option("--source", type=click.Choice(list(map(str, REGISTRY))), default=None, help=SOURCE_HELP,
              show_default=False)
@click.option("--from", "location", metavar="FILE_OR_URL", help="Read this file or URL instead of the configured source.")
@click.option("--dry-run", is_flag=True, help="Show what would change on stdout; write nothing.")
@click.option("--force", is_flag=True, help="Import even when the content is unchanged, and accept a release that "
              "withdraws more than a quarter of its source.")
@click.option("--full", is_flag=True, help="FIM API: fetch all services, not only those changed since the last sync.")
@pass_app
def sync_command(app: App, source: str | None, location: str | None, dry_run: bool, force: bool, full: bool) -> None:
    """Sync a catalogue release into the database and report what changed.

    A release is compared with what the database holds: new keys are added, changed names,
    Typisierung or OZG grouping are updated, keys the release no longer lists are marked
    withdrawn (never deleted). The summary goes to stderr; see the details with
    `ozgtrack catalog diff`. An unchanged file (same sha256, or HTTP 304) is not imported again.

    \b
    Examples:
      ozgtrack catalog sync                      # the current LeiKa from fimportal.de
      ozgtrack catalog sync --source fim         # the FIM Portal API (delta after the first sync)
      ozgtrack catalog sync --from ozg_umsetzungskatalog.csv --dry-run
    """
    from ozgtrack.sync import SyncRequest, run

    request = SyncRequest(Source(source) if source else None, location, dry_run, force, full)
    outcome = run(app.database, app.settings, request, progress=progress())
    echo_problems(outcome.result.problems if outcome.result else (), shown=10)
    click.echo(sync_summary(outcome, dry_run), err=True)
    if dry_run and outcome.result is not None:
        from ozgtrack.render.catalog import changes_table

        emit(changes_table(outcome.result, terminal_width()))


def sync_summary(outcome: SyncOutcome, dry_run: bool = False) -> str:
    """The one-line report of a sync, for stderr."""
    what = f"{outcome.source.value} catalogue from {outcome.origin}"
    result = outcome.result
    if result is None:
        since = f" since release {outcome.unchanged_release}" if outcome.unchanged_release else ""
        if outcome.delta_since:
            return f"{what}: nothing changed{since}."
        return f"{what}: unchanged{since}; nothing imported (use --force to import it again)."
    counts = ", ".join(f"{result.count(k)} {k.value}" for k in ChangeKind) + f", {result.unchanged} unchanged"
    skipped = f"; {len(result.problems)} invalid rows skipped" if result.problems else ""
    if dry_run:
        return f"Dry run, nothing written: {what} would give {counts}{skipped}."
    delta = " (changes only)" if outcome.delta_since else ""
    return f"Synced {what}{delta} as release {result.release_id}: {counts}{skipped}."


@catalog.command("diff")
@click.option("--release", "release_id", type=int, help="Release id (see `catalog releases`)  [default: the newest]")
@format_option("catalog diff")
@pass_app
def diff_command(app: App, release_id: int | None, fmt: str) -> None:
    """Show what a release changed: added, changed, withdrawn and reappeared services.

    \b
    Example:
      ozgtrack catalog diff --format json > changes.json
    """
    from sqlalchemy.orm import Session

    from ozgtrack.browse import release_diff
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        diff = release_diff(session, release_id)
    emit(render("catalog diff", fmt, diff, terminal_width()))


@catalog.command("releases")
@format_option("catalog releases")
@pass_app
def releases_command(app: App, fmt: str) -> None:
    """List the synced catalogue releases, newest first.

    \b
    Example:
      ozgtrack catalog releases
    """
    from sqlalchemy.orm import Session

    from ozgtrack.browse import releases
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        views = releases(session)
    emit(render("catalog releases", fmt, views, terminal_width()))


@catalog.command("show")
@click.argument("key")
@format_option("catalog show")
@pass_app
def show_command(app: App, key: str, fmt: str) -> None:
    """Show one service: names, Typisierung, OZG-Leistungen, Lage, Themenfeld and its release history.

    \b
    Example:
      ozgtrack catalog show 99050012104000
    """
    from sqlalchemy.orm import Session

    from ozgtrack.browse import service
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        view = service(session, key)
    emit(render("catalog show", fmt, view, terminal_width()))


@catalog.command("search")
@click.argument("text")
@click.option("--current", is_flag=True, help="Leave out withdrawn services.")
@format_option("catalog search")
@limit_options
@pass_app
def search_command(app: App, text: str, current: bool, fmt: str, limit: int | None, everything: bool) -> None:
    """Find services by name or synonym (umlaut-insensitive: Fuehrerschein finds Führerschein) or key prefix.

    Findet auch OZG-Leistungen nach ihrem Namen oder ihrer OZG-ID; sie stehen vor den Leistungen.

    \b
    Examples:
      ozgtrack catalog search "hund steuer"
      ozgtrack catalog search wohngeld
    """
    from sqlalchemy.orm import Session

    from dataclasses import replace

    from ozgtrack.browse import search_all
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        hits = search_all(session, text, limit=None, include_withdrawn=not current)
    # OZG-Leistungen are few; the services are what --limit cuts.
    hits = replace(hits, services=cut(hits.services, row_limit(limit, everything, fmt)))
    emit(render("catalog search", fmt, hits, terminal_width()))
