"""Terminal and JSON views of municipalities, triage, statuses and their history."""

from __future__ import annotations

from ozgtrack import wording
from ozgtrack.render.catalog import describe_fields
from ozgtrack.render.common import dumps, table
from ozgtrack.render.links import check_text
from ozgtrack.views.links import STATE_LABEL, LinkState
from ozgtrack.views.tracking import (
    Assignment, HistoryView, KeyChange, MunicipalityView, Orphan, RulesView, StatusView, TriageChange, TriageDetail,
    Waiting,
)
from ozgtrack.wording import local_time

_COLUMN = wording.COLUMN


def _columns(*fields: str) -> list[str]:
    return [_COLUMN[f] for f in fields]


def municipalities_table(rows: list[MunicipalityView], width: int | None = None) -> str:
    return table([[m.ars, m.ags, m.name, m.note or ""] for m in rows], ["ARS", "AGS", "Name", "Hinweis"], width)


def municipalities_json(rows: list[MunicipalityView]) -> str:
    return dumps(rows)


def assignments_table(rows: list[Assignment], width: int | None = None) -> str:
    return table([[a.key, a.name, a.typisierung or "", a.level.value if a.level else "info",
                   HOW["decision"] if a.decided else HOW["rule"], a.reason, a.by or ""] for a in rows],
                 [*_columns("key", "name"), "Typisierung", _COLUMN["level"], "Art", *_columns("reason", "by")], width)


def assignments_json(rows: list[Assignment]) -> str:
    return dumps(rows)


HOW = {"decision": "Entscheidung", "reset": "zurück zur Regel", "inherited": "übernommen", "rule": "Regel"}
LAYER = {"allgemein": "allgemeine Regeln", "land": "Regeln für das Land (nicht amtlich)",
         "stadt": "Regeln der Stadt"}


def triage_changes_table(rows: list[TriageChange], width: int | None = None) -> str:
    """What a triage command changes (or would change), one service a line."""
    return table([[c.key, c.name, f"{c.old_level} → {c.new_level}", HOW.get(c.how, c.how), c.new_reason]
                  for c in rows], ["Schlüssel", "Leistung", "Zuständigkeit", "Art", "Grund"], width)


def triage_detail_table(view: TriageDetail, width: int | None = None) -> str:
    rule = view.rule
    facts = [["Schlüssel", view.key], ["Leistung", view.name], ["Typisierung", view.typisierung or ""],
             ["Zuständigkeit", _level_name(view.level)], ["festgelegt durch", HOW.get(view.origin, view.origin)],
             ["Grund", view.reason], ["Version der Entscheidung", str(view.version)]]
    if view.decision:
        decision = view.decision
        facts += [["Entscheidung für", decision["key"] if decision["key"] != view.key else ""],
                  ["entschieden von", decision["by"]],
                  ["entschieden am", local_time(decision["at"])], ["Begründung", decision["reason"]]]
    shown = f"{_level_name(rule.level.value if rule.level else 'info')}: {rule.reason}" if view.origin != "rule" else ""
    facts += [["Regel", shown],
              ["Regeldatei", f"{rule.file} ({LAYER.get(rule.layer, rule.layer)})"],
              ["Schlüsselpräfix", rule.prefix or ""], ["Typisierung der Regel", ", ".join(rule.typ)],
              ["Quelle", rule.source or ""]]
    return table([row for row in facts if row[1]], ["Angabe", "Wert"], width)


def _level_name(level: str) -> str:
    """``Landkreis (landkreis)``: the German word, and the code that commands and files use."""
    word = wording.LEVEL.get(level) or ("keine Verwaltungsleistung" if level == "info" else level)
    return f"{word} ({level})"


def triage_detail_json(view: TriageDetail) -> str:
    return dumps(view)


def rules_table(view: RulesView, width: int | None = None) -> str:
    files = table([[LAYER.get(f.layer, f.layer), f.file, f.label, f.rules] for f in view.files],
                  ["Ebene", "Datei", "Land", "Regeln"], width)
    levels = list(view.totals)
    counts = [[name, *(row[level] for level in levels), sum(row.values())] for name, row in view.counts.items()]
    counts.append(["Summe", *(view.totals[level] for level in levels), sum(view.totals.values())])
    notes = "".join(f"{note}\n" for note in view.notes)
    return (f"{view.municipality} ({view.ars})\n\n{files}\n{notes}{'' if not notes else chr(10)}"
            + table(counts, ["festgelegt durch", *levels, "zusammen"], width))


def rules_json(view: RulesView) -> str:
    return dumps(view)


def stage_text(view: StatusView) -> str:
    """``3 (rgm2)``, or ``nicht bewertet``."""
    return f"{view.stage} ({view.model})" if view.stage is not None else wording.UNASSESSED


def statuses_table(rows: list[StatusView], width: int | None = None) -> str:
    cells = [[v.key, v.name, v.level or "info", stage_text(v), v.department or "",
              v.planned or "", v.verified_at.isoformat() if v.verified_at else "", v.url or ""] for v in rows]
    headers = _columns("key", "name", "level", "stage", "department", "planned", "verified", "url")
    # The link column only once a check found something: a town that never checks sees the table as before.
    if any(v.link_check and v.link_check.state is not LinkState.OK for v in rows):
        cells = [[*c, _link_marker(v)] for c, v in zip(cells, rows, strict=True)]
        headers.append("Linkprüfung")
    return table(cells, headers, width)


def _link_marker(view: StatusView) -> str:
    check = view.link_check
    return STATE_LABEL[check.state] if check and check.state is not LinkState.OK else ""


def statuses_json(rows: list[StatusView]) -> str:
    return dumps(rows)


def status_detail(view: StatusView, width: int | None = None) -> str:
    level = f"{view.level or 'info'} ({'entschieden: ' if view.level_decided else ''}{view.level_reason})"
    field = wording.FIELD
    facts = [[_COLUMN["key"], view.key], [_COLUMN["name"], view.name], ["OZG-IDs", " ".join(view.ozg_ids)],
             [_COLUMN["level"], level], [_COLUMN["stage"], stage_text(view)], ["Quelle", online_text(view)],
             ["Abweichung", deviation_text(view)], ["online unter", view.url],
             [field["portal"], view.portal], [field["efa_solution"], view.efa_solution],
             [field["department"], view.department], [field["contact"], view.contact],
             [field["planned"], view.planned], [field["note"], view.note],
             [_COLUMN["verified"], f"{view.verified_at} von {view.verified_by}" if view.verified_at else wording.NEVER],
             ["letzte Änderung", f"{local_time(view.updated_at)} von {view.updated_by}" if view.updated_at else ""],
             ["Version", f"Status {view.version}, Zuständigkeit {view.level_version}"],
             ["Linkprüfung", check_text(view.link_check) if view.link_check else ""],
             ["Katalog", f"{wording.CHANGE['withdrawn']}; siehe `ozgtrack status orphans`" if view.withdrawn else ""]]
    return table([row for row in facts if row[1]], ["Angabe", "Wert"], width)


def online_text(view: StatusView) -> str:
    """``über Onlinedienst O-003 Wohnsitz anmelden``; "" when the status was set directly."""
    link = view.online
    if link is None:
        return ""
    return f"über Onlinedienst {link.label}{'' if link.active else ' (außer Betrieb)'}"


def deviation_text(view: StatusView) -> str:
    """A status set apart from its online service, with the reason of that change."""
    link = view.online
    if link is None or not link.deviates:
        return ""
    why = f": {link.reason}" if link.reason else ""
    return f"weicht von {link.label} ab (direkt gesetzt){why}"


def status_details(views: list[StatusView], width: int | None = None) -> str:
    """The details of each service, one table after another."""
    return "".join(status_detail(v, width) for v in views)


def history_table(rows: list[HistoryView], width: int | None = None) -> str:
    return table([[local_time(h.at), h.by, wording.name_of(wording.AUDIT_ACTION, h.action),
                   describe_fields(h.changes), h.reason or ""] for h in rows],
                 ["Zeitpunkt", _COLUMN["by"], "Art", _COLUMN["changes"], _COLUMN["reason"]], width)


def history_json(rows: list[HistoryView]) -> str:
    return dumps(rows)


def changes_table(triage: list[KeyChange], status: list[KeyChange], width: int | None = None) -> str:
    """What a worksheet changes (or would change): the Zuständigkeit and the status, one line each."""
    rows = [[c.key, wording.AUDIT_ACTION["triage"], describe_fields(c.changes)] for c in triage]
    rows += [[c.key, wording.AUDIT_ACTION["status"], describe_fields(c.changes)] for c in status]
    return table(sorted(rows), [_COLUMN["key"], "Art", _COLUMN["changes"]], width)


def orphans_table(rows: list[Orphan], width: int | None = None) -> str:
    return table([[o.key, o.name, o.withdrawn_release_id, o.level or "", o.stage if o.stage is not None
                   else "", o.department or ""] for o in rows],
                 [*_columns("key", "name"), "zurückgezogen in Release", "entschiedene Zuständigkeit",
                  *_columns("stage", "department")], width)


def orphans_json(rows: list[Orphan]) -> str:
    return dumps(rows)


def outbox_table(rows: list[Waiting], width: int | None = None) -> str:
    return table([[w.id, local_time(w.created_at), ", ".join(w.recipients), w.subject, w.attempts,
                   w.last_error or ""] for w in rows],
                 ["Nr.", "erstellt", "an", "Betreff", "Versuche", "letzter Fehler"], width)


def outbox_json(rows: list[Waiting]) -> str:
    return dumps(rows)
