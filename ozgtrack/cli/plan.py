"""``ozgtrack plan``: the multi-year plan — citizens' proposals, measures with history, the plan worksheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, ars_option, by_option, cut, dry_run_option, echo_problems, emit, format_option, limit_options, output_option,
    pass_app, refuse_rows, row_limit, say_if_nothing, sheet_format, sheet_format_option, terminal_width, workbook_stand,
    yes_option,
)
from ozgtrack.cli._unit import reading
from ozgtrack.cli._common import note as tell  # `note` is also the name of the --note option

if TYPE_CHECKING:
    from ozgtrack.plan.proposals import Places
    from ozgtrack.town.context import Context

# (field, option, help) of the measure fields `plan measure add` and `set` take; "" clears an optional field.
_MEASURE_OPTIONS = (
    ("lebensbereich", "--lebensbereich", "Lebensbereich der Maßnahme (wie in catalog/lebensbereiche.toml)."),
    ("services", "--services", "Abgedeckte Leistungen: LeiKa-Schlüssel oder OZG-IDs, durch Kommas getrennt."),
    ("owner", "--owner", "Verantwortlicher Fachbereich."),
    ("origin", "--origin", "Herkunft: IST-Analyse, Zukunftswerkstatt, Verwaltung oder Stadtrat."),
    ("proposals", "--proposals", "Verknüpfte Ideen (IDs aus `plan proposals list`), durch Kommas getrennt."),
    ("ortschaft", "--ortschaft", "Ortschaft, wenn die Maßnahme nur eine betrifft."),
    ("start", "--start", "Beginn: Jahr (2027) oder Quartal (2027-Q2)."),
    ("end", "--end", "Ende: Jahr (2028) oder Quartal (2028-Q4)."),
    ("state", "--state", "Stand: vorgeschlagen, beschlossen, in Umsetzung, umgesetzt, zurückgestellt, verworfen."),
    ("progress", "--progress", "Fortschritt in Prozent (0–100)."),
    ("weight", "--weight", "Gewicht im Plan (1–100)."),
    ("cost", "--cost", "Geschätzte Kosten in Euro."),
    ("funding", "--funding", "Finanzierung: Eigenmittel, Land (EfA-Nachnutzung) oder Fördermittel."),
    ("blocker", "--blocker", "Der Grund, den die Maßnahme beseitigt: landesloesung, vertrag, epayment, postfach, "
     "fachverfahren, pvog, personal oder rechtslage (siehe `ozgtrack report blockers`)."),
)


def _places(app: App, context: Context) -> Places:
    from ozgtrack.catalogue.lebensbereiche import load
    from ozgtrack.plan.proposals import places

    return places(context.municipality, app.settings.ortschaften, load(app.settings.report.lebensbereiche).order)


@click.group()
def plan() -> None:
    """Der Mehrjahresplan: Ideen der Bürgerinnen und Bürger, Maßnahmen mit Verlauf, Arbeitsblatt.

    Die Ortschaften der Gemeinde stehen in config.toml unter [town] ortschaften.

    \b
    Beispiele:
      ozgtrack plan proposals import zukunftswerkstatt.csv --dry-run
      ozgtrack plan measure add "Online-Terminvergabe Bürgerbüro" --state beschlossen --start 2027-Q1
    """


# --- proposals ---------------------------------------------------------------------------------------


@plan.group()
def proposals() -> None:
    """Ideen aus Zukunftswerkstatt, Beteiligungsportal, Stadtrat und Verwaltung einlesen und zeigen.

    \b
    Beispiel:
      ozgtrack plan proposals list --ortschaft Elbeu
    """


@proposals.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Prüfen und zeigen, nichts speichern.")
@ars_option
@pass_app
def proposals_import(app: App, file: Path, dry_run: bool, ars: str | None) -> None:
    """Eine Ideenliste einlesen (CSV, wie Excel sie speichert, oder Excel-Arbeitsmappe).

    Die Spalten werden am Namen erkannt: Idee oder Titel, Beschreibung, Lebensbereich, Ortschaft,
    Stimmen, Quelle oder Format, Datum, dazu eine ID-Spalte, wenn es eine gibt. Jede Zeile wird
    geprüft; ist eine fehlerhaft, wird nichts gespeichert. Dieselbe Liste noch einmal einzulesen
    ändert nichts.

    \b
    Beispiel:
      ozgtrack plan proposals import zukunftswerkstatt.csv --dry-run
    """
    from ozgtrack.cli._unit import writing
    from ozgtrack.plan.proposals import import_proposals, read_proposals
    from ozgtrack.sources.files import read_local

    data = read_local(file, app.settings.http.max_bytes)
    with writing(app, ars, None, dry_run=dry_run) as unit:
        session, context = unit.session, unit.context
        rows, problems = read_proposals(data, file.name, _places(app, context))
        if problems:
            refuse_rows(file, problems)
        result = import_proposals(session, context, rows)
    total = len(result.added) + len(result.changed) + result.unchanged
    tell(f"{file}: {wording.plural(total, 'Idee', 'Ideen')} gelesen: {len(result.added)} neu, "
               f"{len(result.changed)} geändert, {result.unchanged} unverändert"
               f"{' (Probelauf, nichts gespeichert)' if dry_run else ''}.")


@proposals.command("list")
@click.option("--lebensbereich", metavar="NAME", help="Nur Ideen dieses Lebensbereichs; ein eindeutiger Anfang oder "
              "Teil des Namens genügt.")
@click.option("--ortschaft", metavar="NAME", help="Nur Ideen dieser Ortschaft („Kernstadt“: die Stadt selbst); ein "
              "eindeutiger Anfang oder Teil des Namens genügt.")
@format_option("plan proposals list")
@output_option
@limit_options
@ars_option
@pass_app
def proposals_list(app: App, lebensbereich: str | None, ortschaft: str | None, fmt: str, output: Path | None,
                   limit: int | None, everything: bool, ars: str | None) -> None:
    """Die eingelesenen Ideen zeigen, die mit den meisten Stimmen zuerst.

    \b
    Beispiele:
      ozgtrack plan proposals list --lebensbereich Mobilität
      ozgtrack plan proposals list -o ideen.xlsx
    """
    from ozgtrack.plan.proposals import proposal_views
    from ozgtrack.render.registry import render

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        found = proposal_views(session, context, lebensbereich, ortschaft, _places(app, context))
        stand = workbook_stand(unit, app, fmt)
    say_if_nothing(found, "keine Idee", lebensbereich=lebensbereich, ortschaft=ortschaft)
    found = cut(found, row_limit(limit, everything, fmt, output))
    emit(render("plan proposals list", fmt, found, terminal_width(output), stand), output)


# --- measures ----------------------------------------------------------------------------------------


@plan.group()
def measure() -> None:
    """Maßnahmen anlegen, ändern, mit Fortschrittsnotizen versehen und zeigen; jede Änderung bleibt im Verlauf.

    \b
    Beispiel:
      ozgtrack plan measure set M-001 --progress 40 --note "Ausschreibung veröffentlicht"
    """


def _measure_options(function: Any) -> Any:
    function = click.option("--note", metavar="TEXT", help="Eine Fortschrittsnotiz mit heutigem Datum anhängen.")(function)
    for field, flag, text in reversed(_MEASURE_OPTIONS):
        function = click.option(flag, field, metavar="TEXT", help=text)(function)
    return function


def _cleaned(session: Any, context: Context, app: App, options: dict[str, Any]) -> dict[str, Any]:
    from ozgtrack.plan.measures import checks, clean

    known = checks(session, context, _places(app, context))
    return {f: clean(f, v, known) for f, v in options.items() if v is not None}


@measure.command("add")
@click.argument("title")
@_measure_options
@dry_run_option
@by_option
@ars_option
@pass_app
def measure_add(app: App, title: str, note: str | None, dry_run: bool, by: str | None, ars: str | None,
                **options: Any) -> None:
    """Eine Maßnahme anlegen; sie bekommt die nächste Nummer (M-001, M-002 …).

    \b
    Beispiel:
      ozgtrack plan measure add "Online-Terminvergabe Bürgerbüro" --lebensbereich "Bürgerservice & Dokumente" --origin Zukunftswerkstatt --start 2027-Q1 --end 2027-Q4
    """
    from ozgtrack.cli._unit import DRY_RUN, writing
    from ozgtrack.plan.measures import add

    with writing(app, ars, by, dry_run=dry_run) as unit:
        change = add(unit.session, unit.context, _cleaned(unit.session, unit.context, app, {"title": title, **options}),
                     note)
    if dry_run:
        tell(f"Maßnahme {change.ref} würde angelegt: {change.title} {DRY_RUN}")
        return
    click.echo(change.ref)
    tell(f"Maßnahme {change.ref} angelegt: {change.title}")


@measure.command("set")
@click.argument("ref", metavar="ID")
@click.option("--title", metavar="TEXT", help="Neuer Titel.")
@_measure_options
@click.option("--reason", help="Warum (bleibt im Verlauf).")
@dry_run_option
@by_option
@ars_option
@pass_app
def measure_set(app: App, ref: str, title: str | None, note: str | None, reason: str | None, dry_run: bool,
                by: str | None, ars: str | None, **options: Any) -> None:
    """Felder einer Maßnahme ändern und/oder eine Fortschrittsnotiz anhängen; ein leerer Wert ("") löscht ein Feld.

    \b
    Beispiel:
      ozgtrack plan measure set M-001 --state "in Umsetzung" --progress 40 --note "Ausschreibung veröffentlicht"
    """
    from ozgtrack.cli._unit import DRY_RUN, writing
    from ozgtrack.plan.measures import find, update

    if title is not None:
        options["title"] = title
    if not any(v is not None for v in options.values()) and note is None:
        raise click.UsageError("nichts zu ändern: bitte ein Feld (z. B. --state) oder --note angeben")
    with writing(app, ars, by, dry_run=dry_run) as unit:
        found = find(unit.session, unit.context, ref)
        change = update(unit.session, unit.context, found, _cleaned(unit.session, unit.context, app, options), note,
                        reason)
    if change is None:
        tell(f"Maßnahme {ref}: nichts geändert.")
        return
    tell(f"Maßnahme {change.ref} würde geändert {DRY_RUN}." if dry_run else f"Maßnahme {change.ref} geändert.")


@measure.command("show")
@click.argument("ref", metavar="ID")
@format_option("plan measure show")
@ars_option
@pass_app
def measure_show(app: App, ref: str, fmt: str, ars: str | None) -> None:
    """Eine Maßnahme mit allen Feldern und ihrem Verlauf (Änderungen und Fortschrittsnotizen) zeigen.

    \b
    Beispiel:
      ozgtrack plan measure show M-001
    """
    from ozgtrack.plan.measures import find, measure_views
    from ozgtrack.render.registry import render

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        found = measure_views(session, context, with_history=True, numbers=[find(session, context, ref).number])
    emit(render("plan measure show", fmt, found, terminal_width()))


@measure.command("list")
@click.option("--lebensbereich", metavar="NAME", help="Nur Maßnahmen dieses Lebensbereichs; ein eindeutiger Anfang "
              "oder Teil des Namens genügt.")
@click.option("--state", metavar="STAND", help="Nur Maßnahmen in diesem Stand (z. B. beschlossen).")
@format_option("plan measure list")
@output_option
@limit_options
@ars_option
@pass_app
def measure_list(app: App, lebensbereich: str | None, state: str | None, fmt: str, output: Path | None,
                 limit: int | None, everything: bool, ars: str | None) -> None:
    """Die Maßnahmen der Gemeinde nach Nummer zeigen.

    \b
    Beispiele:
      ozgtrack plan measure list --state beschlossen --format csv
      ozgtrack plan measure list -o massnahmen-liste.xlsx
    """
    from ozgtrack.plan.measures import chosen_views
    from ozgtrack.render.registry import render

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        found = chosen_views(session, context, _places(app, context), lebensbereich, state)
        stand = workbook_stand(unit, app, fmt)
    say_if_nothing(found, "keine Maßnahme", lebensbereich=lebensbereich, state=state)
    found = cut(found, row_limit(limit, everything, fmt, output))
    emit(render("plan measure list", fmt, found, terminal_width(output), stand), output)


# --- the worksheet -----------------------------------------------------------------------------------


@plan.command("export")
@output_option
@sheet_format_option
@ars_option
@pass_app
def plan_export(app: App, output: Path | None, file_format: str | None, ars: str | None) -> None:
    """Das Arbeitsblatt des Plans schreiben: eine Zeile je Maßnahme, als Excel-Arbeitsmappe oder CSV.

    `plan import` liest dasselbe Blatt wieder ein. Die Arbeitsmappe hat Auswahllisten für Stand,
    Herkunft, Lebensbereich, Ortschaft und Finanzierung und ein Blatt „Erläuterungen“.

    \b
    Beispiel:
      ozgtrack plan export -o massnahmen.xlsx
    """
    from ozgtrack.plan.measures import measure_views, versions
    from ozgtrack.plan.sheet import export_csv, export_workbook

    chosen = sheet_format(output, file_format)
    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        views, known = measure_views(session, context), versions(session, context.municipality.id)
        if chosen == "xlsx":
            where = _places(app, context)
            content: str | bytes = export_workbook(views, known, context.now, where.lebensbereiche, where.ortschaften)
        else:
            content = export_csv(views, known, context.now)
    emit(content, output)


@plan.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Prüfen und die Änderungen zeigen, nichts speichern.")
@yes_option
@click.option("--force", is_flag=True, help="Auch Zeilen übernehmen, deren Maßnahme nach dem Export geändert wurde.")
@by_option
@ars_option
@pass_app
def plan_import(app: App, file: Path, dry_run: bool, yes: bool, force: bool, by: str | None, ars: str | None) -> None:
    """Das Arbeitsblatt des Plans einlesen (CSV oder Excel-Arbeitsmappe) und seine Änderungen übernehmen.

    Jede Zeile wird zuerst geprüft; ist eine fehlerhaft, wird nichts geändert. Eine Zeile ohne ID
    legt eine Maßnahme an. Eine Zeile, deren Maßnahme nach dem Export geändert wurde, würde diese
    Änderung zurücknehmen: sie wird genannt und nicht übernommen, außer mit --force; ebenso eine
    mit einer höheren Version als in der Datenbank und, wenn die Spalte Version fehlt, jede, die
    eine Maßnahme ändert. Ändert das Blatt mehr als eine Maßnahme, zeigt der Befehl die Liste und
    fragt nach (ohne Konsole: --yes).

    \b
    Beispiel:
      ozgtrack plan import massnahmen.xlsx --dry-run
    """
    from ozgtrack.cli._unit import confirm_and_apply
    from ozgtrack.sources.files import read_local

    data = read_local(file, app.settings.http.max_bytes)
    outcome = confirm_and_apply(app, ars, by, _importing(app, file, data, force), dry_run=dry_run, yes=yes)
    _tell_import(file, outcome.preview.extra, dry_run)


def _importing(app: App, file: Path, data: bytes, force: bool) -> Any:
    """The preview of `plan import`: the sheet applied in the unit's transaction (bad rows stop it)."""
    from ozgtrack.cli._unit import Preview, Unit
    from ozgtrack.plan.measures import checks
    from ozgtrack.plan.sheet import import_sheet
    from ozgtrack.render.plan import changes_table

    def preview(unit: Unit) -> Preview:
        known = checks(unit.session, unit.context, _places(app, unit.context))
        result = import_sheet(unit.session, unit.context, data, file.name, known, force=force)
        if result.problems:
            refuse_rows(file, result.problems)
        listing = changes_table(list(result.changes), terminal_width()) if result.changes else ""
        return Preview(tuple(result.changes), len(result.changes), listing, ("Maßnahme", "Maßnahmen"), extra=result)

    return preview


def _tell_import(file: Path, result: Any, dry_run: bool) -> None:
    from ozgtrack.town.sheets import changed_after_export, conflict_text

    echo_problems([conflict_text(c, c.ref, "die Maßnahme", dry_run) for c in result.conflicts], shown=50)
    added = sum(c.added for c in result.changes)
    why = "wegen Änderungen nach dem Export" if changed_after_export(result.conflicts) else "als Konflikt"
    tell(f"{file}: {wording.plural(added, 'neue Maßnahme', 'neue Maßnahmen')}, "
         f"{wording.plural(len(result.changes) - added, 'geänderte', 'geänderte')}, "
         f"{wording.plural(len(result.conflicts), 'Zeile', 'Zeilen')} {why} "
         f"ausgelassen{' (Probelauf, nichts gespeichert)' if dry_run else ''}.")


# --- case numbers and priorities (their own module) ------------------------------------------------

from ozgtrack.cli.plan_priorities import cases, priorities  # noqa: E402

plan.add_command(cases)
plan.add_command(priorities)

# --- the staged plan: build, adopt, versions (their own module) -----------------------------------

from ozgtrack.cli.plan_versions import adopt, build, version, versions  # noqa: E402

for _command in (build, adopt, versions, version):
    plan.add_command(_command)
