"""``ozgtrack online from-statuses|from-pvog|export|import``: online services proposed from what the town knows,
and the department worksheet of the online services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ozgtrack.cli._common import App, ars_option, by_option, dry_run_option, note, pass_app, terminal_width, yes_option
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
