"""The weekly report e-mail: what it says (German), as text and HTML parts with the gap list attached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ozgtrack.render import department, document as doc, headline, plan_chapter, reliability
from ozgtrack.render.document import Strong, para
from ozgtrack.render.gaps import meta_line, render_excel
from ozgtrack.render.german import (
    DEMO_MARK, DEMO_NOTE, agree, day, months, number, open_service, percent, plural, some, stage, stale_parts,
)
from ozgtrack.render.links import mail_blocks
from ozgtrack.render.pvog import portalverbund
from ozgtrack.views.results import GapReport, ServiceGap
from ozgtrack.views.tracking import Orphan

LISTED = 15  # services named per list before "… and N more"


@dataclass(frozen=True)
class MailReport:
    """The report one e-mail carries: for the town, or for one Fachbereich."""

    report: GapReport  # grouped by service; its trend compares with the last sent report
    department: str | None
    since_label: str | None
    new_in_catalogue: tuple[ServiceGap, ...]
    withdrawn_with_status: tuple[Orphan, ...]
    worksheet: bytes | None = None  # a Fachbereich's: its status worksheet (xlsx), attached instead of the gap list

    @property
    def title(self) -> str:
        who = self.department or self.report.analysis.municipality
        mark = f" ({DEMO_MARK})" if self.report.analysis.demo else ""
        return f"Digitales Rathaus – Wochenbericht: {who}{mark}"


def subject(mail: MailReport, prefix: str) -> str:
    a = mail.report.analysis
    week = a.today.isocalendar()
    who = f"{mail.department} ({a.municipality})" if mail.department else a.municipality
    check = f", {len(a.stale)} {'Bewertung' if len(a.stale) == 1 else 'Bewertungen'} zu prüfen" if a.stale else ""
    provisional = f", {reliability.PROVISIONAL.lower()}" if a.reliability.provisional else ""
    demo = f" [{DEMO_MARK}]" if a.demo else ""
    ozg = (f"OZG-Leistungen {number(a.ozg.complete)} vollständig, {number(a.ozg.partial)} teilweise online (von "
           f"{number(a.ozg.total)}); " if a.ozg.total else "")
    text = (f"{prefix}{demo} Digitales Rathaus {who}: {ozg}{a.totals.online} von {a.totals.applicable} "
            f"{agree(a.totals.applicable, 'Leistung', 'Leistungen')} online ({percent(a.totals.coverage)}{provisional})"
            f"{check} – KW {week.week}/{week.year}")
    # A header is one line: a name with a line break (or any control character) must not start a new header.
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def blocks(mail: MailReport) -> list[doc.Block]:
    a = mail.report.analysis
    t = a.totals
    demo = [doc.Notice(DEMO_NOTE)] if a.demo else []
    return [
        doc.Heading(2, mail.title),
        *demo,
        para(meta_line(a) + "."),
        para(*headline.ozg_parts(a.ozg, _whose(mail)),
             f" ({reliability.PROVISIONAL.lower()}, siehe unten)." if a.reliability.provisional else "."),
        para(Strong(f"LeiKa-Leistungen: {number(t.online)} von {number(t.applicable)} eigenen "
                    f"{agree(t.applicable, 'Leistung', 'Leistungen')} {agree(t.online, 'ist', 'sind')} online "
                    f"({percent(t.coverage)})."),
             f" In Umsetzung: {t.in_progress} · offline: {t.offline} · nicht bewertet: {t.unknown} · "
             f"Zuständigkeit ungeklärt: {t.undecided}."),
        *reliability.blocks(a.reliability),
        para(Strong("Begriffe:"), f" {headline.definitions()}{_only(mail)}"),
        *_changes(mail),
        *_gaps(mail),
        *_stale(mail),
        *mail_blocks(mail.report.links, mail.department),
        *(department.pvog_blocks(mail.report.pvog) if mail.department else portalverbund(mail.report.pvog)),
        *plan_chapter.mail_blocks(mail.report.plan, mail.department),
        para(department.WORKSHEET_NOTE if mail.worksheet is not None else
             "Die vollständige Liste der eigenen Leistungen steht im Anhang (CSV für Excel). Korrekturen bitte an "
             "die IT-Koordination."),
        *demo,
    ]


def _whose(mail: MailReport) -> str:
    """Whose own services the OZG headline counts: the town's, or those of one Fachbereich."""
    return f"der Stadt im Fachbereich {mail.department}" if mail.department else "der Stadt"


def _only(mail: MailReport) -> str:
    """`` Gezählt sind hier nur die Leistungen des Fachbereichs FB 2.``; nothing in the town's mail."""
    return f" Gezählt sind hier nur die Leistungen des Fachbereichs {mail.department}." if mail.department else ""


def _listed(gaps: tuple[ServiceGap, ...] | list[ServiceGap]) -> str:
    names = [f"{g.name} ({g.key})" for g in gaps[:LISTED]]
    more = f" und {len(gaps) - LISTED} weitere" if len(gaps) > LISTED else ""
    return (": " + ", ".join(names) + more) if names else ""


def _changes(mail: MailReport) -> list[doc.Block]:
    trend = mail.report.trend
    heading = doc.Heading(3, f"Seit dem letzten Bericht ({mail.since_label})" if mail.since_label
                          else "Veränderungen")
    if trend is None:
        return [heading, para("Erster Bericht: noch kein Vergleich mit einem früheren Bericht.")]
    items = [
        (Strong(f"Neu online: {len(trend.newly_online)}"), _listed(trend.newly_online)),
        (Strong(f"Rückschritte (nicht mehr online): {len(trend.regressions)}"), _listed(trend.regressions)),
        (Strong(f"Neu als eigene Leistung eingestuft: {len(trend.newly_applicable)}"), _listed(trend.newly_applicable)),
        (Strong(f"Neu im Katalog und eigene Leistung: {len(mail.new_in_catalogue)}"), _listed(mail.new_in_catalogue)),
        (Strong(f"Aus dem Katalog zurückgezogen, mit Status: {len(mail.withdrawn_with_status)}"),
         (": " + ", ".join(f"{o.name} ({o.key})" for o in mail.withdrawn_with_status[:LISTED])
          + " – bitte der IT-Koordination die Nachfolge-Leistung nennen, damit der Stand übertragen wird")
         if mail.withdrawn_with_status else ""),
    ]
    return [heading, doc.Bullets(tuple(items))]


def _gaps(mail: MailReport) -> list[doc.Block]:
    gaps = mail.report.analysis.top_gaps(mail.report.top)
    if not gaps:
        return [doc.Heading(3, "Offene Lücken"), para("Alle eigenen Leistungen sind online.")]
    items = tuple((Strong(f"{g.ozg_id} {g.ozg_name}".strip()), f": {headline.gap_state(g)}, {headline.gap_open(g)}: ",
                   some([open_service(s) for s in g.open])) for g in gaps)
    return [doc.Heading(3, "Größte offene Lücken"), doc.Bullets(items)]


def _stale(mail: MailReport) -> list[doc.Block]:
    a = mail.report.analysis
    heading = doc.Heading(3, "Bitte prüfen: Bewertungen ohne aktuelle Bestätigung")
    if not a.stale:
        return [heading, para(f"Keine – alle Bewertungen wurden in den letzten {months(a.stale_months)} bestätigt.")]
    never, old = stale_parts(a)
    blocks: list[doc.Block] = [heading]
    if never:
        blocks += [para(Strong(f"Noch nie bestätigt ({plural(len(never), 'Leistung', 'Leistungen')}):")),
                   doc.Bullets(tuple(_stale_item(s, "") for s in never))]
    if old:
        blocks += [para(Strong(f"Seit mehr als {months(a.stale_months)} nicht bestätigt "
                               f"({plural(len(old), 'Leistung', 'Leistungen')}):")),
                   doc.Bullets(tuple(_stale_item(s, f", zuletzt bestätigt {day(s.verified_at)}") for s in old))]
    return blocks


def _stale_item(gap: ServiceGap, verified: str) -> tuple[doc.Inline, ...]:
    return (Strong(f"{gap.name} ({gap.key})"), f": {stage(gap)}{verified}"
            + (f", {gap.department}" if gap.department else ""))


def compose(mail: MailReport, sender: str, recipients: list[str], prefix: str, now: datetime) -> EmailMessage:
    """One multipart message: text, HTML, and the gap list as a CSV for Excel (a Fachbereich's: its worksheet)."""
    content = blocks(mail)
    message = EmailMessage()
    message["Subject"] = subject(mail, prefix)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now if now.tzinfo else now.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid("ozgtrack", sender.rpartition("@")[2] or None)
    message.set_content(doc.to_text(content))
    message.add_alternative(doc.to_html(content, mail.title), subtype="html")
    today = mail.report.analysis.today.isoformat()
    if mail.worksheet is not None:
        maintype, subtype = department.WORKBOOK.split("/")
        message.add_attachment(mail.worksheet, maintype=maintype, subtype=subtype,
                               filename=f"arbeitsblatt-{_slug(mail.department or '')}-{today}.xlsx")
        return message
    message.add_attachment(render_excel(mail.report).encode("utf-8"), maintype="text", subtype="csv",
                           filename=f"luecken-{today}.csv", params={"charset": "utf-8"})
    return message


def _slug(name: str) -> str:
    """``FB 2 Bürgerservice`` → ``fb-2-buergerservice``: a file name any mail program keeps."""
    folded = name.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in folded).split()) or "fachbereich"
