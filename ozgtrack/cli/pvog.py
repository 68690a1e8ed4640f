"""``ozgtrack pvog``: evidence from the Portalverbund (PVOG) – import it, compare it, accept its suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, WholeNumber, ars_option, by_option, echo_problems, emit, format_option, note, output_option, pass_app,
    terminal_width, workbook_stand,
)
from ozgtrack.cli._unit import reading
from ozgtrack.errors import InputError
from ozgtrack.views.pvog import ACCEPTABLE, FindingKind


@click.group()
def pvog() -> None:
    """PVOG-Daten: was im Portalverbund für die Kommune registriert ist, und was daraus folgt.

    \b
    Beispiele:
      ozgtrack pvog sync
      ozgtrack pvog diff
    """


@pvog.command("sync")
@click.option("--ars", metavar="ARS|NAME", help="Prüfen, dass die Daten für diesen ARS gelten (auch 000000000000 für "
              "den Bund oder 150000000000 für das Land); bei der CSV des Suchdienstes, die keinen ARS nennt: für "
              "welchen ARS sie abgefragt wurde  [Standard: der ARS, den die Zeilen der Datei nennen; ohne --from "
              "die gewählte Kommune]")
@click.option("--from", "location", metavar="DATEI_ODER_URL", help="Diese Datei oder URL einlesen statt der CSV "
              "des PVOG-Suchdienstes für den ARS.")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde; nichts speichern.")
@click.option("--force", is_flag=True, help="Auch unveränderte Daten einspielen, und Daten, die mehr als ein Viertel "
              "der bisherigen Einträge entfernen.")
@by_option
@pass_app
def sync_command(app: App, ars: str | None, location: str | None, dry_run: bool, force: bool,
                 by: str | None) -> None:
    """PVOG-Daten einspielen, je ARS, den ihre Zeilen nennen, und mit der vorigen Einspielung vergleichen.

    Die Daten gehören dem ARS, den ihre Zeilen nennen (Spalte ars, ars[] im JSON), nicht der
    gewählten Kommune und nicht dem Dateinamen; nennt eine Datei mehrere Kommunen, wird je Kommune
    eine Einspielung gespeichert. --ars prüft das: nennen die Zeilen einen anderen ARS, wird die Datei
    abgelehnt. Daten für den Bund (000000000000), das Land (z. B. 150000000000) oder einen Kreis gelten
    für jede Kommune darunter. Ohne --from wird v5/servicedescriptions/csv?ars=ARS vom
    PVOG-Suchdienst geladen ([pvog] url, rate, client_id in config.toml). Die Änderungen gegenüber
    der vorigen Einspielung stehen auf stderr.

    \b
    Beispiele:
      ozgtrack pvog sync                                   # die CSV für die gewählte Kommune
      ozgtrack pvog sync --from ars_000000000000.csv       # nur Einträge des Bundes: gilt für den Bund
      ozgtrack pvog sync --from suchdienst.csv --ars 150830565565   # die CSV, abgefragt für Wolmirstedt
      ozgtrack pvog sync --from uebersicht.csv --dry-run
    """
    from ozgtrack.evidence.pvog_sync import PvogSyncRequest, configured_town, run
    from ozgtrack.render.pvog import sync_summary

    chosen = _ars(app, ars) if ars else None
    request = PvogSyncRequest(chosen, location, dry_run, force, " ".join((by or app.settings.user).split()))
    results = run(app.engine(), app.settings, request, configured_town(app.settings))
    echo_problems(results[0].problems, shown=10)
    echo_problems(results[0].late)
    for result in results:
        note(sync_summary(result), nl=False)


def _ars(app: App, text: str) -> str:
    """A 12-digit ARS as it is (also the Bund's or a Land's), or a municipality by name."""
    from ozgtrack.sources.pvog import is_ars
    from ozgtrack.town.municipalities import resolve

    cleaned = "".join(text.split())
    if is_ars(cleaned):
        return cleaned
    with reading(app) as unit:
        session = unit.session
        return resolve(session, text).ars


@pvog.command("diff")
@format_option("pvog diff")
@output_option
@ars_option
@pass_app
def diff_command(app: App, fmt: str, output: Path | None, ars: str | None) -> None:
    """Die Befunde aus den PVOG-Daten für die Kommune zeigen.

    Befunde sind Quick Wins, nicht gemeldete Onlinedienste, abweichende Links und abweichende
    Zuständigkeiten. Verglichen wird mit den neuesten PVOG-Daten für den ARS der Kommune und jeden
    ARS darüber (Kreis, Land, Bund).

    \b
    Beispiele:
      ozgtrack pvog diff --format excel > pvog-befunde.csv
      ozgtrack pvog diff -o pvog-befunde.xlsx
    """
    from ozgtrack.render.registry import render

    with reading(app, ars) as unit:
        result = _findings(app, unit.session, unit.context)
        stand = workbook_stand(unit, app, fmt)
    emit(render("pvog diff", fmt, result, terminal_width(output), stand), output)


@pvog.command("accept")
@click.argument("keys", nargs=-1, metavar="[SCHLÜSSEL …]")
@click.option("--kind", "kinds", type=click.Choice([k.value for k in ACCEPTABLE]), multiple=True,
              help="Diese Befunde übernehmen (wiederholbar); level nur für einzeln genannte Schlüssel  [Standard: "
              "mit Schlüsseln alle drei, ohne Schlüssel keiner]")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was übernommen würde; nichts ändern.")
@click.option("--yes", is_flag=True, help="Ohne Rückfrage übernehmen (nötig für mehr als eine Änderung ohne "
              "Terminal, etwa in cron).")
@by_option
@ars_option
@pass_app
def accept_command(app: App, keys: tuple[str, ...], kinds: tuple[str, ...], dry_run: bool, yes: bool,
                   by: str | None, ars: str | None) -> None:
    """Vorschläge des PVOG übernehmen, mit Verlauf – nur ausdrücklich gewählte.

    Befunde sind Hinweise, bis die Stadt sie prüft: übernommen wird nur, was --kind oder die
    genannten Schlüssel wählen; ohne beides nichts. Stand und URL (Quick Win, Link) lassen sich für
    alle Befunde einer Art übernehmen, die Zuständigkeit (level) nur für einzeln genannte
    LeiKa-Schlüssel. Jede Änderung steht im Verlauf mit der Begründung „Quelle: PVOG, Datenstand …“.
    Hat die Stadt Stand oder Zuständigkeit einer Leistung nach dem Datenstand der PVOG-Daten
    geändert, bleibt diese Leistung unverändert. Ein Quick Win setzt den Zielreifegrad des
    Standardmodells und die URL des Onlinedienstes.

    \b
    Beispiele:
      ozgtrack pvog accept --kind quick-win --dry-run
      ozgtrack pvog accept 99115005104000 --kind link
      ozgtrack pvog accept 99107002017000 --kind level
    """
    from ozgtrack.analysis.pvog_accept import chosen
    from ozgtrack.cli._unit import confirm_and_apply

    wanted, keys = chosen(keys, kinds)
    outcome = confirm_and_apply(app, ars, by, _accepting(app, keys, wanted), dry_run=dry_run, yes=yes)
    _tell_accepted(list(outcome.preview.items), outcome.preview.count, dry_run)


def _tell_accepted(changes: list[Any], applicable: int, dry_run: bool) -> None:
    of = wording.plural(len(changes), "Vorschlag", "Vorschlägen")
    if dry_run:
        note(f"Probelauf: {wording.number(applicable)} von {of} {'würde' if applicable == 1 else 'würden'} "
             f"übernommen; {wording.NOTHING_CHANGED}.")
    elif applicable == 0:
        note(f"{wording.number(applicable)} von {of} übernehmbar; {wording.NOTHING_CHANGED}.")
    else:
        note(f"{wording.number(applicable)} von {of} übernommen; {wording.number(len(changes) - applicable)} "
             "ausgelassen.")


def _accepting(app: App, keys: list[str], wanted: list[Any]) -> Any:
    """The preview of `pvog accept`: every suggestion chosen, applied in the unit's transaction."""
    from ozgtrack.analysis.pvog_accept import apply
    from ozgtrack.cli._unit import Preview, Unit
    from ozgtrack.render.pvog import accepted_table

    def preview(unit: Unit) -> Preview:
        done = apply(unit.session, unit.context, app.settings.report, set(keys), wanted)
        return Preview(tuple(done), sum(1 for c in done if not c.skipped), accepted_table(done),
                       ("Vorschlag", "Vorschläge"), "übernommen")

    return preview


@pvog.command("releases")
@format_option("pvog releases")
@pass_app
def releases_command(app: App, fmt: str) -> None:
    """Alle PVOG-Einspielungen auflisten, die neueste zuerst.

    Je Einspielung: Nummer, ARS mit Namen, Format, ob sie eine vollständige Liste für den ARS ist
    (nur daraus folgt „nicht gemeldet“) oder eine Auswahl, Herkunft, Datenstand, Einträge, wann und
    von wem eingespielt, und ob sie zurückgezogen wurde.

    \b
    Beispiel:
      ozgtrack pvog releases --format json
    """
    from ozgtrack.evidence.pvog_releases import release_rows
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        found = release_rows(session)
    emit(render("pvog releases", fmt, found, terminal_width()))


@pvog.command("remove")
@click.argument("release", type=WholeNumber(min=1), metavar="EINSPIELUNG")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde; nichts speichern.")
@click.option("--yes", is_flag=True, help="Ohne Rückfrage zurückziehen (ohne Terminal nötig, etwa in cron).")
@by_option
@ars_option
@pass_app
def remove_command(app: App, release: int, dry_run: bool, yes: bool, by: str | None, ars: str | None) -> None:
    """Eine PVOG-Einspielung zurückziehen: sie bleibt im Verlauf, gilt aber nicht mehr als Beleg.

    Befunde und Berichte werden ohne sie berechnet; die vorige Einspielung derselben Liste gilt
    wieder. Gezeigt wird, wie sich die Befunde der gewählten Kommune ändern.

    \b
    Beispiele:
      ozgtrack pvog remove 3 --dry-run
      ozgtrack pvog remove 3 --yes
    """
    from ozgtrack.cli._unit import writing
    from ozgtrack.evidence.pvog_releases import withdraw
    from ozgtrack.render.pvog import removal_text

    ask = not yes and not dry_run
    with writing(app, ars, dry_run=dry_run or ask) as unit:
        before = _counts(app, unit.session, ars)
        row = withdraw(unit.session, release, " ".join((by or app.settings.user).split()), _now())
        after = _counts(app, unit.session, ars)
    note(removal_text(row, before, after, dry_run), nl=False)
    if dry_run:
        return
    if ask:
        _withdraw_confirmed(app, release, by)
    note(f"Einspielung {release} zurückgezogen.")


def _withdraw_confirmed(app: App, release: int, by: str | None) -> None:
    """Asked at a terminal, refused off it (--yes is needed there); withdrawn in a new transaction."""
    from ozgtrack.cli._unit import on_terminal, writing
    from ozgtrack.evidence.pvog_releases import withdraw

    if not on_terminal():
        raise InputError(f"Einspielung {release} würde zurückgezogen; {wording.NOTHING_CHANGED}. Bestätigen Sie "
                         "mit --yes.")
    click.confirm(f"Einspielung {release} zurückziehen?", abort=True, err=True)
    with writing(app) as unit:
        withdraw(unit.session, release, " ".join((by or app.settings.user).split()), _now())


def _now() -> Any:
    from ozgtrack import clock

    return clock.now()


def _counts(app: App, session: Any, ars: str | None) -> tuple[str, dict[str, int]] | None:
    """The findings of the municipality in use by kind (None when none is chosen or there is no evidence)."""
    from ozgtrack.errors import ConfigError

    try:
        context = app.context(session, ars, None)
    except ConfigError:
        return None
    result = _findings(app, session, context)
    counts = {k.value: len(result.of(k)) if result else 0 for k in FindingKind}
    return context.municipality.name, counts


def _findings(app: App, session: Any, context: Any) -> Any:
    """The PVOG findings for the context's municipality (None without evidence)."""
    from ozgtrack.analysis.gaps import analyse, options
    from ozgtrack.evidence import findings as analysis

    return analysis.result(session, context, analyse(session, context, options(app.settings.report)))


@pvog.command("review")
@click.argument("keys", nargs=-1, required=True, metavar="SCHLÜSSEL …")
@click.option("--kind", type=click.Choice([k.value for k in FindingKind]), required=True,
              help="Die Art des Befunds, der geprüft wurde.")
@click.option("--confirm", "verdict", flag_value="confirmed", help="Geprüft und zutreffend: der Bericht nennt ihn "
              "als Tatsache (mit Datum der Prüfung).")
@click.option("--dismiss", "verdict", flag_value="dismissed", help="Geprüft und falsch: er wird nicht mehr als Befund "
              "berichtet.")
@click.option("--reason", required=True, metavar="TEXT", help="Was die Prüfung ergab (steht im Bericht).")
@click.option("--dry-run", is_flag=True, help="Nur zeigen, was vermerkt würde; nichts speichern.")
@by_option
@ars_option
@pass_app
def review_command(app: App, keys: tuple[str, ...], kind: str, verdict: str | None, reason: str, dry_run: bool,
                   by: str | None, ars: str | None) -> None:
    """Befunde als geprüft vermerken: bestätigt (--confirm) oder verworfen (--dismiss).

    Bis dahin ist jeder Befund ein Hinweis („Hinweis, ungeprüft“ im Kapitel und in der Mail). Die
    Prüfung gilt für den Onlinedienst, zu dem sie vermerkt wurde: nennen neue PVOG-Daten einen
    anderen, ist der Befund wieder ungeprüft.

    \b
    Beispiele:
      ozgtrack pvog review 99102013002000 --kind not-registered --confirm --reason "in BUS LSA nicht eingetragen"
      ozgtrack pvog review 99115005104000 --kind quick-win --dismiss --reason "Dienst nicht angebunden"
    """
    from ozgtrack.cli._unit import writing
    from ozgtrack.evidence.pvog_releases import review
    from ozgtrack.leika import normalize_key
    from ozgtrack.views.pvog import Verdict

    if verdict is None:
        raise click.UsageError("geben Sie --confirm (zutreffend) oder --dismiss (falsch) an")
    with writing(app, ars, by, dry_run=dry_run) as unit:
        context = unit.context
        done = review(unit.session, context.municipality.id, _findings(app, unit.session, context),
                      [normalize_key(k) for k in dict.fromkeys(keys)], FindingKind(kind), Verdict(verdict), reason,
                      context.by, context.now)
    word = "bestätigt" if verdict == "confirmed" else "verworfen"
    names = "; ".join(f"{f.key} {f.name}" for f in done)
    note(f"{'Probelauf: würde als ' if dry_run else 'Als '}{word} vermerkt: {names}"
         f"{' (nichts gespeichert)' if dry_run else ''}.")
