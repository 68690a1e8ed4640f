"""The chapter's section "Unsere Onlinedienste": the town's online services by delivery path and building block."""

from __future__ import annotations

from ozgtrack.render import document as doc
from ozgtrack.render.document import Strong, para
from ozgtrack.render.german import agree, number, plural, some
from ozgtrack.views.online import DELIVERY_LABEL
from ozgtrack.views.online_overview import BlockReadiness, OnlineOverview, RegisteredService

HEADING = "Unsere Onlinedienste"
WHAT = ("Ein Onlinedienst ist das, was Bürgerinnen, Bürger und Unternehmen tatsächlich aufrufen – ein Formular der "
        "Stadt, ein EfA-Dienst eines anderen Landes, ein Dienst des Landes oder eines Anbieters; er deckt meist "
        "mehrere Leistungen ab.")
SERVICE_HEADERS = ("Onlinedienst", "Anbieter", "abgedeckte Leistungen", "davon eigene online", "OZG-Leistungen")
BLOCK_HEADERS = ("Baustein", "vorhanden", "ohne", "nicht nötig", "nicht erfasst")
OZG_SHOWN = 3  # OZG-Leistungen named per online service before "… und 4 weitere"


def section(overview: OnlineOverview | None) -> list[doc.Block]:
    """The section; one honest sentence and how to register when the town has no active online service."""
    if overview is None:
        return []
    heading = doc.Heading(3, HEADING)
    if not overview.services:
        return [heading, para(f"Für die Stadt ist noch kein Onlinedienst erfasst. {WHAT} Sobald die IT-Koordination "
                              "die Onlinedienste mit Link, Weg der Bereitstellung, abgedeckten Leistungen und "
                              "Bausteinen erfasst hat, zeigt dieser Abschnitt sie hier.")]
    return [heading, para(_summary(overview)), *_blocks(overview.blocks), *_by_delivery(overview)]


def _summary(overview: OnlineOverview) -> str:
    services = overview.services
    covers, own = sum(s.covers for s in services), sum(s.own for s in services)
    online = sum(s.own_online for s in services)
    return (f"Die Stadt hat {plural(len(services), 'aktiven Onlinedienst', 'aktive Onlinedienste')} erfasst. {WHAT} "
            f"Zusammen decken sie {plural(covers, 'Leistung', 'Leistungen')} ab (eine Leistung, die mehrere "
            f"Onlinedienste abdecken, zählt bei jedem); {number(own)} davon {agree(own, 'ist eine eigene Leistung', 'sind eigene Leistungen')} "
            f"der Stadt, {number(online)} davon online.")


def _blocks(blocks: tuple[BlockReadiness, ...]) -> list[doc.Block]:
    """How many online services have each building block, lack it, do not need it, or have it not recorded."""
    rows = tuple((b.rule.title, _count(b.have, b), _count(b.lack, b), _count(b.not_needed, b) if b.rule.not_needed
                  else "–", _count(b.unknown, b)) for b in blocks if b.of)
    return [para(Strong("Bausteine:"), " wie viele der Onlinedienste den Baustein haben, wie viele ohne ihn arbeiten, "
                 "bei wie vielen er nicht nötig ist (ein gebührenfreier Dienst braucht keine Online-Bezahlung) und bei "
                 "wie vielen er noch nicht erfasst ist. Ein Nutzerkonto brauchen nicht alle Dienste; wo ein nötiger "
                 "Baustein fehlt, hält er oft mehrere Leistungen zurück."),
            doc.Table(BLOCK_HEADERS, rows, frozenset({1, 2, 3, 4}))]


def _count(count: int, block: BlockReadiness) -> str:
    """``3 von 12``."""
    return f"{number(count)} von {number(block.of)}"


def _by_delivery(overview: OnlineOverview) -> list[doc.Block]:
    blocks: list[doc.Block] = []
    for delivery, services in overview.by_delivery():
        blocks.append(para(Strong(f"{DELIVERY_LABEL[delivery]} ({number(len(services))})")))
        blocks.append(doc.Table(SERVICE_HEADERS, tuple(_row(s) for s in services), frozenset({2, 3})))
    return blocks


def _row(service: RegisteredService) -> tuple[doc.Inline | int, ...]:
    name: doc.Inline = doc.Link(service.label, service.url) if service.url else service.label
    ozg = some([f"{ozg_id} {ozg_name}" for ozg_id, ozg_name in service.ozg], OZG_SHOWN) or "–"
    return (name, service.provider or "", service.covers, f"{number(service.own_online)} von {number(service.own)}",
            ozg)
