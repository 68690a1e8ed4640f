"""``ozgtrack triage``: decide which services are the town's own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, ars_option, by_option, cut, echo_problems, emit, expect_version_option, format_option, limit_options, note,
    output_option, pass_app, refuse_rows, row_limit, say_if_nothing, sheet_format, sheet_format_option, terminal_width,
    workbook_stand,
)
from ozgtrack.cli._unit import reading
from ozgtrack.values import Level

if TYPE_CHECKING:
    from ozgtrack.cli._unit import Unit
    from ozgtrack.town.context import Context
    from ozgtrack.views.tracking import TriageChange, TriageFilters

_LEVELS = [level.value for level in Level]
TARGETS_HELP = "SCHLÜSSEL|OZG-ID|LO-ID…"


@click.group()
def triage() -> None:
    """Entscheiden, wer eine Leistung für die Stadt ausführt (Zuständigkeit).

    Die Ebenen sind gemeinde, landkreis, land, bund und unklar. Bis die Stadt entscheidet, folgt
    die Zuständigkeit den Regeln, in Schichten: die allgemeinen Regeln nach Typisierung
    (catalog/triage_rules.toml) < die Landesregeln des Landes der Kommune
    (catalog/triage/NN-land.toml, nach dem ARS automatisch) < die eigene Regeldatei der Stadt
    ([triage] rules in config.toml) < Entscheidungen. Eine Entscheidung für ein Leistungsobjekt
    (99GGGKKK000000) gilt auch für seine Verrichtungen ohne eigene Entscheidung.

    \b
    Beispiele:
      ozgtrack triage list --undecided
      ozgtrack triage set 10124 --level gemeinde --reason "Meldebehörde ist die Stadt"
      ozgtrack triage rules
    """


def _confirm_options(function: Any) -> Any:
    function = click.option("--yes", is_flag=True, help="Ohne Rückfrage ändern, auch wenn es mehrere Leistungen "
                            "betrifft (nötig, wenn keine Konsole fragen kann).")(function)
    return click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde; nichts speichern.")(function)


@triage.command("set")
@click.argument("targets", metavar=TARGETS_HELP, nargs=-1, required=True)
@click.option("--level", type=click.Choice(_LEVELS), required=True,
              help="Wer die Leistung für die Stadt ausführt („unklar“ ist keine Entscheidung: dafür `triage reset`).")
@click.option("--reason", required=True, metavar="TEXT",
              help="Die Begründung: das Gesetz, der Eintrag im Zuständigkeitsfinder, die Vereinbarung …")
@_confirm_options
@expect_version_option("die Zuständigkeit", "triage show")
@by_option
@ars_option
@pass_app
def set_command(app: App, targets: tuple[str, ...], level: str, reason: str, dry_run: bool, yes: bool,
                expect_version: int | None, by: str | None, ars: str | None) -> None:
    """Die Zuständigkeit von Leistungen entscheiden, mit Begründung.

    Angeben lassen sich LeiKa-Schlüssel, OZG-IDs (alle Leistungen einer OZG-Leistung) und
    Leistungsobjekte. Eine 8-stellige LO-ID (99GGGKKK) wählt ein Leistungsobjekt mit allen seinen Verrichtungen.
    Ändert der Befehl mehr als eine Leistung, zeigt er die Liste und fragt nach (ohne Konsole:
    --yes nötig).

    \b
    Beispiele:
      ozgtrack triage set 99036008007000 --level landkreis --reason "Zulassungsbehörde ist der Landkreis Börde"
      ozgtrack triage set 10124 --level gemeinde --reason "Meldebehörde ist die Stadt" --dry-run
    """
    from ozgtrack.errors import InputError
    from ozgtrack.town.triage import refuse_unklar, resolve_targets, set_levels

    chosen = Level(level)
    try:
        refuse_unklar(chosen)  # a usage error: the option's value is not a decision
    except InputError as exc:
        raise click.UsageError(str(exc)) from None

    def plan(session: Any, context: Context) -> list[TriageChange]:
        services = resolve_targets(session, targets)
        _check_version(session, context, services, expect_version)
        return set_levels(session, context, [i for i, _ in services], chosen, reason)

    _change(app, ars, by, plan, dry_run=dry_run, yes=yes)


@triage.command("reset")
@click.argument("targets", metavar=TARGETS_HELP, nargs=-1, required=True)
@_confirm_options
@expect_version_option("die Zuständigkeit", "triage show")
@by_option
@ars_option
@pass_app
def reset_command(app: App, targets: tuple[str, ...], dry_run: bool, yes: bool, expect_version: int | None,
                  by: str | None, ars: str | None) -> None:
    """Entscheidungen zurücknehmen: für diese Leistungen gilt wieder die Regel.

    Die Rücknahme steht in der Historie („zurück zur Regel“). Leistungen ohne Entscheidung
    bleiben, wie sie sind.

    \b
    Beispiele:
      ozgtrack triage reset 10294 --dry-run
      ozgtrack triage reset 99115005104000
    """
    from ozgtrack.town.triage import reset_levels, resolve_targets

    def plan(session: Any, context: Context) -> list[TriageChange]:
        services = resolve_targets(session, targets)
        _check_version(session, context, services, expect_version)
        return reset_levels(session, context, [i for i, _ in services])

    _change(app, ars, by, plan, dry_run=dry_run, yes=yes)


def _check_version(session: Any, context: Context, services: list[tuple[int, str]], expected: int | None) -> None:
    """With --expect-version: the one service's decision must still be at that version (in this transaction)."""
    from ozgtrack.town import record_versions

    record_versions.expect(session, context.municipality.id, services, "triage", expected)


def _filter_options(function: Any) -> Any:
    options = [
        click.option("--search", metavar="TEXT", help="Nur Leistungen, deren Name, Synonyme oder OZG-Leistung alle "
                     "Wörter enthalten (Umlaute egal: Fuehrerschein findet Führerschein; Alltagswörter wie Kita, "
                     "Perso oder Kfz finden die LeiKa-Wörter, für die sie stehen)."),
        click.option("--themenfeld", metavar="NAME", help="Nur Leistungen dieses OZG-Themenfelds (ein eindeutiger "
                     "Anfang oder Teil des Namens genügt)."),
        click.option("--lage", metavar="NAME", help="Nur Leistungen dieser Lebens- oder Geschäftslage (ein eindeutiger "
                     "Anfang oder Teil des Namens genügt)."),
        click.option("--lebensbereich", metavar="NAME", help="Nur Leistungen dieses Lebensbereichs (ein eindeutiger "
                     "Anfang oder Teil des Namens genügt)."),
        click.option("--ozg", "ozg_ids", metavar="OZG-ID", multiple=True,
                     help="Nur die Leistungen dieser OZG-Leistung (wiederholbar)."),
        click.option("--typ", "typ", metavar="CODE", multiple=True,
                     help="Nur Leistungen mit dieser Typisierung, z. B. 2/3 oder 4 (wiederholbar)."),
        click.option("--level", "levels", type=click.Choice([*_LEVELS, "info"]), multiple=True,
                     help="Nur Leistungen dieser Ebenen (wiederholbar); info = reine Information, keine Leistung."),
        click.option("--undecided", is_flag=True, help="Nur Leistungen, deren Zuständigkeit unklar ist."),
        click.option("--decided", is_flag=True, help="Nur Leistungen, über die die Stadt entschieden hat."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _filters(options: dict[str, Any]) -> TriageFilters:
    from ozgtrack.views.tracking import TriageFilters

    return TriageFilters(options["search"], options["themenfeld"], options["lage"], options["lebensbereich"],
                         tuple(options["ozg_ids"]), tuple(options["typ"]), tuple(options["levels"]),
                         options["undecided"], options["decided"])


def _found(app: App, session: Any, context: Context, filters: TriageFilters) -> list[Any]:
    from ozgtrack.catalogue.lebensbereiche import load
    from ozgtrack.town.triage_query import find

    return find(session, context, filters, load(app.settings.report.lebensbereiche) if filters.lebensbereich else None)


@triage.command("list")
@_filter_options
@format_option("triage list")
@limit_options
@ars_option
@pass_app
def list_command(app: App, fmt: str, limit: int | None, everything: bool, ars: str | None, **options: Any) -> None:
    """Leistungen mit ihrer Zuständigkeit auflisten, und ob eine Regel oder eine Entscheidung sie festlegt.

    \b
    Beispiele:
      ozgtrack triage list --undecided --ozg 10124
      ozgtrack triage list --search hundesteuer --typ 5
    """
    from ozgtrack.render.registry import render

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        rows = _found(app, session, context, _filters(options))
    say_if_nothing(rows, "keine Leistung", **{k: v for k, v in options.items() if k not in ("ozg_ids", "typ", "levels")},
                   ozg=options["ozg_ids"], typ=options["typ"], level=options["levels"])
    emit(render("triage list", fmt, cut(rows, row_limit(limit, everything, fmt)), terminal_width()))


@triage.command("show")
@click.argument("key", metavar="SCHLÜSSEL")
@format_option("triage show")
@ars_option
@pass_app
def show_command(app: App, key: str, fmt: str, ars: str | None) -> None:
    """Die Zuständigkeit einer Leistung zeigen und was sie festlegt.

    Das ist die Regel (Datei, Präfix, Grund, Quelle) oder die Entscheidung der Stadt.

    \b
    Beispiel:
      ozgtrack triage show 99115005104000
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.triage_query import detail

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        view = detail(session, context, key)
    emit(render("triage show", fmt, view))


@triage.command("rules")
@format_option("triage rules")
@ars_option
@pass_app
def rules_command(app: App, fmt: str, ars: str | None) -> None:
    """Zeigen, welche Regeldateien gelten und wie viele Leistungen jede Ebene bekommt.

    \b
    Beispiel:
      ozgtrack triage rules --format json
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.triage_query import summary

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        view = summary(session, context)
    emit(render("triage rules", fmt, view))


@triage.command("export")
@output_option
@sheet_format_option
@_filter_options
@ars_option
@pass_app
def export_command(app: App, output: Path | None, file_format: str | None, ars: str | None, **options: Any) -> None:
    """Das Zuständigkeits-Arbeitsblatt schreiben, mit denselben Filtern wie `triage list`.

    Das Format folgt dem Dateinamen: .xlsx ist eine Excel-Arbeitsmappe (Schlüssel als Text,
    Auswahlliste für die Entscheidung, ein Blatt „Erläuterungen“), .csv eine CSV-Datei für Excel
    (;, UTF-8 mit BOM). Je Leistung: vorgeschlagene Zuständigkeit und ihr Grund, dazu die Spalten
    Entscheidung und Begründung für die Fachbereiche; `triage import` liest beide zurück.

    \b
    Beispiele:
      ozgtrack triage export -o zustaendigkeit.xlsx --undecided --themenfeld "Bauen"
      ozgtrack triage export -o zustaendigkeit.csv
    """
    from ozgtrack.render.workbook import stand_lines
    from ozgtrack.town.sheets import versions
    from ozgtrack.town.tracking import ozg_ids_of
    from ozgtrack.town.triage_sheet import export, export_workbook

    chosen = sheet_format(output, file_format)
    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        rows = _found(app, session, context, _filters(options))
        found = rows, ozg_ids_of(session, [a.service_id for a in rows]), versions(session, context.municipality.id)
        stand = stand_lines(workbook_stand(unit, app, chosen))
    emit(export_workbook(*found, stand) if chosen == "xlsx" else export(*found), output)


@triage.command("import")
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@_confirm_options
@click.option("--force", is_flag=True, help="Auch Zeilen übernehmen, deren Leistung nach dem Export geändert wurde.")
@by_option
@ars_option
@pass_app
def import_command(app: App, file: Path, dry_run: bool, yes: bool, force: bool, by: str | None,
                   ars: str | None) -> None:
    """Ein Zuständigkeits-Arbeitsblatt zurücklesen (auch wie Excel oder LibreOffice es speichern).

    Jede Zeile wird zuerst geprüft; ist eine falsch, wird jede mit ihrer Zeilennummer genannt
    und nichts geändert. Eine Entscheidung braucht eine Begründung; eine leere Entscheidung
    heißt: es gilt die Regel (eine bisherige Entscheidung wird zurückgenommen). Eine Zeile,
    deren Leistung nach dem Export geändert wurde, bleibt außen vor (außer mit --force); ebenso
    eine mit einer höheren Version als in der Datenbank und, wenn die Spalte Version fehlt, jede.

    \b
    Beispiel:
      ozgtrack triage import zustaendigkeit.csv --dry-run
    """
    from ozgtrack.sources.files import read_local

    data = read_local(file, app.settings.http.max_bytes)
    seen: list[Any] = []  # the sheet's result, for what is said after the change
    _change(app, ars, by, _sheet_plan(file, data, force, seen), dry_run=dry_run, yes=yes)
    _warn_sheet(file, seen[-1], force, dry_run)


def _sheet_plan(file: Path, data: bytes, force: bool, seen: list[Any]) -> Callable[[Any, Context], list[TriageChange]]:
    """The plan of `triage import`: the sheet applied in the unit's transaction (bad rows stop it)."""
    from ozgtrack.town.triage_sheet import import_sheet

    def plan(session: Any, context: Context) -> list[TriageChange]:
        result = import_sheet(session, context, data, str(file), force=force)
        if result.problems:
            refuse_rows(file, result.problems)
        seen.append(result)
        return list(result.changes)

    return plan


def _warn_sheet(file: Path, result: Any, force: bool, dry_run: bool) -> None:
    from ozgtrack.town.sheets import conflict_text

    if not result.versioned and force:
        note(f"{wording.WARNING}: {file} hat keine Spalte Version: Änderungen nach dem Export sind nicht erkennbar; "
             f"mit --force {'würde es trotzdem übernommen' if dry_run else 'wurde es trotzdem übernommen'}, wo es "
             "abweicht")
    echo_problems([conflict_text(c, c.key, "die Leistung", dry_run) for c in result.conflicts], shown=50)


# --- changes with a preview -------------------------------------------------------------------------


def _change(app: App, ars: str | None, by: str | None, plan: Callable[[Any, Context], list[TriageChange]], *,
            dry_run: bool, yes: bool) -> None:
    """Show what changes, confirm more than one service, re-check, apply (see :func:`confirm_and_apply`)."""
    from ozgtrack.cli._unit import Preview, confirm_and_apply, said
    from ozgtrack.render.tracking import triage_changes_table

    def preview(unit: Unit) -> Preview:
        changes = plan(unit.session, unit.context)
        return Preview(tuple(changes), len(changes), triage_changes_table(changes, terminal_width()) if changes else "")

    note(said(confirm_and_apply(app, ars, by, preview, dry_run=dry_run, yes=yes)))
