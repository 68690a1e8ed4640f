"""Terminal and JSON views of releases, diffs, services and search results."""

from __future__ import annotations

from typing import Any

from ozgtrack import wording
from ozgtrack.records import ChangeKind
from ozgtrack.render.common import dumps, shorten, table
from ozgtrack.views.catalog import Change, DiffEntry, DiffView, ReleaseView, SearchResult, ServiceView, SyncResult
from ozgtrack.wording import local_time

# "Neue Leistungen (3):", the headings of a diff's sections.
_KIND_TITLES = {ChangeKind.ADDED: "Neue", ChangeKind.CHANGED: "Geänderte", ChangeKind.WITHDRAWN: "Zurückgezogene",
                ChangeKind.REAPPEARED: "Wieder aufgenommene"}
_COLUMN = wording.COLUMN


def releases_table(views: list[ReleaseView], width: int | None = None) -> str:
    rows = [[v.id, v.source, local_time(v.fetched_at), local_time(v.published_at), v.services, v.added, v.changed,
             v.withdrawn, v.reappeared, v.invalid, v.sha256[:12], v.origin] for v in views]
    headers = ["Release", _COLUMN["source"], "importiert", "veröffentlicht", "Leistungen",
               *(wording.CHANGE[k] for k in ChangeKind), "ungültig", "sha256", "Herkunft"]
    return table(rows, headers, width)


def releases_json(views: list[ReleaseView]) -> str:
    return dumps(views)


def diff_summary(view: ReleaseView) -> str:
    """One line: ``Release 3 (ozg, vollständig, …): 2 neu, 1 geändert, …, 4.810 unverändert``."""
    kind = "Änderungen seit " + local_time(view.delta_since) if view.delta_since else "vollständig"
    counts = (view.added, view.changed, view.withdrawn, view.reappeared)
    changes = ", ".join(f"{wording.number(n)} {wording.CHANGE[k]}" for n, k in zip(counts, ChangeKind, strict=True))
    return (f"Release {view.id} ({view.source}, {kind}, {local_time(view.fetched_at)}): {changes}, "
            f"{wording.number(view.unchanged)} unverändert")


def diff_table(diff: DiffView, width: int | None = None) -> str:
    return diff_summary(diff.release) + "\n" + _sections(diff.services, diff.ozg_leistungen, width)


def changes_table(result: SyncResult, width: int | None = None) -> str:
    """The changes of a sync that was not written (a dry run), as the diff of a release would show them."""
    return _sections(_grouped(result.services), _grouped(result.ozg_leistungen), width) or "(keine Änderungen)\n"


def _grouped(changes: tuple[Change, ...]) -> dict[ChangeKind, list[DiffEntry]]:
    groups: dict[ChangeKind, list[DiffEntry]] = {k: [] for k in ChangeKind}
    for change in changes:
        groups[change.kind].append(DiffEntry(change.subject, change.name, change.fields))
    return groups


def _sections(services: dict[ChangeKind, list[DiffEntry]], ozg: dict[ChangeKind, list[DiffEntry]],
              width: int | None) -> str:
    parts = []
    for title, groups, subject in (("Leistungen", services, "key"), ("OZG-Leistungen", ozg, "ozg_id")):
        for kind, entries in groups.items():
            if entries:
                parts.append(f"\n{_KIND_TITLES[kind]} {title} ({wording.number(len(entries))}):\n")
                parts.append(table([[e.subject, e.name, describe_fields(e.fields)] for e in entries],
                                   [_COLUMN[subject], wording.FIELD["name"], _COLUMN["changes"]], width))
    return "".join(parts)


def diff_json(diff: DiffView) -> str:
    def entries(group: dict[ChangeKind, list[Any]], subject: str) -> dict[str, list[dict[str, Any]]]:
        return {k.value: [{subject: e.subject, "name": e.name, "fields": e.fields} for e in v] for k, v in group.items()}

    return dumps({"release": diff.release, **entries(diff.services, "key"),
                  "ozg_leistungen": entries(diff.ozg_leistungen, "ozg_id")})


def describe_fields(fields: dict[str, list[Any]] | None) -> str:
    """``Bezeichnung: 'A' → 'B'; OZG-Zuordnung: 10124 → 10124, 10200``: each field by its German name."""
    if not fields:
        return ""
    return "; ".join(f"{wording.name_of(wording.FIELD, name)}: {_value(old)} → {_value(new)}"
                     for name, (old, new) in fields.items())


def _value(value: Any) -> str:
    if value is None or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, (int, float)):
        return str(value)
    return repr(shorten(str(value), 60))


def service_table(view: ServiceView, width: int | None = None) -> str:
    withdrawn = wording.CHANGE["withdrawn"]
    status = f"{withdrawn} in Release {view.withdrawn_release_id} ({local_time(view.withdrawn_at)})" \
        if view.withdrawn_release_id else wording.CURRENT
    field = wording.FIELD
    facts = [
        [_COLUMN["key"], view.key], [field["name"], view.name], [field["name2"], view.name2 or ""],
        ["Art", f"{view.kind} (Leistungsobjekt {view.leistungsobjekt_id}, Verrichtung {view.verrichtung}, "
                f"Detail {view.detail})"],
        [field["typisierung"], _typisierung(view)],
        [field["synonyms"], " | ".join(view.synonyms)], [field["features"], " | ".join(view.features)],
        [field["legal_basis"], view.legal_basis or ""], ["veröffentlicht", local_time(view.published_at)],
        ["Stand", status], ["Releases", f"zuerst in {view.first_release_id}, zuletzt in {view.last_release_id}"],
        [field["sources"], ", ".join(f"{s}{'' if live else f' ({withdrawn})'}" for s, live in view.sources.items())],
    ]
    out = [table([row for row in facts if row[1]], ["Angabe", "Wert"], width)]
    ozg_rows = [[m.ozg_id, m.ozg_name, m.lage or "", m.themenfeld or "",
                 withdrawn if m.withdrawn else ", ".join(m.sources)] for m in view.ozg]
    out.append("\nOZG-Leistungen:\n" + table(ozg_rows, [_COLUMN["ozg_id"], "OZG-Leistung", field["lage"],
                                                         field["themenfeld"], field["sources"]], width))
    history = [[h.release_id, h.source, local_time(h.fetched_at), wording.name_of(wording.CHANGE, h.kind),
                describe_fields(h.fields)] for h in view.history]
    out.append("\nVerlauf:\n" + table(history, ["Release", _COLUMN["source"], "importiert", "Ereignis",
                                                  _COLUMN["changes"]], width))
    return "".join(out)


def _typisierung(view: ServiceView) -> str:
    parsed = ";".join(view.typisierung)
    if not view.typisierung_raw or view.typisierung_raw == parsed:
        return parsed or "–"
    return f"{view.typisierung_raw} (Codes {', '.join(view.typisierung) or 'keine bekannten'})"


def service_json(view: ServiceView) -> str:
    return dumps(view)


def search_table(result: SearchResult, width: int | None = None) -> str:
    services = [[h.key, h.name, h.typisierung or "", ", ".join(h.ozg_ids), _state(h.withdrawn)]
                for h in result.services]
    text = table(services, [*(_COLUMN[c] for c in ("key", "name")), "Typisierung", _COLUMN["ozg_ids"], "Stand"], width)
    if not result.ozg_leistungen:
        return text
    groups = [[o.ozg_id, o.name, o.themenfeld or "", o.services, _state(o.withdrawn)]
              for o in result.ozg_leistungen]
    return ("OZG-Leistungen:\n" + table(groups, ["OZG-ID", "OZG-Leistung", "Themenfeld", "Leistungen", "Stand"], width)
            + "\nLeistungen:\n" + text)


def _state(withdrawn: bool) -> str:
    return wording.CHANGE["withdrawn"] if withdrawn else wording.CURRENT


def search_json(result: SearchResult) -> str:
    return dumps(result)


def overview_table(rows: list[tuple[str, int, int]]) -> str:
    return table([list(r) for r in rows], ["Themenfeld", "OZG-Leistungen", "LeiKa-Leistungen"])
