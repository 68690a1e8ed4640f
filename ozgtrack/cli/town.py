"""``ozgtrack town export`` and ``ozgtrack town import``: a town's record travels to its Kreis or Land as a bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import App, ars_option, by_option, echo_problems, emit, note, output_option, pass_app
from ozgtrack.cli._unit import reading
from ozgtrack.wording import plural


@click.group()
def town() -> None:
    """Das Bündel einer Gemeinde: für den Landkreis schreiben, dort einlesen.

    \b
    Beispiele:
      ozgtrack town export -o wolmirstedt.json
      ozgtrack town import wolmirstedt.json --dry-run
    """


@town.command("export")
@output_option
@ars_option
@pass_app
def export_town(app: App, output: Path | None, ars: str | None) -> None:
    """Das Bündel einer Gemeinde für ihren Landkreis schreiben.

    Eine JSON-Datei (Format ozgtrack-town, Version 2) mit den Zuständigkeitsentscheidungen, den
    Status, den Gründen offener Lücken, den Onlinediensten (mit den Leistungen, die sie abdecken)
    und dem vollständigen Verlauf, die Leistungen benannt mit ihrem LeiKa-Schlüssel.
    Sie nennt die Namen der Bearbeiterinnen und Bearbeiter, aber keine Einstellungen. Der
    Landkreis oder das Land liest sie mit `ozgtrack town import` ein. Vergleichsstände, der Plan,
    Fallzahlen und Linkprüfungen bleiben in der Gemeinde.

    \b
    Beispiel:
      ozgtrack town export --ars 150830565565 -o wolmirstedt.json
    """
    from ozgtrack.bundle.collect import town_document
    from ozgtrack.bundle.format import dumps

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        document = town_document(session, context.municipality, context.now, context.by)
    emit(dumps(document), output)
    online = plural(len(document["online_services"]), "Onlinedienst", "Onlinedienste")
    also = f" und {online}" if document["online_services"] else ""
    note(f"{context.municipality.name}: {plural(len(document['services']), 'Leistung', 'Leistungen')}{also} im Bündel.")


@town.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Prüfen und zeigen, was sich ändern würde; nichts speichern.")
@click.option("--force", is_flag=True, help="Auch Leistungen übernehmen, die hier nach dem Stand des Bündels "
              "geändert wurden (die hiesigen Änderungen bleiben im Verlauf).")
@by_option
@pass_app
def import_town(app: App, file: Path, dry_run: bool, force: bool, by: str | None) -> None:
    """Das Bündel einer Gemeinde in diese Datenbank übernehmen.

    Zuständigkeiten, Status, Onlinedienste und Gründe offener Lücken werden übernommen, der
    Verlauf wird in zeitlicher Reihenfolge ergänzt; ein zweites Einlesen desselben Bündels ändert
    nichts. Hat jemand hier eine Leistung oder einen Onlinedienst nach dem Stand des Bündels
    geändert, wird sie oder er nicht überschrieben, sondern genannt und ausgelassen. Bündel der
    Version 1 (ohne Onlinedienste) werden weiter gelesen. Die Gemeinde muss aus dem Gemeindeverzeichnis bekannt sein (`ozgtrack
    municipality import`). Alles oder nichts: ist das Bündel fehlerhaft, bleibt die Datenbank
    unverändert.

    \b
    Beispiel:
      ozgtrack town import wolmirstedt.json --dry-run
    """
    from ozgtrack.bundle.format import read
    from ozgtrack.bundle.merge import check_known, merge
    from ozgtrack.cli._unit import writing
    from ozgtrack.render.tracking import changes_table
    from ozgtrack.sources.files import read_local

    bundle = read(read_local(file, app.settings.http.max_bytes), str(file))
    with writing(app, bundle.ars, by, dry_run=dry_run) as unit:
        check_known(unit.session, bundle)
        result = merge(unit.session, unit.context, bundle, dry_run=dry_run, force=force)
    if result.triage or result.status:
        emit(changes_table(list(result.triage), list(result.status)))
    _tell(file, result, dry_run)


def _tell(file: Path, result: Any, dry_run: bool) -> None:
    if result.other_catalogue:
        note(f"Hinweis: {file} wurde mit einem anderen Katalogstand erstellt als dem dieser Datenbank.")
    if result.unknown:
        note(f"{wording.WARNING}: {plural(len(result.unknown), 'Leistung', 'Leistungen')} des Bündels "
             f"gibt es im Katalog dieser Datenbank nicht; nicht "
             f"übernommen: {', '.join(result.unknown[:20])}{' …' if len(result.unknown) > 20 else ''} "
             "(synchronisieren Sie den Katalog und lesen Sie das Bündel erneut ein)")
    taken = "würde nicht übernommen" if dry_run else "nicht übernommen"
    left_out = f"{'würde' if len(result.conflicts) == 1 else 'würden'} ausgelassen" if dry_run else "ausgelassen"
    echo_problems([f"{c.key} wurde hier nach dem Stand des Bündels geändert ({c.at:%Y-%m-%d %H:%M} UTC von "
                   f"{c.by}); {taken}" for c in result.conflicts], shown=50)
    if result.conflicts:
        note(f"{file}: {plural(len(result.conflicts), 'Leistung', 'Leistungen')} {left_out}, weil sie hier nach "
             "dem Stand des Bündels geändert wurden; klären Sie sie mit der Gemeinde oder übernehmen Sie sie mit "
             "--force (die hiesigen Änderungen bleiben im Verlauf).")
    _tell_online_conflicts(file, result, dry_run)
    counts = (f"{plural(result.services, 'Leistung', 'Leistungen')} mit "
              f"{plural(result.entries, 'neuen Verlaufseintrag', 'neuen Verlaufseinträgen')}")
    if dry_run:
        note(f"{result.name}: {counts} würden übernommen (Probelauf, nichts gespeichert).")
    elif result.services:
        note(f"{result.name}: {counts} übernommen, {plural(result.unchanged, 'Leistung', 'Leistungen')} unverändert.")
    elif not (result.online or result.blockers):
        note(f"{result.name}: nichts Neues im Bündel; {wording.NOTHING_CHANGED}.")
    _tell_online(result, dry_run)


def _tell_online_conflicts(file: Path, result: Any, dry_run: bool) -> None:
    taken = "würde nicht übernommen" if dry_run else "nicht übernommen"
    echo_problems([f"{c.key} wurde hier nach dem Stand des Bündels geändert ({c.at:%Y-%m-%d %H:%M} UTC von "
                   f"{c.by}); {taken}" for c in result.online_conflicts], shown=50)
    if result.online_conflicts:
        note(f"{file}: {plural(len(result.online_conflicts), 'Onlinedienst', 'Onlinedienste')} "
             f"{'würden ' if dry_run else ''}ausgelassen, weil sie hier nach dem Stand des Bündels geändert wurden; "
             "klären Sie sie mit der Gemeinde oder übernehmen Sie sie mit --force.")


def _tell_online(result: Any, dry_run: bool) -> None:
    """What the bundle did to the online services and the blockers (version 2); nothing when it did nothing."""
    if not (result.online or result.blockers):
        return
    parts = [f"{plural(len(result.online), 'Onlinedienst', 'Onlinedienste')} mit "
             f"{plural(result.online_entries, 'neuen Verlaufseintrag', 'neuen Verlaufseinträgen')}"] \
        if result.online else []
    if result.blockers:
        parts.append(plural(result.blockers, "Grund für eine offene Lücke", "Gründe für offene Lücken"))
    unchanged = plural(result.online_unchanged, "Onlinedienst", "Onlinedienste")
    verb = "würden übernommen (Probelauf, nichts gespeichert)" if dry_run else f"übernommen, {unchanged} unverändert"
    note(f"{result.name}: {' und '.join(parts)} {verb}.")
