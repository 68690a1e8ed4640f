"""``ozgtrack online from-statuses|from-pvog|export|import``: online services proposed from what the town knows,
and the department worksheet of the online services."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ozgtrack.cli._common import (
    App, ars_option, by_option, dry_run_option, echo_problems, emit, note, output_option, pass_app, refuse_rows,
    sheet_format, sheet_format_option, terminal_width, yes_option,
)
from ozgtrack.cli._unit import reading
from ozgtrack.wording import plural


@click.command("from-statuses")
@dry_run_option
@yes_option
@by_option
@ars_option
@pass_app
def from_statuses_command(app: App, dry_run: bool, yes: bool, by: str | None, ars: str | None) -> None:
    """Onlinedienste aus den heutigen Status vorschlagen und anlegen.

    Eigene Leistungen, deren Status dieselbe Adresse (URL) nennen, werden ein Onlinedienst; auch eine
    Adresse, die nur eine Leistung nennt, ist einer. Der Name ist die gemeinsame OZG-Leistung, sonst
    der Name der ersten Leistung; der Weg der Bereitstellung ist geraten (efa, wenn ein Status eine
    EfA-Lösung nennt, sonst eigen) und steht so im Verlauf; Reifegrad und Fachbereich sind die, die
    die meisten Status haben. Leistungen, die schon ein aktiver Onlinedienst abdeckt, bleiben
    außen vor: ein zweiter Lauf schlägt nichts Neues vor. Die Vorschau zeigt jeden Vorschlag und
    jeden Status, der sich dadurch ändert; mehr als ein Onlinedienst braucht --yes oder ein Ja.

    \b
    Beispiel:
      ozgtrack online from-statuses --dry-run
    """
    from ozgtrack.town.online_proposals import STATUS_REASON, from_statuses

    _propose(app, ars, by, dry_run, yes, from_statuses, STATUS_REASON)


@click.command("from-pvog")
@dry_run_option
@yes_option
@by_option
@ars_option
@pass_app
def from_pvog_command(app: App, dry_run: bool, yes: bool, by: str | None, ars: str | None) -> None:
    """Onlinedienste aus den PVOG-Daten für die Kommune vorschlagen und anlegen.

    Eigene Leistungen, die im PVOG denselben Onlinedienst haben (dieselbe ID-OD oder denselben
    Link), werden ein Onlinedienst mit dessen Titel und Link. Es zählen nur Einträge, die für die
    eigene Leistung stehen können: für die Kommune selbst (oder ihre Verbandsgemeinde) oder von der
    Landesredaktion für alle Kommunen registriert; Onlinedienste des Landkreises oder des Bundes und
    zurückgezogene PVOG-Stände nie. Der Weg der Bereitstellung ist geraten (efa bei einem EfA-Dienst,
    land beim Dienst des Landes, sonst eigen) und steht so im Verlauf; Reifegrad und Fachbereich
    sind die, die die meisten Status haben (das PVOG nennt keinen Reifegrad). Leistungen, die schon
    ein aktiver Onlinedienst abdeckt, bleiben außen vor: ein zweiter Lauf schlägt nichts Neues vor.

    \b
    Beispiel:
      ozgtrack online from-pvog --dry-run
    """
    from ozgtrack.evidence.pvog_online import PVOG_REASON, from_pvog

    _propose(app, ars, by, dry_run, yes, from_pvog, PVOG_REASON)


def _propose(app: App, ars: str | None, by: str | None, dry_run: bool, yes: bool,
             find: Callable[[Any, Any], Any], reason: str) -> None:
    """Find proposals, add them through the register in the unit's preview → confirm → apply; say what it did."""
    from ozgtrack.cli._unit import Preview, Unit, confirm_and_apply, said
    from ozgtrack.render.online_intake import proposals_table
    from ozgtrack.town.online_proposals import apply_proposals
    from ozgtrack.views.what_counts import Targets

    targets = Targets.of_settings(app.settings.report)

    def plan(unit: Unit) -> Preview:
        found = apply_proposals(unit.session, unit.context, find(unit.session, unit.context), reason=reason,
                                targets=targets)
        listing = proposals_table(found, terminal_width()) if found.proposals else ""
        return Preview((found.proposals, found.numbers, found.statuses), len(found.proposals), listing,
                       noun=("Onlinedienst", "Onlinedienste"), verb="angelegt", extra=found)

    outcome = confirm_and_apply(app, ars, by, plan, dry_run=dry_run, yes=yes)
    found = outcome.preview.extra
    for hint in found.hints:
        note(f"Hinweis: {', '.join(hint.keys)} {'hat' if len(hint.keys) == 1 else 'haben'} die Adresse von "
             f"O-{hint.number:03d} {hint.name}, {'wird' if len(hint.keys) == 1 else 'werden'} aber nicht von ihm "
             f"abgedeckt; ergänzen Sie sie mit `ozgtrack online set O-{hint.number:03d} --add-covers "
             f"{','.join(hint.keys)}`.")
    if not found.proposals:
        note(f"{outcome.town}: keine neuen Onlinedienste vorzuschlagen; nichts wurde geändert.")
        return
    if found.statuses:
        note(f"{plural(len(found.statuses), 'Status übernimmt', 'Status übernehmen')} die Angaben "
             f"{'seines' if len(found.statuses) == 1 else 'ihres'} Onlinedienstes.")
    note(said(outcome))


@click.command("export")
@output_option
@sheet_format_option
@click.option("--department", metavar="NAME",
              help="Nur die Onlinedienste dieses Fachbereichs; ein eindeutiger Anfang oder Teil des Namens genügt, "
                   "Groß- und Kleinschreibung egal.")
@ars_option
@pass_app
def export_command(app: App, output: Path | None, file_format: str | None, department: str | None,
                   ars: str | None) -> None:
    """Das Arbeitsblatt der Onlinedienste für die Fachbereiche schreiben.

    Eine Zeile je Onlinedienst in Betrieb mit seinen Bausteinen (Nutzerkonto, Bezahlung, Rückkanal,
    Eingang, Fachverfahren, Nachnutzungsvertrag), als Excel-Arbeitsmappe mit Auswahllisten und
    einem Blatt „Erläuterungen“ (-o blatt.xlsx) oder als CSV für Excel. `online import` liest das
    ausgefüllte Blatt wieder ein.

    \b
    Beispiel:
      ozgtrack online export --department "FB 2" -o onlinedienste.xlsx
    """
    from ozgtrack.town.departments import resolve_department
    from ozgtrack.town.online import online_views
    from ozgtrack.town.online_sheet import export_csv, export_workbook

    chosen = sheet_format(output, file_format)
    with reading(app, ars) as unit:
        found = online_views(unit.session, unit.context)
        now = unit.context.now
        wanted = resolve_department(unit.session, unit.context, department) if department is not None else None
    if wanted is not None:
        found = [v for v in found if v.department == wanted]
    emit((export_workbook if chosen == "xlsx" else export_csv)(found, now), output)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@dry_run_option
@yes_option
@click.option("--force", is_flag=True, help="Auch Zeilen übernehmen, deren Onlinedienst nach dem Export geändert "
              "wurde.")
@by_option
@ars_option
@pass_app
def import_command(app: App, file: Path, dry_run: bool, yes: bool, force: bool, by: str | None,
                   ars: str | None) -> None:
    """Ein Arbeitsblatt der Onlinedienste einlesen und übernehmen.

    CSV oder Excel-Arbeitsmappe, so wie Excel oder LibreOffice sie speichern. Zuerst wird jede
    Zeile geprüft; ist eine fehlerhaft, wird jeder Fehler mit seiner Zeilennummer genannt und
    nichts geändert. Jede Änderung geht wie `online set` in den Verlauf, und die abgedeckten
    Leistungen übernehmen sie. Eine Zeile, deren Onlinedienst jemand nach dem Export geändert hat,
    wird genannt und ausgelassen (außer mit --force); alle anderen werden übernommen. Ändert das
    Blatt mehr als einen Onlinedienst, zeigt der Befehl die Liste und fragt nach (ohne Konsole: --yes).

    \b
    Beispiel:
      ozgtrack online import onlinedienste.xlsx --dry-run
    """
    from ozgtrack.cli._unit import DRY_RUN, confirm_and_apply
    from ozgtrack.sources.files import read_local

    data = read_local(file, app.settings.http.max_bytes)
    outcome = confirm_and_apply(app, ars, by, _importing(app, file, data, force), dry_run=dry_run, yes=yes)
    result = outcome.preview.extra
    _warn_conflicts(file, result, dry_run)
    what = plural(len(result.changes), "Onlinedienst", "Onlinedienste")
    statuses = plural(sum(len(c.statuses) for c in result.changes), "Status", "Status")
    done = f"würden geändert {DRY_RUN}" if dry_run else "geändert"
    note(f"{file}: {what} und {statuses} {done}.")


def _importing(app: App, file: Path, data: bytes, force: bool) -> Any:
    """The preview of `online import`: the sheet applied in the unit's transaction (bad rows stop it)."""
    from ozgtrack.cli._unit import Preview, Unit
    from ozgtrack.render.online_intake import sheet_changes_table
    from ozgtrack.town.online_sheet import import_sheet
    from ozgtrack.views.what_counts import Targets

    targets = Targets.of_settings(app.settings.report)

    def preview(unit: Unit) -> Preview:
        result = import_sheet(unit.session, unit.context, data, str(file), force=force, targets=targets)
        if result.problems:
            refuse_rows(file, result.problems)
        items = tuple((c.number, tuple(sorted(c.fields.items())), c.statuses) for c in result.changes)
        return Preview(items, len(result.changes), sheet_changes_table(result.changes, terminal_width()),
                       noun=("Onlinedienst", "Onlinedienste"), extra=result)

    return preview


def _warn_conflicts(file: Path, result: Any, dry_run: bool) -> None:
    from ozgtrack.town.sheets import conflict_text, left_out_reason

    echo_problems([conflict_text(c, c.key, "den Onlinedienst", dry_run) for c in result.conflicts], shown=50)
    if result.conflicts:
        count = plural(len(result.conflicts), "Zeile", "Zeilen")
        left_out = f"{'würde' if len(result.conflicts) == 1 else 'würden'} ausgelassen" if dry_run else "ausgelassen"
        note(f"{file}: {count} {left_out}, {left_out_reason(result.conflicts, 'ihr Onlinedienst')}; exportieren "
             "Sie ein neues Blatt oder übernehmen Sie sie trotzdem mit --force.")
