"""``ozgtrack online``: the town's register of online services (Onlinedienste) and the statuses they give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack.cli._common import (
    App, ars_option, by_option, dry_run_option, emit, expect_version_option, format_option, note, output_option,
    pass_app, terminal_width, workbook_stand, yes_option,
)
from ozgtrack.cli._unit import reading
from ozgtrack.values import MaturityModel
from ozgtrack.views.online import BLOCKS, Delivery, enum_values
from ozgtrack.wording import plural

# The values of the closed sets, from their enums (ozgtrack.views.online): the choices and the metavars.
_CHOICES = {field: enum_values(enum) for field, enum in (("delivery", Delivery), ("model", MaturityModel),
                                                    *((name, enum) for name, enum, _, _ in BLOCKS))}
# option, field, help; the choices come from _CHOICES
_FIELDS = (
    ("--url", "url", "Wo Bürgerinnen und Bürger den Onlinedienst nutzen (http/https, ohne Zugangsdaten)."),
    ("--delivery", "delivery", "Weg der Bereitstellung: eigene Lösung, EfA-Dienst, Dienst des Landes, ZSA, des "
     "Landkreises, eines Anbieters."),
    ("--provider", "provider", "Wer ihn betreibt (Land, Kreis, Firma)."),
    ("--stage", "stage", "Reifegrad des Onlinedienstes (rgm2: 0–7, rgm1: 0–4); gilt für jede abgedeckte Leistung."),
    ("--model", "model", "Reifegradmodell der Stufe  [Standard: [status] model, sonst rgm2]"),
    ("--department", "department", "Der Fachbereich, der ihn verantwortet."),
    ("--live-since", "live_since", "Online seit (2025-03-31 oder 31.03.2025)."),
    ("--account", "account", "Nutzerkonto: BundID, Servicekonto des Landes oder keins."),
    ("--payment", "payment", "Bezahlung: ePayBL, ein anderer Dienst, keine Online-Zahlung trotz Gebühr (keins) "
     "oder gebührenfrei (nicht-noetig)."),
    ("--reply", "reply", "Rückkanal zum Bürger: Postfach, FIT-Connect, E-Mail, Brief."),
    ("--intake", "intake", "Eingangskanal in die Verwaltung: FIT-Connect, XTA, E-Mail, Papier, Fachverfahren."),
    ("--system", "system", "Das angebundene Fachverfahren."),
    ("--contract", "contract", "Nachnutzungsvertrag (EfA): unterzeichnet am DATUM, oder nein."),
    ("--note", "note", "Freitext."),
)


def _field_options(required: tuple[str, ...] = (), clearable: bool = False) -> Any:
    """The fields as options; in `online set` a choice may be "" (clears it), in `online add` some are required."""
    def decorate(function: Any) -> Any:
        for flag, field, text in reversed(_FIELDS):
            kind: Any = None
            if field in _CHOICES:
                kind = click.Choice([*_CHOICES[field], *([""] if clearable and field != "delivery" else [])])
            elif field == "stage" and not clearable:
                from ozgtrack.cli._common import WholeNumber

                kind = WholeNumber(0, 7)
            function = click.option(flag, field, type=kind, required=field in required,
                                    metavar=_metavar(field), help=text)(function)
        return function
    return decorate


def _metavar(field: str) -> str:
    if field in _CHOICES:
        return "|".join(_CHOICES[field])
    return {"stage": "N", "live_since": "DATUM", "contract": "DATUM|nein", "url": "URL"}.get(field, "TEXT")


def _number(text: str) -> int:
    from ozgtrack.views.online import parse_number

    number = parse_number(text)
    if number is None:
        raise click.BadParameter(f"{text!r} ist keine Nummer eines Onlinedienstes (3, O-003)", param_hint="NUMMER")
    return number


@click.group()
def online() -> None:
    """Die Onlinedienste der Kommune führen: was Bürger nutzen und welche Leistungen es abdeckt.

    Ein Onlinedienst (O-001, O-002 …) deckt mehrere LeiKa-Leistungen ab und hat Bausteine: Nutzerkonto,
    Bezahlung, Rückkanal, Eingangskanal, Fachverfahren, beim EfA-Dienst den Nachnutzungsvertrag. Jede
    abgedeckte eigene Leistung übernimmt Reifegrad, URL und Fachbereich vom besten Onlinedienst, der sie
    abdeckt; `status show` sagt, von welchem. Jede Änderung bleibt im Verlauf.

    \b
    Beispiele:
      ozgtrack online add "Wohnsitz anmelden" --url https://wohnsitz.example.de --delivery efa --covers 10124 --stage 3
      ozgtrack online list
    """


@online.command("add")
@click.argument("name", metavar="NAME")
@click.option("--covers", "covers", multiple=True, required=True, metavar="SCHLÜSSEL",
              help="Die abgedeckten Leistungen: LeiKa-Schlüssel, OZG-IDs, Leistungsobjekte (99GGGKKK); mehrfach "
              "oder mit Komma/Leerzeichen getrennt.")
@_field_options(required=("url", "delivery"))
@click.option("--reason", help="Warum (steht im Verlauf).")
@dry_run_option
@yes_option
@by_option
@ars_option
@pass_app
def add_command(app: App, name: str, covers: tuple[str, ...], reason: str | None, dry_run: bool, yes: bool,
                by: str | None, ars: str | None, **fields: Any) -> None:
    """Einen Onlinedienst erfassen.

    Er bekommt die nächste Nummer der Kommune. Die Vorschau zeigt die abgedeckten Leistungen und die
    Status, die sich ändern; ändern sich mehr als eine, fragt der Befehl nach (ohne Konsole: --yes
    nötig). Leistungen, die keine eigenen der Kommune sind (Landkreis, Land), werden abgedeckt, bekommen
    aber keinen Status.

    \b
    Beispiel:
      ozgtrack online add Hundesteuer --url https://www.wolmirstedt.de/hund --delivery eigen --covers 99102013 --yes
    """
    from ozgtrack.views.online import OnlineSpec

    spec = OnlineSpec(name=name, covers=covers, **fields)
    _apply(app, ars, by, lambda s, c, t: _town_online().add_online(s, c, spec, reason=reason, targets=t), dry_run,
           yes, "angelegt", listed=True)


@online.command("set")
@click.argument("number", metavar="NUMMER")
@_field_options(clearable=True)
@click.option("--name", help="Neuer Name.")
@click.option("--add-covers", multiple=True, metavar="SCHLÜSSEL", help="Weitere abgedeckte Leistungen.")
@click.option("--remove-covers", multiple=True, metavar="SCHLÜSSEL", help="Nicht mehr abgedeckte Leistungen.")
@click.option("--reason", help="Warum (steht im Verlauf).")
@expect_version_option("der Onlinedienst", "online show")
@dry_run_option
@yes_option
@by_option
@ars_option
@pass_app
def set_command(app: App, number: str, add_covers: tuple[str, ...], remove_covers: tuple[str, ...],
                reason: str | None, expect_version: int | None, dry_run: bool, yes: bool, by: str | None,
                ars: str | None, **fields: Any) -> None:
    """Einen Onlinedienst ändern.

    NUMMER ist 3, O-003 oder o-3. Nur die angegebenen Angaben ändern sich; ein leerer Wert (--note "")
    löscht eine Angabe. Die abgedeckten Leistungen übernehmen die Änderung.

    \b
    Beispiel:
      ozgtrack online set O-001 --stage 4 --payment epaybl --add-covers 99115003012000 --yes
    """
    values = {f: v for f, v in fields.items() if v is not None}
    if not values and not add_covers and not remove_covers:
        raise click.UsageError("nichts zu ändern: geben Sie eine Angabe, --add-covers oder --remove-covers an")
    chosen = _number(number)

    def change(session: Any, context: Any, targets: Any) -> Any:
        return _town_online().set_online(session, context, chosen, values, add_covers=add_covers,
                                         remove_covers=remove_covers, expect_version=expect_version, reason=reason,
                                         targets=targets)

    _apply(app, ars, by, change, dry_run, yes, "geändert")


@online.command("remove")
@click.argument("number", metavar="NUMMER")
@click.option("--reason", help="Warum er außer Betrieb geht (steht im Verlauf).")
@expect_version_option("der Onlinedienst", "online show")
@dry_run_option
@yes_option
@by_option
@ars_option
@pass_app
def remove_command(app: App, number: str, reason: str | None, expect_version: int | None, dry_run: bool, yes: bool,
                   by: str | None, ars: str | None) -> None:
    """Einen Onlinedienst außer Betrieb nehmen.

    Sein Verlauf bleibt erhalten (`online list --retired`). Die abgedeckten Leistungen übernehmen den Stand
    des nächstbesten Onlinedienstes; deckt sie keiner mehr ab, werden Reifegrad und URL geleert.

    \b
    Beispiel:
      ozgtrack online remove O-002 --reason "ersetzt durch den EfA-Dienst" --yes
    """
    chosen = _number(number)
    _apply(app, ars, by, lambda s, c, t: _town_online().retire_online(
        s, c, chosen, reason=reason, expect_version=expect_version, targets=t), dry_run, yes,
        "außer Betrieb genommen")


def _town_online() -> Any:
    from ozgtrack.town import online as module

    return module


def _apply(app: App, ars: str | None, by: str | None, change: Any, dry_run: bool, yes: bool, done: str,
           listed: bool = False) -> None:
    """Run ``change`` through the unit's preview → confirm → apply; say what it did."""
    from ozgtrack.cli._unit import DRY_RUN, Preview, Unit, confirm_and_apply, said
    from ozgtrack.render.online import change_table
    from ozgtrack.views.what_counts import Targets

    targets = Targets.of_settings(app.settings.report)

    def plan(unit: Unit) -> Preview:
        made = change(unit.session, unit.context, targets)
        fields = {k: v for k, v in made.fields.items() if k != "retired_at"}
        items = (made.number, fields, made.covers_added, made.covers_removed, made.statuses, made.skipped,
                 made.deviations)
        show = listed or dry_run or len(made.statuses) > 1 or made.skipped or made.deviations
        return Preview(items, len(made.statuses), change_table(made, terminal_width()) if show else "", extra=made)

    outcome = confirm_and_apply(app, ars, by, plan, dry_run=dry_run, yes=yes)
    made = outcome.preview.extra
    if not made.fields and not made.covers_added and not made.covers_removed:
        note(f"{made.label}: nichts geändert.")
        return
    note(f"{made.label} {done}." if outcome.applied else f"{made.label} würde {done} {DRY_RUN}.")
    if made.skipped:
        what = plural(len(made.skipped), "abgedeckte Leistung ist", "abgedeckte Leistungen sind")
        note(f"ohne Status: {what} keine eigene Leistung der Kommune.")
    if made.deviations:
        note(f"Abweichung: {', '.join(made.deviations)} direkt gesetzt; bleibt so (siehe `ozgtrack status show`).")
    note(said(outcome))


@online.command("show")
@click.argument("number", metavar="NUMMER")
@format_option("online show")
@output_option
@ars_option
@pass_app
def show_command(app: App, number: str, fmt: str, output: Path | None, ars: str | None) -> None:
    """Einen Onlinedienst zeigen: Angaben, Bausteine, abgedeckte Leistungen, Verlauf.

    \b
    Beispiel:
      ozgtrack online show O-001
    """
    from ozgtrack.errors import NotFoundError
    from ozgtrack.render.registry import render
    from ozgtrack.town.online import history, online_views
    from ozgtrack.views.online import OnlineDetail, number_text

    chosen = _number(number)
    with reading(app, ars) as unit:
        found = online_views(unit.session, unit.context, numbers=[chosen])
        if not found:
            raise NotFoundError(f"{unit.context.municipality.name} hat keinen Onlinedienst {number_text(chosen)}; "
                                "siehe `ozgtrack online list --retired`")
        entries = history(unit.session, unit.context, chosen)
    emit(render("online show", fmt, OnlineDetail(found[0], tuple(entries)), terminal_width(output)), output)


@online.command("list")
@click.option("--retired", "everything", is_flag=True, help="Auch außer Betrieb genommene Onlinedienste.")
@format_option("online list")
@output_option
@ars_option
@pass_app
def list_command(app: App, everything: bool, fmt: str, output: Path | None, ars: str | None) -> None:
    """Die Onlinedienste der Kommune auflisten.

    \b
    Beispiel:
      ozgtrack online list --format xlsx -o onlinedienste.xlsx
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.online import online_views

    with reading(app, ars) as unit:
        found = online_views(unit.session, unit.context, include_retired=everything)
        stand = workbook_stand(unit, app, fmt)
    emit(render("online list", fmt, found, terminal_width(output), stand=stand), output)


@online.command("history")
@click.argument("number", metavar="NUMMER")
@format_option("online history")
@ars_option
@pass_app
def history_command(app: App, number: str, fmt: str, ars: str | None) -> None:
    """Den Verlauf eines Onlinedienstes zeigen: alt → neu, wer, wann, warum.

    \b
    Beispiel:
      ozgtrack online history O-001
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.online import history

    with reading(app, ars) as unit:
        entries = history(unit.session, unit.context, _number(number))
    emit(render("online history", fmt, entries, terminal_width()))


from ozgtrack.cli import online_sheet  # noqa: E402 - the intake commands, in their own module

online.add_command(online_sheet.from_statuses_command)
online.add_command(online_sheet.from_pvog_command)
online.add_command(online_sheet.export_command)
online.add_command(online_sheet.import_command)
