"""Why gaps are open, in every format: a service's reasons, `report blockers` and the chapter section."""

from __future__ import annotations

from typing import Any

from ozgtrack.cells import plain_csv
from ozgtrack.render import document as doc
from ozgtrack.render.common import dumps, table
from ozgtrack.render.document import Strong, para
from ozgtrack.render.german import agree, number, plural
from ozgtrack.views.blockers import (
    ORIGIN_LABEL, WITHOUT_REASON, BlockedService, BlockerChange, BlockerReport, BlockerView, Cause, LegalGroup, Origin,
)
from ozgtrack.wording import local_time

ACTION = {"set": "Grund erfasst", "note": "Notiz geändert", "clear": "Grund erledigt"}
HEADERS = ["Grund", "Code", "LeiKa-Schlüssel", "Leistung", "Art", "Quelle", "Notiz", "Maßnahmen"]
NAMES_SHOWN = 8  # services of a cause named in the chapter before "… und N weitere"


def reason_text(reason: BlockerView) -> str:
    """``ePayment fehlt (epayment), abgeleitet aus O-003 Hundesteuer``: a reason in one line."""
    head = f"{reason.label} ({reason.code.value})"
    if reason.origin is Origin.SET:
        note = f": {reason.note}" if reason.note else ""
        return f"{head}, erfasst von {reason.set_by} am {local_time(reason.set_at)}{note}"
    if reason.origin is Origin.DERIVED:
        return f"{head}, {ORIGIN_LABEL[reason.origin]} aus {reason.source}"
    return f"{head}: {reason.note}, {reason.source}"


def status_rows(reasons: tuple[BlockerView, ...]) -> list[list[str]]:
    """The rows `status show` adds: one per reason."""
    return [["warum nicht online", reason_text(r)] for r in reasons]


def blocker_changes_table(changes: list[BlockerChange], width: int | None = None) -> str:
    """What `status set --blocker` changes (or would change), one service a line."""
    return table([[c.key, ACTION[c.action], f"{c.code.value}{f': {c.note}' if c.note else ''}"] for c in changes],
                 ["Schlüssel", "Art", "Grund"], width)


# --- report blockers -------------------------------------------------------------------------------------------


def summary(report: BlockerReport) -> str:
    """``Wolmirstedt: 40 eigene Leistungen nicht online; 12 mit Grund, 28 ohne erfassten Grund.``"""
    gaps = plural(report.gaps, "eigene Leistung", "eigene Leistungen")
    return (f"{report.municipality}: {gaps} nicht online; {number(report.with_reason)} mit Grund, "
            f"{number(len(report.without_reason))} {WITHOUT_REASON}.")


def _source(service: BlockedService) -> str:
    reason = service.reason
    return reason.source or (f"{reason.set_by}, {local_time(reason.set_at)}" if reason.set_by else "")


def _rows(report: BlockerReport) -> list[list[Any]]:
    """One row per service and cause; the legal ones and those without a reason after the causes."""
    out = [[c.label, c.code.value, *_service_cells(s)] for c in report.causes for s in c.services]
    out += [[f"Rechtslage: {g.title}", "rechtslage", *_service_cells(s)] for g in report.legal for s in g.services]
    out += [[WITHOUT_REASON, "", key, name, "", "", "", ""] for key, name in report.without_reason]
    return out


def _service_cells(s: BlockedService) -> list[Any]:
    return [s.key, s.name, ORIGIN_LABEL[s.reason.origin], _source(s), _own_note(s), ", ".join(s.measures)]


def render_csv(report: BlockerReport) -> str:
    return plain_csv(HEADERS, _rows(report))


def render_xlsx(report: BlockerReport, stand: Any = None) -> bytes:
    """A workbook: the services by cause (text cells, never formulas), then "Erläuterungen" with the Stand and what
    each reason means and what removes it."""
    from ozgtrack.render.workbook import TableView, stand_lines, table_workbook

    terms = [(c.label, f"{c.explanation} Was hilft: {c.measure_kind}") for c in report.causes]
    terms += [("abgeleitet", "aus dem Register der Onlinedienste: der Onlinedienst, der die Leistung abdeckt, hat "
                             "keine Online-Zahlung oder keinen Nachnutzungsvertrag"),
              ("Rechtslage", "die Leistung verlangt nach geltendem Recht persönliches Erscheinen oder die Schriftform; "
                             "sie bleibt in der Zählung und wird mit ihrer Rechtsgrundlage genannt"),
              (WITHOUT_REASON, "eigene Leistung, nicht online, ohne erfassten oder abgeleiteten Grund")]
    measures = [[c.label, c.code.value, m.ref, m.title, m.state] for c in report.causes for m in c.measures]
    return table_workbook(TableView("Gründe", f"Warum noch nicht online – {report.municipality}", HEADERS,
                                    _rows(report), stand_lines(stand), terms,
                                    more=(("Maßnahmen", ["Grund", "Code", "Maßnahme", "Titel", "Stand"], measures),)))


def render_json(report: BlockerReport) -> str:
    return dumps({
        "municipality": report.municipality, "ars": report.ars, "data_date": report.data_date, "gaps": report.gaps,
        "with_reason": report.with_reason, "reasons_file": report.origin,
        "causes": [_cause_json(c) for c in report.causes],
        "legal": [{"title": g.title, "law": g.law, "explanation": g.explanation,
                   "services": [_service_json(s) for s in g.services]} for g in report.legal],
        "without_reason": {"count": len(report.without_reason),
                           "services": [{"key": k, "name": n} for k, n in report.without_reason]},
    })


def _cause_json(c: Cause) -> dict[str, Any]:
    return {"code": c.code, "label": c.label, "explanation": c.explanation, "measure_kind": c.measure_kind,
            "count": len(c.services), "services": [_service_json(s) for s in c.services],
            "measures": [{"ref": m.ref, "title": m.title, "state": m.state, "blocker": m.blocker} for m in c.measures]}


def _service_json(s: BlockedService) -> dict[str, Any]:
    r = s.reason
    return {"key": s.key, "name": s.name, "origin": r.origin, "derived": r.derived, "source": r.source,
            "note": r.note, "set_by": r.set_by, "set_at": r.set_at, "measures": list(s.measures)}


def render_table(report: BlockerReport, width: int | None = None) -> str:
    parts = [summary(report) + "\n"]
    for cause in (c for c in report.causes if c.services):
        parts.append(f"\n{cause.label} ({cause.code.value}): {plural(len(cause.services), 'Leistung', 'Leistungen')}\n")
        parts.append(table([[s.key, s.name, ORIGIN_LABEL[s.reason.origin], _source(s), s.reason.note or "",
                             ", ".join(s.measures)] for s in cause.services],
                           ["Schlüssel", "Leistung", "Art", "Quelle", "Notiz", "Maßnahmen"], width))
        parts.append(f"Maßnahmen: {_measures_line(cause)}\n")
    empty = [c.label for c in report.causes if not c.services]
    if empty:
        parts.append(f"\nohne Leistung: {', '.join(empty)}\n")
    for group in report.legal:
        parts.append(f"\nRechtslage – {group.title}: {group.law}\n")
        parts.append(table([[s.key, s.name, ORIGIN_LABEL[s.reason.origin], _own_note(s)] for s in group.services],
                           ["Schlüssel", "Leistung", "Art", "Notiz"], width))
    if report.without_reason:
        parts.append(f"\n{WITHOUT_REASON}: {plural(len(report.without_reason), 'Leistung', 'Leistungen')} "
                     "(die Liste: --format csv oder json)\n")
    return "".join(parts)


def _own_note(s: BlockedService) -> str:
    """The town's note on a legal reason it set (the list's own entries carry their title, not a note)."""
    return (s.reason.note or "") if s.reason.origin is Origin.SET else ""


def _measures_line(cause: Cause) -> str:
    if not cause.measures:
        return f"keine; was hilft: {cause.measure_kind}"
    return "; ".join(f"{m.ref} {m.title} ({m.state})" for m in cause.measures)


# --- the chapter -----------------------------------------------------------------------------------------------


def chapter_blocks(report: BlockerReport | None) -> list[doc.Block]:
    """"Warum noch nicht online": each cause with its services and measures, the legal requirements apart."""
    if report is None:
        return []
    blocks: list[doc.Block] = [doc.Heading(3, "Warum noch nicht online")]
    causes = [c for c in report.causes if c.services]
    if not causes and not report.legal:
        text = ("Alle eigenen Leistungen sind online." if not report.gaps else
                f"Für keine der {plural(report.gaps, 'eigenen Leistung', 'eigenen Leistungen')}, die noch nicht "
                "online sind, ist bisher ein Grund erfasst.")
        return [*blocks, para(text)]
    blocks.append(para(_intro(report)))
    if causes:
        rows = tuple((c.label, str(len(c.services)), _names(c.services), _measure_cell(c)) for c in causes)
        blocks.append(doc.Table(("Grund", "Leistungen", "betroffen", "Maßnahmen"), rows, frozenset({1})))
    blocks += _legal_blocks(report.legal)
    return blocks


def _intro(report: BlockerReport) -> str:
    without = len(report.without_reason)
    derived = any(s.reason.derived for c in report.causes for s in c.services)
    return (f"Von {plural(report.gaps, 'eigenen Leistung', 'eigenen Leistungen')}, die noch nicht online "
            f"{agree(report.gaps, 'ist', 'sind')}, {agree(report.with_reason, 'hat', 'haben')} "
            f"{number(report.with_reason)} einen Grund – von der Stadt erfasst, aus dem Register der Onlinedienste "
            f"abgeleitet oder rechtlich –; {number(without)} {agree(without, 'ist', 'sind')} {WITHOUT_REASON}. "
            "Eine Leistung kann mehrere Gründe haben."
            + (" „Abgeleitet“ heißt: Der Onlinedienst, der die Leistung abdeckt, hat keine Online-Zahlung oder keinen "
               "Nachnutzungsvertrag." if derived else ""))


def _names(services: tuple[BlockedService, ...]) -> str:
    shown = ", ".join(f"{s.name}{' (abgeleitet)' if s.reason.derived else ''}" for s in services[:NAMES_SHOWN])
    more = len(services) - NAMES_SHOWN
    return shown + (f" und {number(more)} weitere" if more > 0 else "")


def _measure_cell(cause: Cause) -> str:
    if not cause.measures:
        return f"noch keine (was hilft: {cause.measure_kind})"
    return "; ".join(f"{m.ref} {m.title} ({m.state})" for m in cause.measures)


def _legal_blocks(groups: tuple[LegalGroup, ...]) -> list[doc.Block]:
    if not groups:
        return []
    return [para(Strong("Rechtslage: persönliches Erscheinen oder Schriftform"), " – diese Leistungen kann die Stadt "
                 "nach geltendem Recht nur in Teilen online anbieten; sie bleiben in der Zählung und werden hier "
                 "mit der Rechtsgrundlage genannt."),
            doc.Table(("Leistungen", "Rechtsgrundlage", "betroffen"),
                      tuple((g.title, g.law, _names(g.services)) for g in groups))]
