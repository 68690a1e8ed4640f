"""``ozgtrack opendata export``: the yearly open-data file set with its DCAT-AP.de metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import App, note, pass_app
from ozgtrack.cli._unit import reading


@click.group("opendata")
def opendata_group() -> None:
    """Offene Daten: der Jahresdatensatz mit DCAT-AP.de-Metadaten.

    \b
    Beispiel:
      ozgtrack opendata export -o offene-daten-2025 --year 2025
    """


@opendata_group.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, metavar="ORDNER",
              help="Der Ordner, in den die Dateien geschrieben werden (neu oder leer; mit --force einer mit einem "
              "früheren Export); nie eine Datei.")
@click.option("--year", type=click.IntRange(2000, 9999), metavar="JAHR",
              help="Das Jahr: der Stand am 31. Dezember, aus dem Verlauf nachvollzogen  [Standard: das laufende Jahr, "
              "Stand heute]")
@click.option("--kreis", metavar="ARS5", help="Alle Gemeinden eines Kreises (Kreisschlüssel, z. B. 15083).")
@click.option("--land", metavar="ARS2", help="Alle Gemeinden eines Landes (Landesschlüssel, z. B. 15).")
@click.option("--ars", "ars", multiple=True, metavar="ARS|NAME",
              help="Eine Gemeinde; mehrfach angeben für mehrere  [Standard: alle Gemeinden mit Zuständigkeiten oder "
              "Status]")
@click.option("--force", is_flag=True, help="Einen früheren Export im Ordner ersetzen: nur die Dateien, die seine "
              "metadaten.jsonld nennt; alles andere im Ordner bleibt.")
@pass_app
def opendata(app: App, output: Path, year: int | None, kreis: str | None, land: str | None, ars: tuple[str, ...],
             force: bool) -> None:
    """Offene Daten eines Jahres schreiben: CSV und JSON mit DCAT-AP.de-Metadaten.

    Begriffe, Gemeinden, Leistungen mit Zuständigkeit, Online-Stand je Gemeinde und Kennzahlen,
    jeweils als CSV (UTF-8, Kopfzeile) und als JSON, dazu metadaten.jsonld (DCAT-AP.de). Nichts
    Persönliches: keine Namen von Beschäftigten, keine Fachbereiche, Notizen oder Begründungen.
    -o nennt einen Ordner, nie eine Datei. Der Ordner entsteht auf einmal oder gar nicht; in einen
    nicht leeren Ordner schreibt nur --force, und nur, wenn er einen früheren Export enthält: dann
    werden genau die Dateien ersetzt, die dessen metadaten.jsonld nennt; andere Dateien im Ordner
    bleiben unverändert und werden genannt. Reste eines abgebrochenen Exports (versteckte Ordner
    .ORDNER.….neu) räumt der nächste Export weg. Lizenz und Herausgeber stehen in der
    Konfiguration ([opendata] license, publisher, base_url).

    \b
    Beispiele:
      ozgtrack opendata export -o offene-daten-2025 --year 2025 --kreis 15083
      ozgtrack opendata export -o offene-daten --ars 150830565565
    """
    from ozgtrack import clock
    from ozgtrack.analysis.opendata import collect
    from ozgtrack.analysis.rollup import scope_of

    if sum(1 for given in (kreis, land, ars) if given) > 1:
        raise click.UsageError("--kreis, --land und --ars schließen einander aus")
    with reading(app) as unit:
        data = collect(unit.session, app.settings, scope_of(kreis, land, ars), year,
                       now=clock.now(), today=clock.today())
    _write(output, data, force)


def _write(output: Path, data: Any, force: bool) -> None:
    """The files into the folder, all or nothing; what is said about them on stderr."""
    from ozgtrack.delivery.folder import write_folder
    from ozgtrack.render.opendata import METADATA, files, listed_files

    written = files(data)
    done = write_folder(output, written, METADATA, force=force, listed=listed_files)
    towns = wording.plural(len(data.places), "Gemeinde", "Gemeinden")
    note(f"{wording.plural(len(written), 'Datei', 'Dateien')} für {towns} geschrieben nach {output} "
         f"(Stichtag {data.as_of:%d.%m.%Y}).")
    if done.kept:
        note(f"Nicht aus dem Export und unverändert im Ordner geblieben: {', '.join(done.kept)}.")
    for aside in done.aside:
        note(f"{wording.WARNING}: {aside} enthält noch Dateien eines früheren Exportordners, die anderswo fehlen; "
             "sehen Sie sie durch und löschen Sie den Ordner dann selbst.")
