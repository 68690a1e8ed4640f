"""What a Fachbereich's weekly mail says beyond the town's figures: its PVOG findings in words, and its worksheet.

Staff read these mails, not the IT officer: each finding is one sentence about one of their services, and the
worksheet comes attached, so nobody needs to know how it is made.
"""

from __future__ import annotations

from ozgtrack.render import document as doc
from ozgtrack.render.document import Link, Strong, para
from ozgtrack.render.german import day, number
from ozgtrack.views.pvog import Finding, FindingKind, PvogResult
from ozgtrack.wording import LEVEL

LISTED = 15
WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKSHEET_NOTE = ("Ihr Arbeitsblatt steht im Anhang (Excel-Arbeitsmappe, eine Zeile je Leistung Ihres Fachbereichs). "
                  "Bitte Reifegrad, Link und Termine dort ergänzen oder berichtigen und die Datei an die "
                  "IT-Koordination zurückschicken; Fragen beantwortet ebenfalls die IT-Koordination.")


def pvog_blocks(result: PvogResult | None) -> list[doc.Block]:
    """The Fachbereich's findings (``result`` already holds only its services), one sentence each; nothing without
    PVOG data."""
    if result is None:
        return []
    heading = doc.Heading(3, "Portalverbund (PVOG): Hinweise zu Ihren Leistungen")
    dates = ", ".join(day(d) for d in sorted({e.as_of.date() for e in result.evidence}))
    findings = result.findings  # the dismissed ones are apart: the town found them wrong
    if not findings:
        return [heading, para(f"Keine – der Abgleich mit den PVOG-Daten (Datenstand {dates}) ergibt keinen Hinweis zu "
                              "den Leistungen Ihres Fachbereichs.")]
    items = [_item(f) for f in findings[:LISTED]]
    if len(findings) > LISTED:
        items.append((f"… und {number(len(findings) - LISTED)} weitere",))
    return [heading, para(f"Der Abgleich mit den PVOG-Daten (Datenstand {dates}) ergibt Hinweise zu Leistungen Ihres "
                          "Fachbereichs. Ungeprüfte Hinweise sind keine Feststellung; bitte prüfen und der "
                          "IT-Koordination das Ergebnis mitteilen."),
            doc.Bullets(tuple(items))]


def _item(f: Finding) -> tuple[doc.Inline, ...]:
    state = "Hinweis, ungeprüft" if f.review is None else f"geprüft und bestätigt am {day(f.review.at)}"
    return (Strong(f"{f.name} ({f.key})"), f" – {state}: ", *_sentence(f))


def _sentence(f: Finding) -> tuple[doc.Inline, ...]:
    if f.kind is FindingKind.QUICK_WIN:
        return ("Die PVOG-Daten nennen einen Onlinedienst, der die Leistung ersetzen könnte: ",
                _link(f.pvog_url), "; ist die Stadt an ihn angebunden?")
    if f.kind is FindingKind.NOT_REGISTERED:
        return ("Die Stadt führt die Leistung als online, im Portalverbund steht für sie aber kein Onlinedienst; "
                "ist er im Zuständigkeitsfinder des Landes eingetragen?",)
    if f.kind is FindingKind.LINK:
        return ("Die Adresse der Stadt ", _link(f.town_url), " weicht von der im Portalverbund ab: ", _link(f.pvog_url), ".")
    level = LEVEL.get(f.pvog_level or "", f.pvog_level or "eine andere Ebene")
    return (f"Der Eintrag im Portalverbund stammt von der Ebene {level}; ist die Stadt wirklich zuständig?",)


def _link(url: str | None) -> doc.Inline:
    return Link(url, url) if url else "(ohne Adresse)"
