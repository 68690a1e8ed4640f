"""``ozgtrack status``: mark how far the town's services are online, with history and worksheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack.cli._common import (
    App, WholeNumber, ars_option, by_option, cut, dry_run_option, emit, expect_version_option, format_option,
    limit_options, note, output_option, pass_app, row_limit, say_if_nothing, terminal_width, workbook_stand, yes_option,
)
from ozgtrack.cli._unit import reading
from ozgtrack.cli.status_sheet import export_command, import_command
from ozgtrack.values import MaturityModel
from ozgtrack.views.online import BlockerCode, enum_values
from ozgtrack.wording import plural

_FIELD_OPTIONS = (
    ("url", "--url", "Wo Bürgerinnen und Bürger die Leistung online nutzen (http/https)."),
    ("portal", "--portal", "Wo sie angeboten wird: eigene Website, Landesportal, EfA-Dienst …"),
    ("efa_solution", "--efa", "Name der genutzten EfA- oder landesweiten Lösung."),
    ("department", "--department", "Der Fachbereich, der die Leistung verantwortet."),
    ("contact", "--contact", "Ansprechperson oder Funktionspostfach."),
    ("planned", "--planned", "Online geplant bis: ein Datum (2027-06-30, 30.06.2027), ein Quartal (2027-Q2) oder ein "
     "Jahr (2027)."),
    ("note", "--note", "Freitext; mit --blocker die Erläuterung des Grundes."),
)


BLOCKER_CODES = enum_values(BlockerCode)


@click.group()
def status() -> None:
    """Den Online-Stand der Leistungen erfassen, mit Verlauf.

    Wie weit jede eigene Leistung der Kommune online ist; jede Änderung bleibt im Verlauf erhalten.

    Ein Reifegrad gehört immer zu einem Reifegradmodell: rgm2 (Reifegradmodell 2.0, Stufen 0–7,
    seit Juli 2025 das geltende Modell und der Standard) oder rgm1 (Reifegradmodell 1.1, Stufen 0–4,
    bleibt gültig); einen anderen Standard legt [status] model in config.toml fest. Ein leerer
    Wert (--url "") löscht ein Feld.

    \b
    Beispiele:
      ozgtrack status set 99115005104000 --stage 3 --verified
      ozgtrack status list --stage-below 3
    """


status.add_command(export_command)
status.add_command(import_command)


def _field_options(function: Any) -> Any:
    for field, flag, text in reversed(_FIELD_OPTIONS):
        function = click.option(flag, field, metavar="TEXT", help=text)(function)
    return function


@status.command("set")
@click.argument("target", metavar="ZIEL")
@click.option("--stage", type=WholeNumber(0, 7), metavar="N",
              help="Reifegrad: die Stufe im Reifegradmodell (rgm2: 0–7, rgm1: 0–4).")
@click.option("--model", type=click.Choice([m.value for m in MaturityModel]),
              help="Reifegradmodell der Stufe  [Standard: das schon erfasste Modell der Leistung, sonst [status] "
              "model, sonst rgm2]")
@_field_options
@click.option("--verified", is_flag=True, help="Festhalten, dass Sie den Stand heute geprüft haben.")
@click.option("--reason", help="Warum es sich ändert (wird im Verlauf gespeichert).")
@click.option("--blocker", type=click.Choice(BLOCKER_CODES), metavar="CODE",
              help="Grund festhalten, warum die Leistung noch nicht online ist (siehe unten); --note gilt dann dem "
              "Grund.")
@click.option("--clear-blocker", type=click.Choice(BLOCKER_CODES), metavar="CODE",
              help="Einen festgehaltenen Grund als erledigt markieren (er bleibt im Verlauf).")
@dry_run_option
@yes_option
@expect_version_option("der Status", "status show")
@by_option
@ars_option
@pass_app
def set_command(app: App, target: str, verified: bool, reason: str | None, blocker: str | None,
                clear_blocker: str | None, dry_run: bool, yes: bool, expect_version: int | None, by: str | None,
                ars: str | None, **options: Any) -> None:
    """Den Status einer Leistung setzen.

    ZIEL ist ein LeiKa-Schlüssel oder eine OZG-ID; mit einer OZG-ID gilt er für alle eigenen
    Leistungen dieser OZG-Leistung. Nur die angegebenen Felder ändern sich; jede Änderung wird im
    Verlauf gespeichert. Ändert der Befehl mehr als eine Leistung, zeigt er die Liste und fragt nach
    (ohne Konsole: --yes nötig). Mit --expect-version nur auf dem Stand, den Sie gelesen haben (hat
    ihn inzwischen jemand geändert, wird nichts gespeichert).

    Warum sie noch nicht online ist, hält --blocker CODE fest, --clear-blocker CODE hakt den Grund ab
    (Codes und ihre Bedeutung: catalog/blockers.toml und `ozgtrack report blockers`).

    \b
    Beispiele:
      ozgtrack status set 99115005104000 --stage 3 --url https://www.wolmirstedt.de/anmelden --verified
      ozgtrack status set 10124 --department "FB 2 Bürgerservice" --planned 2027-Q2 --yes
      ozgtrack status set 99115005104000 --stage 4 --expect-version 3
      ozgtrack status set 99108005012000 --blocker epayment --note "Kasse ohne ePayBL-Anbindung"
    """
    from ozgtrack.cli._unit import confirm_and_apply
    from ozgtrack.fields import clean_value

    blocking = _blocking(app, blocker, clear_blocker, options)
    values = {f: clean_value(f, v) for f, v in options.items() if v is not None}
    if not values and not verified and blocking is None:
        raise click.UsageError("nichts zu setzen: geben Sie --stage, ein anderes Feld, --verified oder --blocker an")
    setting = _setting(target, values, verified, reason, expect_version, dry_run, blocking)
    _tell_set(confirm_and_apply(app, ars, by, setting, dry_run=dry_run, yes=yes))


def _blocking(app: App, blocker: str | None, clear_blocker: str | None, options: dict[str, Any]) -> Any:
    """(code, clear, note, targets) of --blocker/--clear-blocker; with --blocker, --note is the reason's note."""
    from ozgtrack.views.online import BlockerCode
    from ozgtrack.views.what_counts import Targets

    if blocker and clear_blocker:
        raise click.UsageError("--blocker und --clear-blocker schließen einander aus")
    if not blocker and not clear_blocker:
        return None
    note_text = options.pop("note") if blocker else None
    return (BlockerCode(blocker or clear_blocker), bool(clear_blocker), note_text,
            Targets.of_settings(app.settings.report))


def _setting(target: str, values: dict[str, Any], verified: bool, reason: str | None, expect_version: int | None,
             dry_run: bool, blocking: Any = None) -> Any:
    """The preview of `status set`: the target's statuses set (and reasons changed) in the unit's transaction."""
    from ozgtrack.cli._unit import Preview, Unit
    from ozgtrack.render.blockers import blocker_changes_table
    from ozgtrack.render.tracking import changes_table
    from ozgtrack.town import blockers
    from ozgtrack.town.tracking import set_target

    def preview(unit: Unit) -> Preview:
        done = set_target(unit.session, unit.context, target, values, verified=verified, reason=reason,
                          expect_version=expect_version) if values or verified else None
        changed = done.changed if done else []
        moved, left = blockers.change(unit.session, unit.context, blocking[3], target, blocking[0], blocking[2],
                                      clear=blocking[1]) if blocking else ([], [])
        count = len({c.key for c in changed} | {c.key for c in moved})
        listing = (changes_table([], changed, terminal_width()) if changed else "") + (
            blocker_changes_table(moved, terminal_width()) if moved else "")
        return Preview((tuple(changed), tuple(done.skipped if done else ()), tuple(moved), tuple(left)), count,
                       listing if dry_run or count > 1 else "", extra=(done, moved, left, target))

    return preview


def _tell_set(outcome: Any) -> None:
    from ozgtrack.cli._unit import said

    done, moved, left, target = outcome.preview.extra
    if done is not None and done.grouping:
        note(f"Hinweis: {done.text} ist ein Leistungsobjekt mit Verrichtungen, eine Gruppierung; sein Status "
             "zählt nicht als Leistung. Bitte den Status bei den Verrichtungen erfassen.")
    if left:
        note(f"ohne Grund gelassen: {plural(len(left), 'Leistung', 'Leistungen')}, schon online oder keine eigene "
             f"der Kommune: {', '.join(left)}")
    if done is not None and done.skipped:
        note(f"ausgelassen: {plural(len(done.skipped), 'Leistung', 'Leistungen')}, die keine eigenen der Kommune "
             f"{'ist' if len(done.skipped) == 1 else 'sind'}: {', '.join(done.skipped)}")
    if not outcome.preview.count and not (done and done.skipped) and (done is None or done.ozg_id is None):
        note(f"{done.text if done else target}: nichts geändert.")
        return
    note(said(outcome))


@status.command("show")
@click.argument("target", metavar="SCHLÜSSEL")
@format_option("status show")
@ars_option
@pass_app
def show_command(app: App, target: str, fmt: str, ars: str | None) -> None:
    """Zuständigkeit und Status einer Leistung zeigen.

    \b
    Beispiel:
      ozgtrack status show 99102013002000
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.blockers import attach
    from ozgtrack.town.tracking import views
    from ozgtrack.town.triage import resolve_target
    from ozgtrack.views.what_counts import Targets

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        services = resolve_target(session, target).services
        found = views(session, context, service_ids=[i for i, _ in services])
        found = attach(session, context, Targets.of_settings(app.settings.report), found, services)
    emit(render("status show", fmt, found, terminal_width()))


@status.command("list")
@click.option("--department", metavar="NAME", help="Nur die Leistungen dieses Fachbereichs; ein eindeutiger Anfang "
              "oder Teil des Namens genügt, Groß- und Kleinschreibung egal.")
@click.option("--stage-below", type=WholeNumber(0), metavar="N",
              help="Nur Leistungen, die mit einem Reifegrad unter N bewertet sind.")
@click.option("--stale-months", type=WholeNumber(0), metavar="N",
              help="Nur bewertete Leistungen, die in den letzten N Monaten nicht geprüft wurden.")
@click.option("--unknown", is_flag=True, help="Nur Leistungen, die noch nie bewertet wurden.")
@click.option("--undecided", is_flag=True, help="Auch Leistungen aufführen, deren Zuständigkeit noch unklar ist.")
@click.option("--groupings", is_flag=True,
              help="Auch Leistungsobjekte mit Verrichtungen aufführen (Gruppierungen, keine Leistungen).")
@click.option("--broken", is_flag=True, help="Nur Leistungen, deren Link die letzte Prüfung als kaputt fand "
              "(ozgtrack status check-links).")
@format_option("status list")
@output_option
@limit_options
@ars_option
@pass_app
def list_command(app: App, department: str | None, stage_below: int | None, stale_months: int | None, unknown: bool,
                 undecided: bool, groupings: bool, broken: bool, fmt: str, output: Path | None, limit: int | None,
                 everything: bool, ars: str | None) -> None:
    """Die eigenen Leistungen mit Reifegrad auflisten.

    Dazu jede andere Leistung, die einen Status hat.

    \b
    Beispiele:
      ozgtrack status list --stale-months 6 --format json
      ozgtrack status list -o leistungen.xlsx
    """
    from ozgtrack.render.gaps import grouping_status_note
    from ozgtrack.render.registry import render
    from ozgtrack.town.tracking import Filters

    with reading(app, ars) as unit:
        filters = Filters(department, stage_below, stale_months, unknown, undecided, groupings=groupings, broken=broken)
        found, hidden = _listed(app, unit, filters)
        stand = workbook_stand(unit, app, fmt)
    if hidden:
        note(f"Hinweis: {grouping_status_note(hidden)} Nicht aufgeführt; anzeigen mit --groupings oder "
                   "`ozgtrack status show KEY`.")
    say_if_nothing(found, "keine Leistung", department=department, stage_below=stage_below,
                   stale_months=stale_months, unknown=unknown, broken=broken)
    found = cut(found, row_limit(limit, everything, fmt, output))
    emit(render("status list", fmt, found, terminal_width(output), stand), output)


def _listed(app: App, unit: Any, filters: Any) -> tuple[list[Any], tuple[Any, ...]]:
    """The statuses `status list` shows, each with its reasons, and the statuses on groupings it leaves out."""
    from ozgtrack.catalogue.counting import grouping_statuses
    from ozgtrack.town.blockers import attach_listed
    from ozgtrack.town.tracking import views
    from ozgtrack.views.what_counts import Targets

    session, context = unit.session, unit.context
    found = attach_listed(session, context, Targets.of_settings(app.settings.report), views(session, context, filters))
    return found, () if filters.groupings else grouping_statuses(session, context.municipality.id)


@status.command("check-links")
@click.option("--timeout", type=click.FloatRange(0.1, 300), default=10.0, metavar="S",
              help="Sekunden, die auf eine Antwort gewartet wird.")
@click.option("--concurrency", type=WholeNumber(1, 64), default=8, metavar="N",
              help="Höchstens so viele Prüfungen gleichzeitig.")
@click.option("--per-host", type=WholeNumber(1, 16), default=2, metavar="N",
              help="Höchstens so viele Prüfungen gleichzeitig beim selben Server.")
@click.option("--delay", type=click.FloatRange(0, 60), default=0.5, metavar="S",
              help="Sekunden zwischen zwei Anfragen an denselben Server.")
@click.option("--deadline", type=click.FloatRange(1, 86400), default=600.0, metavar="S",
              help="Die ganze Prüfung endet nach so vielen Sekunden; was bis dahin offen ist, gilt als "
              "nicht prüfbar.")
@click.option("--dry-run", is_flag=True, help="Prüfen und zeigen, nichts speichern.")
@format_option("status check-links")
@ars_option
@pass_app
def check_links_command(app: App, timeout: float, concurrency: int, per_host: int, delay: float, deadline: float,
                        dry_run: bool, fmt: str, ars: str | None) -> None:
    """Die Online-Links der Leistungen prüfen.

    Jeder Online-Link eines Status der Kommune ist danach in Ordnung, kaputt oder nicht prüfbar.
    Kaputt sind 404, 410, ein Servername, den es nicht gibt, ein ungültiges TLS-Zertifikat und eine
    abgelehnte Verbindung. Nicht prüfbar sind Sperren (401, 403), 429, Serverfehler und Zeitüberschreitungen:
    eine Seite, die Abrufe sperrt, gilt nie als offline. Jede Prüfung wird mit Datum gespeichert; die
    letzte zeigen `status show` und `status list` (--broken), der Wochenbericht und das Kapitel.

    \b
    Beispiel:
      ozgtrack status check-links --timeout 15
    """
    from ozgtrack.cli._unit import writing
    from ozgtrack.evidence.linkcheck import CheckOptions, check_links
    from ozgtrack.render.registry import render
    from ozgtrack.town import links
    from ozgtrack.views.links import LinkRun

    with reading(app, ars) as unit:
        context, town = unit.context, unit.context.municipality
        found = links.targets(unit.session, town.id)
    results = check_links([t.url for t in found], CheckOptions(timeout, concurrency, per_host, delay, deadline))
    if found and not dry_run:  # stored after checking: no write lock is held while servers answer
        with writing(app) as unit:
            links.store(unit.session, town.id, found, results, context.now)
    run = LinkRun(town.ars, town.name, context.now, links.checked(found, results), stored=bool(found) and not dry_run)
    emit(render("status check-links", fmt, run, terminal_width()))
    _tell_links(town.name, run, bool(found), dry_run)


def _tell_links(town: str, run: Any, found: bool, dry_run: bool) -> None:
    from ozgtrack.render.links import summary

    if not found:
        note(f"{town}: kein Status hat einen Online-Link (http/https); nichts zu prüfen.")
    else:
        note(f"{town}: {summary(run)}{' (Probelauf, nichts gespeichert)' if dry_run else ''}")


@status.command("history")
@click.argument("target", metavar="SCHLÜSSEL")
@format_option("status history")
@limit_options
@ars_option
@pass_app
def history_command(app: App, target: str, fmt: str, limit: int | None, everything: bool, ars: str | None) -> None:
    """Den Verlauf einer Leistung zeigen.

    Jede Änderung von Zuständigkeit und Status: alt → neu, wer, wann, warum.

    \b
    Beispiel:
      ozgtrack status history 99115005104000
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.tracking import history
    from ozgtrack.town.triage import resolve_target

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        found = resolve_target(session, target)
        if found.ozg_id:
            raise click.UsageError("history erwartet einen LeiKa-Schlüssel, keine OZG-ID")
        entries = history(session, context.municipality, found.services[0][0])
    emit(render("status history", fmt, cut(entries, row_limit(limit, everything, fmt)), terminal_width()))


@status.command("orphans")
@format_option("status orphans")
@limit_options
@ars_option
@pass_app
def orphans_command(app: App, fmt: str, limit: int | None, everything: bool, ars: str | None) -> None:
    """Zurückgezogene Leistungen mit Status zeigen.

    Gelistet wird jede zurückgezogene Leistung, die noch einen Status oder eine
    Zuständigkeitsentscheidung trägt. Übertragen Sie sie mit `ozgtrack status move ALT NEU`
    auf ihren Nachfolgeschlüssel.

    \b
    Beispiel:
      ozgtrack status orphans
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.tracking import orphans

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        found = orphans(session, context.municipality)
    emit(render("status orphans", fmt, cut(found, row_limit(limit, everything, fmt)), terminal_width()))


@status.command("move")
@click.argument("old_key", metavar="ALT")
@click.argument("new_key", metavar="NEU")
@click.option("--reason", help="Warum (z. B. das Katalog-Release, das den Schlüssel ersetzt hat).")
@dry_run_option
@by_option
@ars_option
@pass_app
def move_command(app: App, old_key: str, new_key: str, reason: str | None, dry_run: bool, by: str | None,
                 ars: str | None) -> None:
    """Einen zurückgezogenen Schlüssel übertragen.

    Status, Zuständigkeitsentscheidung und Verlauf gehen von ALT auf den Nachfolger NEU über.

    \b
    Beispiel:
      ozgtrack status move 99102013002000 99102013002001 --reason "LeiKa 2026-11: Schlüssel ersetzt"
    """
    from ozgtrack.cli._unit import DRY_RUN, writing
    from ozgtrack.town.tracking import move_key

    with writing(app, ars, by, dry_run=dry_run) as unit:
        old, new = move_key(unit.session, unit.context, old_key, new_key, reason)
    note(f"{unit.context.municipality.name}: {old} → {new} "
         f"{f'würde übertragen {DRY_RUN}' if dry_run else 'übertragen'}.")
