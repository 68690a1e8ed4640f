"""``ozgtrack catalog``: sync the LeiKa and the OZG-Umsetzungskatalog, look at releases, diffs and services."""

from __future__ import annotations

import click

from ozgtrack.cli._common import (
    App, WholeNumber, cut, echo_problems, emit, format_option, limit_options, note, pass_app, progress, row_limit,
    terminal_width,
)
from ozgtrack.cli._unit import reading
from ozgtrack.records import Source
from ozgtrack.sources import REGISTRY

SOURCE_HELP = "; ".join(f"{e.name}: {e.label}" for e in REGISTRY.values()) + \
    ". Ohne die Option wird die Quelle einer Datei an ihrem Inhalt erkannt."


@click.group()
def catalog() -> None:
    """Die Leistungskataloge (LeiKa, OZG-Umsetzungskatalog, FIM) synchronisieren und durchsehen.

    \b
    Beispiele:
      ozgtrack catalog sync
      ozgtrack catalog diff
    """


@catalog.command("sync")
@click.option("--source", type=click.Choice(list(map(str, REGISTRY))), default=None, help=SOURCE_HELP,
              show_default=False)
@click.option("--from", "location", metavar="DATEI_ODER_URL",
              help="Diese Datei oder URL einlesen statt der konfigurierten Quelle.")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde (auf stdout); nichts speichern.")
@click.option("--force", is_flag=True, help="Auch einen unveränderten Inhalt importieren, und ein Release annehmen, "
              "das mehr als ein Viertel seiner Quelle zurückzieht.")
@click.option("--full", is_flag=True, help="FIM-Schnittstelle: alle Leistungen laden, nicht nur die seit der letzten "
              "Synchronisierung geänderten.")
@pass_app
def sync_command(app: App, source: str | None, location: str | None, dry_run: bool, force: bool, full: bool) -> None:
    """Ein Katalog-Release übernehmen und melden, was sich geändert hat.

    Das Release wird mit dem Stand der Datenbank verglichen: neue Schlüssel kommen hinzu, geänderte
    Bezeichnungen, Typisierungen oder OZG-Zuordnungen werden aktualisiert, Schlüssel, die das Release
    nicht mehr enthält, werden als zurückgezogen markiert (nie gelöscht). Die Zusammenfassung steht
    auf stderr, die Einzelheiten zeigt `ozgtrack catalog diff`. Eine unveränderte Datei (gleiche
    sha256-Prüfsumme oder HTTP 304) wird nicht erneut importiert.

    \b
    Beispiele:
      ozgtrack catalog sync                      # der aktuelle LeiKa von fimportal.de
      ozgtrack catalog sync --source fim         # die FIM-Schnittstelle (nach dem ersten Mal nur Änderungen)
      ozgtrack catalog sync --from ozg_umsetzungskatalog.csv --dry-run
    """
    from ozgtrack.catalogue.sync import SyncRequest, run, summary

    request = SyncRequest(Source(source) if source else None, location, dry_run, force, full)
    outcome = run(app.database, app.settings, request, progress=progress())
    echo_problems(outcome.result.problems if outcome.result else (), shown=10)
    note(summary(outcome, dry_run))
    if dry_run and outcome.result is not None:
        from ozgtrack.render.catalog import changes_table

        emit(changes_table(outcome.result, terminal_width()))


@catalog.command("diff")
@click.option("--release", "release_id", type=WholeNumber(), metavar="NR",
              help="Nummer des Releases (siehe `catalog releases`)  [Standard: das neueste]")
@format_option("catalog diff")
@pass_app
def diff_command(app: App, release_id: int | None, fmt: str) -> None:
    """Zeigen, was ein Release geändert hat.

    Die neuen, geänderten, zurückgezogenen und wieder aufgenommenen Leistungen und OZG-Leistungen.

    \b
    Beispiel:
      ozgtrack catalog diff --format json > changes.json
    """
    from ozgtrack.catalogue.browse import release_diff
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        diff = release_diff(session, release_id)
    emit(render("catalog diff", fmt, diff, terminal_width()))


@catalog.command("releases")
@format_option("catalog releases")
@pass_app
def releases_command(app: App, fmt: str) -> None:
    """Die synchronisierten Katalog-Releases auflisten, das neueste zuerst.

    \b
    Beispiel:
      ozgtrack catalog releases
    """
    from ozgtrack.catalogue.browse import releases
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        views = releases(session)
    emit(render("catalog releases", fmt, views, terminal_width()))


@catalog.command("show")
@click.argument("key", metavar="SCHLÜSSEL")
@format_option("catalog show")
@pass_app
def show_command(app: App, key: str, fmt: str) -> None:
    """Eine Leistung mit allen Angaben zeigen.

    Bezeichnungen, Typisierung, OZG-Leistungen, Lage, Themenfeld und ihre Geschichte über die Releases.

    \b
    Beispiel:
      ozgtrack catalog show 99050012104000
    """
    from ozgtrack.catalogue.browse import service
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        view = service(session, key)
    emit(render("catalog show", fmt, view, terminal_width()))


@catalog.command("search")
@click.argument("text")
@click.option("--current", is_flag=True, help="Zurückgezogene Leistungen auslassen.")
@format_option("catalog search")
@limit_options
@pass_app
def search_command(app: App, text: str, current: bool, fmt: str, limit: int | None, everything: bool) -> None:
    """Leistungen nach Bezeichnung, Synonym oder Schlüsselanfang finden.

    Umlaute sind egal: Fuehrerschein findet Führerschein. Alltagswörter und Abkürzungen wie Kita,
    Perso, Kfz oder Ummeldung finden die LeiKa-Wörter, für die sie stehen (catalog/suchbegriffe.toml).
    Zuerst kommt die Leistung, die genau so heißt, dann die, deren Name mit dem Wort beginnt. Findet
    auch OZG-Leistungen nach ihrem Namen oder ihrer OZG-ID; sie stehen vor den Leistungen.

    \b
    Beispiele:
      ozgtrack catalog search "hund steuer"
      ozgtrack catalog search Kita
    """
    from dataclasses import replace

    from ozgtrack.catalogue.browse import search_all
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        hits = search_all(session, text, limit=None, include_withdrawn=not current)
    # OZG-Leistungen are few; the services are what --limit cuts.
    hits = replace(hits, services=cut(hits.services, row_limit(limit, everything, fmt)))
    emit(render("catalog search", fmt, hits, terminal_width()))
