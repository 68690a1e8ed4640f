"""The town's online services as tables, JSON, CSV (Excel-safe) and workbooks; the preview of a change."""

from __future__ import annotations

from typing import Any

from ozgtrack import wording
from ozgtrack.cells import excel_csv
from ozgtrack.render.catalog import describe_fields
from ozgtrack.render.common import dumps, table
from ozgtrack.views.online import (
    BLOCKS, DELIVERY_LABEL, Delivery, OnlineChange, OnlineDetail, OnlineEntryView, OnlineServiceView, number_text,
)
from ozgtrack.wording import local_time

ACTION = {"add": "angelegt", "set": "geändert", "covers": "Leistungen geändert", "retire": "außer Betrieb genommen"}
FIELD_LABEL = {"name": "Name", "url": "URL", "delivery": "Weg der Bereitstellung", "provider": "Anbieter",
               "model": "Reifegradmodell", "stage": "Reifegrad", "department": "Fachbereich",
               "live_since": "online seit", "account": "Nutzerkonto", "payment": "Bezahlung", "reply": "Rückkanal",
               "intake": "Eingang", "system": "Fachverfahren", "contract": "Nachnutzungsvertrag", "note": "Notiz",
               "retired_at": "außer Betrieb seit"}
LIST_HEADERS = ["Nr.", "Name", "Weg", "Anbieter", "Reifegrad", "Leistungen", "davon eigene", "Nutzerkonto",
                "Bezahlung", "Rückkanal", "Eingang", "Fachverfahren", "Nachnutzungsvertrag", "Fachbereich",
                "online seit", "URL", "Stand"]
COVER_HEADERS = ["Schlüssel", "Leistung", "eigene Leistung", "Reifegrad", "Abweichung"]


def delivery_text(view: OnlineServiceView) -> str:
    return DELIVERY_LABEL[Delivery(view.delivery)]


def block_text(view: OnlineServiceView, field: str) -> str:
    """A building block by its German label; "" when not recorded."""
    value = getattr(view, field)
    labels = next(labels for name, _, labels, _ in BLOCKS if name == field)
    return labels.get(value, str(value)) if value is not None else ""


def contract_text(contract: str | None) -> str:
    if contract is None:
        return ""
    return "fehlt" if contract == "nein" else f"unterzeichnet am {contract}"


def stage_text(view: OnlineServiceView) -> str:
    return f"{view.stage} ({view.model})" if view.stage is not None else wording.UNASSESSED


def state_text(view: OnlineServiceView) -> str:
    return "in Betrieb" if view.active else f"außer Betrieb seit {local_time(view.retired_at)}"


def _list_row(view: OnlineServiceView) -> list[Any]:
    own = sum(1 for c in view.covers if c.own)
    return [number_text(view.number), view.name, view.delivery.value if hasattr(view.delivery, "value")
            else view.delivery, view.provider or "", stage_text(view), len(view.covers), own,
            *(block_text(view, name) for name, *_ in BLOCKS), view.system or "", contract_text(view.contract),
            view.department or "", view.live_since.isoformat() if view.live_since else "", view.url or "",
            state_text(view)]


def list_table(views: list[OnlineServiceView], width: int | None = None) -> str:
    if not views:
        return "Noch kein Onlinedienst erfasst (`ozgtrack online add`).\n"
    short = [0, 1, 2, 4, 5, 6, 7, 8, 16]
    return table([[row[i] for i in short] for row in map(_list_row, views)], [LIST_HEADERS[i] for i in short], width)


def list_json(views: list[OnlineServiceView]) -> str:
    return dumps(views)


def list_csv(views: list[OnlineServiceView]) -> str:
    return excel_csv(LIST_HEADERS, (_list_row(v) for v in views))


def list_xlsx(views: list[OnlineServiceView], stand: Any = None) -> bytes:
    """The online services as a workbook, with "Erläuterungen": the Stand and what the columns mean."""
    from ozgtrack.render.workbook import TableView, stand_lines, table_workbook

    return table_workbook(TableView("Onlinedienste", "Onlinedienste der Kommune", LIST_HEADERS,
                                    [_list_row(v) for v in views], stand_lines(stand), ONLINE_TERMS))


# What the columns of the list mean, for the sheet "Erläuterungen".
ONLINE_TERMS = (
    ("Onlinedienst", "was Bürgerinnen, Bürger und Unternehmen aufrufen (ein Formular, ein EfA-Dienst, ein Portal); er "
                     "deckt eine oder mehrere Leistungen des LeiKa ab"),
    ("Weg", "Weg der Bereitstellung: eigen (eigene Lösung), efa (EfA-Dienst eines anderen Landes, nachgenutzt), land "
            "(Dienst des Landes), zsa (gemeinsamer Dienst des Landes für Kommunen), kreis (Dienst des Landkreises), "
            "anbieter (Produkt eines Anbieters)"),
    ("Reifegrad", "die Stufe im Reifegradmodell, das in Klammern steht (rgm1: 1.1, Stufen 0–4; rgm2: 2.0, Stufen 0–7); "
                  "die abgedeckten eigenen Leistungen übernehmen sie"),
    ("davon eigene", "abgedeckte Leistungen, die die Stadt selbst erbringt; nur sie bekommen einen Status"),
    ("Nutzerkonto", "BundID, Servicekonto des Landes oder ohne Nutzerkonto"),
    ("Bezahlung", "ePayBL oder ein anderer Bezahldienst; „Gebühren, aber keine Online-Zahlung“: es fehlt ePayment; "
                  "gebührenfrei: keine Online-Zahlung nötig"),
    ("Rückkanal", "wie der Bescheid zurückkommt: Postfach, FIT-Connect, E-Mail oder Brief"),
    ("Eingang", "wie der Antrag die Verwaltung erreicht: FIT-Connect, XTA/OSCI, E-Mail, Ausdruck auf Papier oder "
                "direkt ins Fachverfahren"),
    ("Nachnutzungsvertrag", "bei EfA-Diensten: seit wann der Vertrag über das Land gilt, oder „fehlt“"),
    ("Stand", "in Betrieb oder außer Betrieb genommen (mit Datum); außer Betrieb genommene zählen nicht"),
)


def _facts(view: OnlineServiceView) -> list[list[Any]]:
    facts = [["Nummer", number_text(view.number)], ["Name", view.name], ["Stand", state_text(view)],
             ["Weg der Bereitstellung", delivery_text(view)], ["Anbieter", view.provider],
             ["Reifegrad", stage_text(view)], ["URL", view.url], ["Fachbereich", view.department],
             ["online seit", view.live_since.isoformat() if view.live_since else None]]
    facts += [[title, block_text(view, name)] for name, _, _, title in BLOCKS]
    facts += [["Fachverfahren", view.system], ["Nachnutzungsvertrag", contract_text(view.contract)],
              ["Notiz", view.note], ["letzte Änderung", f"{local_time(view.updated_at)} von {view.updated_by}"],
              ["Version", view.version]]
    return [row for row in facts if row[1] not in (None, "")]


def _cover_rows(view: OnlineServiceView) -> list[list[Any]]:
    return [[c.key, c.name, "ja" if c.own else "nein (bekommt keinen Status)",
             c.stage if c.stage is not None else "", "ja" if c.deviates else ""] for c in view.covers]


def history_rows(entries: tuple[OnlineEntryView, ...] | list[OnlineEntryView]) -> list[list[Any]]:
    return [[local_time(e.at), e.by, ACTION.get(e.action, e.action), describe_changes(e.changes), e.reason or ""]
            for e in entries]


HISTORY_HEADERS = ["Zeitpunkt", "von", "Art", "Änderungen", "Begründung"]


def describe_changes(changes: dict[str, Any]) -> str:
    """``Reifegrad: 3 → 4; Leistungen: + 99115005104000``."""
    fields = {FIELD_LABEL.get(k, k): v for k, v in changes.items() if k != "covers"}
    parts = [describe_fields(fields)] if fields else []
    covers = changes.get("covers") or {}
    if covers.get("added"):
        parts.append("Leistungen hinzu: " + ", ".join(covers["added"]))
    if covers.get("removed"):
        parts.append("Leistungen entfernt: " + ", ".join(covers["removed"]))
    return "; ".join(parts)


def show_table(detail: OnlineDetail, width: int | None = None) -> str:
    view = detail.service
    parts = [table(_facts(view), ["Angabe", "Wert"], width), "\nAbgedeckte Leistungen:\n",
             table(_cover_rows(view), COVER_HEADERS, width)]
    if detail.history:
        parts += ["\nVerlauf:\n", table(history_rows(detail.history), HISTORY_HEADERS, width)]
    return "".join(parts)


def show_json(detail: OnlineDetail) -> str:
    return dumps(detail)


def show_csv(detail: OnlineDetail) -> str:
    """One row per covered service, led by the online service's number and name."""
    view = detail.service
    return excel_csv(["Onlinedienst", "Name", *COVER_HEADERS],
                     ([number_text(view.number), view.name, *row] for row in _cover_rows(view)))


def show_xlsx(detail: OnlineDetail) -> bytes:
    from ozgtrack.town.workbook import Sheet, SheetColumn, workbook

    def sheet(title: str, headers: list[str], rows: list[list[Any]]) -> Sheet:
        return Sheet(title, tuple(SheetColumn(h, text=True) for h in headers), rows)

    view = detail.service
    return workbook([sheet("Onlinedienst", ["Angabe", "Wert"], [[a, str(b)] for a, b in _facts(view)]),
                     sheet("Leistungen", COVER_HEADERS, _cover_rows(view)),
                     sheet("Verlauf", HISTORY_HEADERS, history_rows(detail.history))])


def history_table(entries: list[OnlineEntryView], width: int | None = None) -> str:
    return table(history_rows(entries), HISTORY_HEADERS, width)


def history_json(entries: list[OnlineEntryView]) -> str:
    return dumps(entries)


def change_table(change: OnlineChange, width: int | None = None) -> str:
    """The preview of `online add|set|remove`: the online service's changes, then each covered service's."""
    rows = [[number_text(change.number), "Onlinedienst", describe_changes(change.fields)]] if change.fields else []
    rows += [[key, "abgedeckt", "neu"] for key in change.covers_added]
    rows += [[key, "abgedeckt", "nicht mehr"] for key in change.covers_removed]
    rows += [[c.key, "Status", describe_fields(c.changes)] for c in change.statuses]
    rows += [[key, "kein Status", "keine eigene Leistung der Kommune"] for key in change.skipped]
    rows += [[key, "Abweichung", "Status direkt gesetzt, bleibt so"] for key in change.deviations]
    return table(rows, ["Schlüssel", "Art", "Änderungen"], width) if rows else ""
