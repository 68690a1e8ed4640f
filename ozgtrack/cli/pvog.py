"""``ozgtrack pvog``: evidence from the Portalverbund (PVOG) – import it, compare it, accept its suggestions."""

from __future__ import annotations

import sys

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, ars_option, by_option, echo_problems, emit, format_option, note, pass_app, terminal_width,
)
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.views.pvog import ACCEPTABLE, FindingKind


@click.group()
def pvog() -> None:
    """PVOG-Daten: was im Portalverbund für die Kommune registriert ist, und was daraus folgt.

    \b
    Beispiele:
      ozgtrack pvog sync
      ozgtrack pvog diff
    """


@pvog.command("sync")
@click.option("--ars", metavar="ARS|NAME", help="ARS, für den die Daten gelten (auch 000000000000 für den Bund "
              "oder 150000000000 für das Land)  [Standard: der ARS der Datei oder URL, sonst die gewählte Kommune]")
@click.option("--from", "location", metavar="DATEI_ODER_URL", help="Diese Datei oder URL einlesen statt der CSV "
              "des PVOG-Suchdienstes für den ARS.")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde; nichts speichern.")
@click.option("--force", is_flag=True, help="Auch unveränderte Daten einspielen, und Daten, die mehr als ein Viertel "
              "der bisherigen Einträge entfernen.")
@pass_app
def sync_command(app: App, ars: str | None, location: str | None, dry_run: bool, force: bool) -> None:
    """PVOG-Daten für einen ARS einspielen und mit der vorigen Einspielung vergleichen.

    Die Daten werden als datierte Einspielung gespeichert. Daten für den Bund (000000000000), das
    Land (z. B. 150000000000) oder einen Kreis gelten für jede Kommune darunter. Ohne --from wird
    v5/servicedescriptions/csv?ars=ARS vom PVOG-Suchdienst geladen ([pvog] url, rate, client_id in
    config.toml). Die Änderungen gegenüber der vorigen Einspielung stehen auf stderr.

    \b
    Beispiele:
      ozgtrack pvog sync                                   # die CSV für die gewählte Kommune
      ozgtrack pvog sync --ars 000000000000 --from ars_000000000000.csv
      ozgtrack pvog sync --from uebersicht.csv --ars 150010000000 --dry-run
    """
    from ozgtrack.pvog_sync import PvogSyncRequest, configured_town, run
    from ozgtrack.render.pvog import sync_summary

    chosen = _ars(app, ars) if ars else None
    result = run(app.engine(), app.settings, PvogSyncRequest(chosen, location, dry_run, force),
                 configured_town(app.settings))
    echo_problems(result.problems, shown=10)
    note(sync_summary(result), nl=False)


def _ars(app: App, text: str) -> str:
    """A 12-digit ARS as it is (also the Bund's or a Land's), or a municipality by name."""
    from sqlalchemy.orm import Session

    from ozgtrack.municipalities import resolve
    from ozgtrack.sources.pvog import is_ars

    cleaned = "".join(text.split())
    if is_ars(cleaned):
        return cleaned
    with Session(app.engine()) as session:
        return resolve(session, text).ars


@pvog.command("diff")
@format_option("pvog diff")
@ars_option
@pass_app
def diff_command(app: App, fmt: str, ars: str | None) -> None:
    """Die Befunde aus den PVOG-Daten für die Kommune zeigen.

    Befunde sind Quick Wins, nicht gemeldete Onlinedienste, abweichende Links und abweichende
    Zuständigkeiten. Verglichen wird mit den neuesten PVOG-Daten für den ARS der Kommune und jeden
    ARS darüber (Kreis, Land, Bund).

    \b
    Beispiel:
      ozgtrack pvog diff --format excel > pvog-befunde.csv
    """
    from sqlalchemy.orm import Session

    from ozgtrack.analysis import pvog as analysis
    from ozgtrack.analysis.gaps import analyse
    from ozgtrack.analysis.report import options
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        context = app.context(session, ars, None)
        result = analysis.result(session, context, analyse(session, context, options(app.settings.report)))
    emit(render("pvog diff", fmt, result, terminal_width()))


@pvog.command("accept")
@click.argument("keys", nargs=-1, metavar="[SCHLÜSSEL …]")
@click.option("--kind", "kinds", type=click.Choice([k.value for k in ACCEPTABLE]), multiple=True,
              help="Nur diese Befunde übernehmen (wiederholbar)  [Standard: alle drei]")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was übernommen würde; nichts ändern.")
@click.option("--yes", is_flag=True, help="Ohne Rückfrage übernehmen (nötig für mehr als eine Änderung ohne "
              "Terminal, etwa in cron).")
@by_option
@ars_option
@pass_app
def accept_command(app: App, keys: tuple[str, ...], kinds: tuple[str, ...], dry_run: bool, yes: bool,
                   by: str | None, ars: str | None) -> None:
    """Vorschläge des PVOG übernehmen, mit Verlauf.

    Übernommen werden Stand und URL (Quick Win, Link) oder die Zuständigkeit. Jede Änderung
    steht im Verlauf mit der Begründung „Quelle: PVOG, Datenstand …“. Hat die Stadt Stand oder
    Zuständigkeit einer Leistung nach dem Datenstand der PVOG-Daten geändert, bleibt diese
    Leistung unverändert. Ein Quick Win setzt den Zielreifegrad des Standardmodells und die URL
    des Onlinedienstes.

    \b
    Beispiele:
      ozgtrack pvog accept --kind quick-win --dry-run
      ozgtrack pvog accept 99115005104000 --kind link
    """
    from sqlalchemy.orm import Session

    from ozgtrack.db import write_session
    from ozgtrack.pvog_accept import apply, plan
    from ozgtrack.render.pvog import accepted_table

    wanted = [FindingKind(k) for k in kinds] or list(ACCEPTABLE)
    with Session(app.engine()) as session:
        context = app.context(session, ars, by)
        result, planned = plan(session, context, app.settings.report, set(keys), wanted)
    if result is None:
        raise NotFoundError("keine PVOG-Daten für diese Kommune; zuerst `ozgtrack pvog sync` ausführen")
    changes = [change for _, change in planned]
    applicable = sum(1 for c in changes if not c.skipped)
    if dry_run or applicable == 0:
        emit(accepted_table(changes))
        of = f"{wording.number(applicable)} von {wording.plural(len(changes), 'Vorschlag', 'Vorschlägen')}"
        verb = ("würde" if applicable == 1 else "würden") + " übernommen" if dry_run else "übernehmbar"
        note(f"{'Probelauf: ' if dry_run else ''}{of} {verb}; {wording.NOTHING_CHANGED}.")
        return
    if applicable > 1 and not yes:
        if not sys.stdin.isatty():
            raise InputError(f"{wording.number(applicable)} Änderungen: ohne Terminal nur mit --yes (vorher mit "
                             "--dry-run ansehen)")
        emit(accepted_table(changes))
        click.confirm(f"{wording.number(applicable)} Vorschläge übernehmen?", abort=True, err=True)
    with write_session(app.engine()) as session:
        done = apply(session, app.context(session, ars, by), app.settings.report, set(keys), wanted)
    emit(accepted_table(done))
    taken = sum(1 for c in done if not c.skipped)
    note(f"{wording.number(taken)} von {wording.plural(len(done), 'Vorschlag', 'Vorschlägen')} übernommen; "
               f"{wording.number(len(done) - taken)} ausgelassen.")
