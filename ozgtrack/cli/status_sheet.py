"""``ozgtrack status export`` and ``status import``: the worksheet the departments fill in, out and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, ars_option, by_option, echo_problems, emit, note, output_option, pass_app, refuse_rows, renamed_flag,
    say_if_nothing, sheet_format, sheet_format_option, terminal_width, yes_option,
)
from ozgtrack.cli._unit import reading
from ozgtrack.wording import plural


@click.command("export")
@output_option
@sheet_format_option
@click.option("--department", metavar="NAME",
              help="Nur die Leistungen dieses Fachbereichs; ein eindeutiger Anfang oder Teil des Namens genügt, "
                   "Groß- und Kleinschreibung egal.")
@renamed_flag("--undecided", "everything", old="--all",
              help="Auch Leistungen aufführen, deren Zuständigkeit noch unklar ist.")
@ars_option
@pass_app
def export_command(app: App, output: Path | None, file_format: str | None, department: str | None,
                   everything: bool, ars: str | None) -> None:
    """Das Arbeitsblatt für die Fachbereiche schreiben.

    Eine Zeile je eigener Leistung, als Excel-Arbeitsmappe oder CSV. Die Fachbereiche tragen
    Reifegrad, Link, Portal und Termine ein; `status import` liest das Blatt wieder ein. Das
    Format folgt dem Dateinamen (.xlsx: Arbeitsmappe mit Auswahllisten und einem Blatt
    „Erläuterungen“; .csv: für Excel, mit ; und UTF-8 mit BOM). Ohne --undecided stehen nur
    die Leistungen darin, die die Stadt selbst ausführt.

    \b
    Beispiele:
      ozgtrack status export -o reifegrad.xlsx --department "FB 2 Bürgerservice"
      ozgtrack status export --undecided -o alle.csv
    """
    from ozgtrack.town.worksheet import export, export_workbook, sheet_views, versions

    chosen = sheet_format(output, file_format)
    write = export_workbook if chosen == "xlsx" else export
    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        rows = sheet_views(session, context, department, undecided=everything)
        content = write(rows, versions(session, context.municipality.id), context.now)
    say_if_nothing(rows, "keine Leistung", department=department, undecided=everything)
    emit(content, output)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Prüfen und die Änderungen zeigen; nichts speichern.")
@yes_option
@click.option("--force", is_flag=True,
              help="Auch Zeilen übernehmen, deren Leistung nach dem Export geändert wurde.")
@by_option
@ars_option
@pass_app
def import_command(app: App, file: Path, dry_run: bool, yes: bool, force: bool, by: str | None,
                   ars: str | None) -> None:
    """Ein Arbeitsblatt einlesen und übernehmen.

    CSV oder Excel-Arbeitsmappe, so wie Excel oder LibreOffice sie speichern. Zuerst wird jede
    Zeile geprüft; ist eine fehlerhaft, wird jeder Fehler mit seiner Zeilennummer genannt und
    nichts geändert. Eine Zeile, deren Leistung jemand nach dem Export geändert hat, würde diese
    Änderung rückgängig machen: sie wird genannt und ausgelassen, außer mit --force. Ändert das
    Blatt mehr als eine Leistung, zeigt der Befehl die Liste und fragt nach (ohne Konsole: --yes).

    \b
    Beispiel:
      ozgtrack status import reifegrad.csv --dry-run
    """
    from ozgtrack.cli._unit import confirm_and_apply
    from ozgtrack.sources.files import read_local

    data = read_local(file, app.settings.http.max_bytes)
    result = confirm_and_apply(app, ars, by, _importing(file, data, force), dry_run=dry_run, yes=yes).preview.extra
    _warn_conflicts(file, result, force, dry_run)
    counts = (f"{plural(len(result.status), 'Status', 'Status')} und "
              f"{plural(len(result.triage), 'Zuständigkeit', 'Zuständigkeiten')}")
    what = f"{counts} würden geändert (Probelauf, nichts gespeichert)" if dry_run else f"{counts} geändert"
    note(f"{file}: {what}.")


def _importing(file: Path, data: bytes, force: bool) -> Any:
    """The preview of `status import`: the sheet applied in the unit's transaction (bad rows stop it)."""
    from ozgtrack.cli._unit import Preview, Unit
    from ozgtrack.render.tracking import changes_table
    from ozgtrack.town.worksheet import import_sheet

    def preview(unit: Unit) -> Preview:
        result = import_sheet(unit.session, unit.context, data, str(file), force=force)
        if result.problems:
            refuse_rows(file, result.problems)
        keys = {c.key for c in (*result.triage, *result.status)}
        return Preview((tuple(result.triage), tuple(result.status)), len(keys),
                       changes_table(list(result.triage), list(result.status), terminal_width()), extra=result)

    return preview


def _warn_conflicts(file: Path, result: Any, force: bool, dry_run: bool) -> None:
    from ozgtrack.town.sheets import conflict_text, left_out_reason

    # A dry run wrote nothing: it says what the import would do ("würde übernommen"), not what it did.
    if not result.versioned and force:
        taken = "würde es trotzdem übernommen" if dry_run else "wurde es trotzdem übernommen"
        note(f"{wording.WARNING}: {file} hat keine Spalte Version (ein altes Arbeitsblatt?): Änderungen nach "
             f"seinem Export lassen sich nicht erkennen; mit --force {taken}, wo es abweicht")
    echo_problems([conflict_text(c, c.key, "die Leistung", dry_run) for c in result.conflicts], shown=50)
    if result.conflicts:
        count = plural(len(result.conflicts), "Zeile", "Zeilen")
        left_out = f"{'würde' if len(result.conflicts) == 1 else 'würden'} ausgelassen" if dry_run else "ausgelassen"
        note(f"{file}: {count} {left_out}, {left_out_reason(result.conflicts, 'ihre Leistung')}; exportieren "
             "Sie ein neues Blatt oder übernehmen Sie sie trotzdem mit --force.")
