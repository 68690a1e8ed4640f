"""``ozgtrack report``: the gap analysis and the "Digitales Rathaus" chapter."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, WholeNumber, ars_option, by_option, deprecated, dry_run_option, echo_more, emit, format_option, limit_options,
    note, output_option, pass_app, row_limit, terminal_width,
)
from ozgtrack.cli._unit import reading
from ozgtrack.settings import MIN_ASSESSED, MIN_TRIAGE

if TYPE_CHECKING:
    from ozgtrack.delivery import Outgoing

GROUPINGS = ("lebensbereich", "themenfeld", "lage", "ozg", "service")
GAPS_EXIT_CODE = 3


def since_option(function: Any) -> Any:
    """``--since STAND|DATUM``."""
    return click.option("--since", metavar="STAND|DATUM",
                        help="Vergleichen mit einem festgehaltenen Vergleichsstand (siehe `report baselines`) oder "
                        "einem Datum (2026-01-31).")(function)


@click.group()
def report() -> None:
    """Lückenanalyse, Kapitel „Digitales Rathaus“ und Wochenbericht.

    Die Lückenanalyse der eigenen Leistungen der Kommune und das Kapitel für die
    Digitalisierungsstrategie. Jeder Bericht nennt Datenstand, Katalog-Release, Kommune und
    Reifegradmodell und erklärt, was er zählt.

    \b
    Beispiele:
      ozgtrack report gaps --by service
      ozgtrack report chapter --format html -o digitales-rathaus.html
    """


@report.command("gaps")
@click.option("--by", "by", type=click.Choice(GROUPINGS), default="lebensbereich",
              help="Wonach gruppiert wird.")
@format_option("report gaps")
@output_option
@since_option
@click.option("--fail-on-gaps", is_flag=True,
              help=f"Mit Exit-Code {GAPS_EXIT_CODE} enden, wenn eigene Leistungen nicht online sind (für die "
              "Überwachung).")
@limit_options
@click.option("--empty-groups", is_flag=True,
              help="Auch Gruppen ohne eigene Leistungen aufführen (table, markdown und html lassen sie sonst weg; "
              "csv, excel, xlsx und json enthalten sie immer).")
@ars_option
@pass_app
def gaps_command(app: App, by: str, fmt: str, output: Path | None, since: str | None, fail_on_gaps: bool,
                 limit: int | None, everything: bool, empty_groups: bool, ars: str | None) -> None:
    """Die Lücken zählen: was online ist und was nicht.

    Die eigenen Leistungen der Kommune, gezählt nach online, in Umsetzung, offline und nicht
    bewertet. xlsx ist eine Excel-Arbeitsmappe mit allen Zeilen und einem Blatt „Erläuterungen“;
    csv ist RFC-4180-UTF-8 für Programme; excel ist CSV, wie Excel in Deutschland es öffnet (; und BOM).

    \b
    Beispiele:
      ozgtrack report gaps
      ozgtrack report gaps --by service -o luecken.xlsx
      ozgtrack report gaps --since IST-2026 --fail-on-gaps
    """
    from ozgtrack.render.gaps import FOR_PEOPLE, Format, listing
    from ozgtrack.render.registry import render
    from ozgtrack.report.assemble import build
    from ozgtrack.views.results import GroupBy

    with reading(app, ars) as unit:
        built = build(unit.session, unit.context, app.settings.report, GroupBy(by), since)
    if everything and not empty_groups and by != "service" and Format(fmt) in FOR_PEOPLE:
        note(deprecated("--all für die Gruppen ohne eigene Leistungen", "--empty-groups"))  # until the next release
    built = replace(built, everything=everything or empty_groups, limit=row_limit(limit, everything, fmt, output))
    emit(render("report gaps", fmt, built, terminal_width(output)), output)
    echo_more(listing(built, Format(fmt)).more)
    if fail_on_gaps:
        _fail_on_gaps(built.analysis.totals)


def _fail_on_gaps(totals: Any) -> None:
    """Exit code 3 when own services are not online, for monitoring."""
    if gaps := totals.gaps:
        note(f"{wording.number(gaps)} von {wording.plural(totals.applicable, 'eigenen Leistung', 'eigenen Leistungen')} "
             f"{'ist' if gaps == 1 else 'sind'} nicht online.")
        raise SystemExit(GAPS_EXIT_CODE)


@report.command("chapter")
@format_option("report chapter")
@output_option
@since_option
@ars_option
@pass_app
def chapter_command(app: App, fmt: str, output: Path | None, since: str | None, ars: str | None) -> None:
    """Das Kapitel „Digitales Rathaus“ schreiben.

    Zahlen, Lebensbereiche, Entwicklung, größte Lücken und Methodik. Ohne --since vergleicht es
    mit dem neuesten Vergleichsstand, wenn es einen gibt. Die HTML-Datei ist in sich geschlossen (keine
    Abrufe von außen) und druckt auf A4.

    \b
    Beispiel:
      ozgtrack report chapter --format html -o digitales-rathaus.html
    """
    from ozgtrack.plan.progress import chapter_part
    from ozgtrack.render.hints import chapter_hints
    from ozgtrack.render.registry import render
    from ozgtrack.report.assemble import build

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        built = build(session, context, app.settings.report, since=since, latest_baseline=True, plan=True,
                      chapter=True, targets=app.settings.plan.targets)
        built = replace(built, stages=chapter_part(session, context, app.settings, built.analysis))
    emit(render("report chapter", fmt, built), output)
    for hint in chapter_hints(built):  # the officer's next step goes to stderr: the chapter is the council's
        note(f"Hinweis: {hint}.")


@report.command("rollup")
@click.option("--kreis", metavar="ARS5", help="Alle Gemeinden eines Kreises (15083 oder 150830000000).")
@click.option("--land", metavar="ARS2", help="Alle Gemeinden eines Landes (15).")
@click.option("--ars", "ars", multiple=True, metavar="ARS", help="Diese Gemeinden (mehrfach möglich).")
@click.option("--by", "by", type=click.Choice(("municipality", "service", "ozg", "lebensbereich")),
              default="municipality", show_default=True,
              help="Wonach gruppiert wird: je Kommune, Leistung, OZG-Leistung oder Lebensbereich.")
@click.option("--min-triage", type=WholeNumber(0, 100), metavar="PROZENT",
              help="Vergleichbar ab diesem Anteil geklärter Zuständigkeiten  [Standard: [report] min_triage, sonst "
              f"{MIN_TRIAGE}]")
@click.option("--min-assessed", type=WholeNumber(0, 100), metavar="PROZENT",
              help="Vergleichbar ab diesem Anteil bewerteter eigener Leistungen  [Standard: [report] min_assessed, "
              f"sonst {MIN_ASSESSED}]")
@format_option("report rollup")
@output_option
@pass_app
def rollup_command(app: App, kreis: str | None, land: str | None, ars: tuple[str, ...], by: str,
                   min_triage: int | None, min_assessed: int | None, fmt: str, output: Path | None) -> None:
    """Die Kommunen eines Kreises oder Landes vergleichen.

    Je Kommune: eigene Leistungen, online, Anteil, wie weit Zuständigkeit geklärt und Leistungen
    bewertet sind; Ränge nur unter Kommunen gleichen Aufgabenumfangs, Kommunen mit zu wenig
    Klärung oder Bewertung gesondert. Je Leistung, OZG-Leistung oder Lebensbereich: in wie vielen
    Kommunen sie online ist, flächendeckend oder in mindestens einer. Jede Ausgabe nennt die
    Definitionen; markdown und html sind das Kapitel zum Vergleich.

    \b
    Beispiele:
      ozgtrack report rollup --kreis 15083
      ozgtrack report rollup --land 15 --by service -o vergleich.xlsx
      ozgtrack report rollup --kreis 15083 --format html -o vergleich.html
    """
    from ozgtrack.analysis.rollup import compute, scope_of
    from ozgtrack.render.registry import render
    from ozgtrack.views.rollup import RollupBy, Thresholds

    if sum(bool(x) for x in (kreis, land, ars)) != 1:
        raise click.UsageError("genau eine Auswahl angeben: --kreis, --land oder --ars")
    scope = scope_of(kreis, land, ars)
    chosen = app.settings.report
    thresholds = Thresholds.percent(chosen.min_triage if min_triage is None else min_triage,
                                    chosen.min_assessed if min_assessed is None else min_assessed)
    with reading(app) as unit:
        session = unit.session
        result = compute(session, scope, RollupBy(by), app.settings, thresholds)
    emit(render("report rollup", fmt, result, terminal_width(output)), output)


@report.command("baseline")
@click.argument("name")
@dry_run_option
@by_option
@ars_option
@pass_app
def baseline_command(app: App, name: str, dry_run: bool, by: str | None, ars: str | None) -> None:
    """Die heutigen Zahlen als Vergleichsstand NAME festhalten.

    Spätere Berichte vergleichen damit; ein Vergleichsstand wird nie überschrieben.

    \b
    Beispiel:
      ozgtrack report baseline IST-2026
    """
    from ozgtrack.analysis import trend
    from ozgtrack.cli._unit import DRY_RUN, writing
    from ozgtrack.render.german import percent
    from ozgtrack.report.assemble import build

    with writing(app, ars, by, dry_run=dry_run) as unit:
        analysis = build(unit.session, unit.context, app.settings.report).analysis
        trend.freeze(unit.session, unit.context, analysis, name)
    totals = analysis.totals
    own = wording.plural(totals.applicable, "eigenen Leistung", "eigenen Leistungen")
    done = f"würde festgehalten {DRY_RUN}" if dry_run else "festgehalten"
    note(f"{unit.context.municipality.name}: {wording.BASELINE} {name!r} {done}: {wording.number(totals.online)} "
         f"von {own} online ({percent(totals.coverage)}).")


@report.command("baselines")
@format_option("report baselines")
@ars_option
@pass_app
def baselines_command(app: App, fmt: str, ars: str | None) -> None:
    """Die festgehaltenen Vergleichsstände auflisten.

    \b
    Beispiel:
      ozgtrack report baselines
    """
    from ozgtrack.analysis import trend
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        found = trend.baselines(session, app.context(session, ars, None))
    emit(render("report baselines", fmt, found, terminal_width()))


UNSENT_EXIT_CODE = 4


@report.command("email")
@click.option("--to", "to", multiple=True, metavar="ADRESSE", help="Empfänger (mehrfach möglich)  [Standard: [mail] to "
              "oder OZGTRACK_MAIL_TO]")
@click.option("--since", default="last", show_default=True, metavar="last|STAND|DATUM",
              help="Die Änderungen seit dem letzten gesendeten Bericht (last), einem Vergleichsstand oder einem Datum "
              "berichten.")
@click.option("--per-department", is_flag=True,
              help="Eine Nachricht je Fachbereich mit seinen Leistungen, seinen PVOG-Hinweisen und seinem "
                   "Arbeitsblatt (Excel) im Anhang, an die Adressen in [mail.departments].")
@click.option("--dry-run", is_flag=True,
              help="Die Nachricht (.eml) nach stdout oder -o schreiben; nichts senden.")
@output_option
@by_option
@ars_option
@pass_app
def email_command(app: App, to: tuple[str, ...], since: str, per_department: bool, dry_run: bool,
                  output: Path | None, by: str | None, ars: str | None) -> None:
    """Den wöchentlichen Lückenbericht per E-Mail senden.

    Text, HTML und die Lückenliste als CSV für Excel; die Nachricht eines Fachbereichs trägt
    stattdessen sein Arbeitsblatt (wie `status export --department`). Die Nachricht kommt zuerst in den
    Postausgang und gilt als gesendet, sobald der Server sie angenommen hat; was nicht gesendet
    werden konnte (Server nicht erreichbar, Anmeldung abgelehnt, Empfänger abgelehnt), wartet
    dort und geht beim nächsten Lauf als Erstes. Exit-Code 4, solange etwas ungesendet ist.

    \b
    Beispiele:
      ozgtrack report email --dry-run -o bericht.eml
      ozgtrack report email --to it@wolmirstedt.de --to buergermeister@wolmirstedt.de
      ozgtrack report email --per-department
    """
    from ozgtrack import delivery
    from ozgtrack.cli._unit import writing

    settings = app.settings
    request = delivery.MailRequest(to or settings.mail.recipients, since, per_department, dry_run)
    with writing(app, ars, by, dry_run=dry_run) as unit:
        batch = delivery.queue(unit.session, unit.context, settings.report, settings.mail, request)
        _tell_batch(batch)
        if dry_run:
            _write_messages(batch.messages, output)
            return
    _deliver(app)


def _tell_batch(batch: Any) -> None:
    """The departments without an address, and the unsent reports this one replaces."""
    from ozgtrack.wording import local_time

    for department in batch.missing:
        note(f"{wording.WARNING}: keine Adresse für den Fachbereich {department!r}; tragen Sie sie in "
             "[mail.departments] ein")
    for old in batch.replaced:
        note(f"{wording.LOG_LEVEL['info']}: dieser Bericht ersetzt den ungesendeten Bericht {old.id} vom "
             f"{local_time(old.created_at)} an {', '.join(old.recipients)}; er sagt alles, was jener sagte.")


def _write_messages(outgoing: tuple[Outgoing, ...], output: Path | None) -> None:
    """One message as .eml; several into a directory (-o) or one after another on stdout."""
    from email import policy

    texts = [o.message.as_string(policy=policy.SMTP) for o in outgoing]
    if output is not None and len(texts) > 1:
        output.mkdir(parents=True, exist_ok=True)
        for o, text in zip(outgoing, texts, strict=True):
            name = "".join(c if c.isalnum() else "-" for c in (o.department or "bericht")).strip("-").lower()
            (output / f"{name}.eml").write_text(text, encoding="utf-8", newline="")
        note(f"{wording.plural(len(texts), 'Nachricht', 'Nachrichten')} geschrieben nach {output}")
        return
    emit("".join(texts), output)


def _deliver(app: App) -> None:
    from ozgtrack import clock

    from ozgtrack.delivery import deliver
    from ozgtrack.store.db import write_sessions

    engine = app.engine()
    delivery = deliver(write_sessions(engine), app.settings.mail, clock.now)
    if delivery.sent:
        note(f"{wording.plural(delivery.sent, 'Nachricht', 'Nachrichten')} gesendet.")
    if delivery.failed:
        for outbox_id, why in delivery.failed:
            click.echo(f"{wording.ERROR}: Nachricht {outbox_id} im Postausgang: {why}", err=True)
        failed = len(delivery.failed)
        note(f"{wording.plural(failed, 'Nachricht', 'Nachrichten')} nicht gesendet; "
                   f"{'sie wartet' if failed == 1 else 'sie warten'} im Postausgang und "
                   f"{'geht' if failed == 1 else 'gehen'} beim nächsten Lauf als Erstes "
                   "(oder: ozgtrack report outbox --send).")
        raise SystemExit(UNSENT_EXIT_CODE)


@report.command("outbox")
@click.option("--list", "list_", is_flag=True, help="Die wartenden Nachrichten auflisten (das tut der Befehl auch ohne --send).")
@click.option("--send", is_flag=True, help="Die wartenden Nachrichten jetzt zu senden versuchen.")
@format_option("report outbox")
@pass_app
def outbox_command(app: App, list_: bool, send: bool, fmt: str) -> None:
    """Den Postausgang zeigen oder senden.

    Listet die Berichts-E-Mails, die im Postausgang warten, oder sendet sie (--send).
    Exit-Code 4, solange eine wartet.

    \b
    Beispiele:
      ozgtrack report outbox --list
      ozgtrack report outbox --send
    """
    from ozgtrack.delivery import waiting
    from ozgtrack.render.registry import render

    if send and list_:
        raise click.UsageError("--list und --send schließen einander aus")
    if send:
        _deliver(app)
        return
    with reading(app) as unit:
        session = unit.session
        found = waiting(session)
    emit(render("report outbox", fmt, found, terminal_width()))
    if found:
        raise SystemExit(UNSENT_EXIT_CODE)


from ozgtrack.cli.report_online import online  # noqa: E402
from ozgtrack.cli.report_progress import progress  # noqa: E402

report.add_command(online)
report.add_command(progress)

from ozgtrack.cli.report_blockers import blockers  # noqa: E402

report.add_command(blockers)
