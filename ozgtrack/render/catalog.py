"""Terminal and JSON views of releases, diffs, services and search results."""

from __future__ import annotations

from typing import Any

from ozgtrack.records import ChangeKind
from ozgtrack.render.common import dumps, local_time, shorten, table
from ozgtrack.views.catalog import Change, DiffEntry, DiffView, ReleaseView, SearchResult, ServiceView, SyncResult

_KIND_TITLES = {ChangeKind.ADDED: "Added", ChangeKind.CHANGED: "Changed", ChangeKind.WITHDRAWN: "Withdrawn",
                ChangeKind.REAPPEARED: "Reappeared"}


def releases_table(views: list[ReleaseView], width: int | None = None) -> str:
    rows = [[v.id, v.source, local_time(v.fetched_at), local_time(v.published_at), v.services, v.added, v.changed,
             v.withdrawn, v.reappeared, v.invalid, v.sha256[:12], v.origin] for v in views]
    headers = ["id", "source", "synced", "published", "services", "added", "changed", "withdrawn", "reappeared",
               "invalid", "sha256", "origin"]
    return table(rows, headers, width)


def releases_json(views: list[ReleaseView]) -> str:
    return dumps(views)


def diff_summary(view: ReleaseView) -> str:
    """One line, e.g. ``release 3 (ozg): 2 added, 1 changed, 0 withdrawn, 0 reappeared, 4810 unchanged``."""
    kind = "delta since " + local_time(view.delta_since) if view.delta_since else "complete"
    return (f"release {view.id} ({view.source}, {kind}, {local_time(view.fetched_at)}): {view.added} added, "
            f"{view.changed} changed, {view.withdrawn} withdrawn, {view.reappeared} reappeared, "
            f"{view.unchanged} unchanged")


def diff_table(diff: DiffView, width: int | None = None) -> str:
    return diff_summary(diff.release) + "\n" + _sections(diff.services, diff.ozg_leistungen, width)


def changes_table(result: SyncResult, width: int | None = None) -> str:
    """The changes of a sync that was not written (a dry run), as the diff of a release would show them."""
    return _sections(_grouped(result.services), _grouped(result.ozg_leistungen), width) or "(no changes)\n"


def _grouped(changes: tuple[Change, ...]) -> dict[ChangeKind, list[DiffEntry]]:
    groups: dict[ChangeKind, list[DiffEntry]] = {k: [] for k in ChangeKind}
    for change in changes:
        groups[change.kind].append(DiffEntry(change.subject, change.name, change.fields))
    return groups


def _sections(services: dict[ChangeKind, list[DiffEntry]], ozg: dict[ChangeKind, list[DiffEntry]],
              width: int | None) -> str:
    parts = []
    for title, groups, subject in (("services", services, "key"), ("OZG-Leistungen", ozg, "ozg_id")):
        for kind, entries in groups.items():
            if entries:
                parts.append(f"\n{_KIND_TITLES[kind]} {title} ({len(entries)}):\n")
                parts.append(table([[e.subject, e.name, describe_fields(e.fields)] for e in entries],
                                   [subject, "name", "what changed"], width))
    return "".join(parts)


def diff_json(diff: DiffView) -> str:
    def entries(group: dict[ChangeKind, list[Any]], subject: str) -> dict[str, list[dict[str, Any]]]:
        return {k.value: [{subject: e.subject, "name": e.name, "fields": e.fields} for e in v] for k, v in group.items()}

    return dumps({"release": diff.release, **entries(diff.services, "key"),
                  "ozg_leistungen": entries(diff.ozg_leistungen, "ozg_id")})


def describe_fields(fields: dict[str, list[Any]] | None) -> str:
    """``name: 'A' → 'B'; ozg: 10124 → 10124, 10200``."""
    if not fields:
        return ""
    return "; ".join(f"{name}: {_value(old)} → {_value(new)}" for name, (old, new) in fields.items())


def _value(value: Any) -> str:
    if value is None or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, (int, float)):
        return str(value)
    return repr(shorten(str(value), 60))


def service_table(view: ServiceView, width: int | None = None) -> str:
    status = f"withdrawn in release {view.withdrawn_release_id} ({local_time(view.withdrawn_at)})" \
        if view.withdrawn_release_id else "current"
    facts = [
        ["key", view.key], ["name", view.name], ["name 2", view.name2 or ""],
        ["kind", f"{view.kind} (Leistungsobjekt {view.leistungsobjekt_id}, Verrichtung {view.verrichtung}, "
                 f"Detail {view.detail})"],
        ["Typisierung", _typisierung(view)],
        ["synonyms", " | ".join(view.synonyms)], ["features", " | ".join(view.features)],
        ["legal basis", view.legal_basis or ""], ["published", local_time(view.published_at)],
        ["status", status], ["releases", f"first seen {view.first_release_id}, last seen {view.last_release_id}"],
        ["sources", ", ".join(f"{s}{'' if live else ' (withdrawn)'}" for s, live in view.sources.items())],
    ]
    out = [table([row for row in facts if row[1]], ["field", "value"], width)]
    ozg_rows = [[m.ozg_id, m.ozg_name, m.lage or "", m.themenfeld or "",
                 "withdrawn" if m.withdrawn else ", ".join(m.sources)] for m in view.ozg]
    out.append("\nOZG-Leistungen:\n" + table(ozg_rows, ["ozg_id", "OZG-Leistung", "Lage", "Themenfeld", "sources"],
                                                    width))
    history = [[h.release_id, h.source, local_time(h.fetched_at), h.kind.value, describe_fields(h.fields)]
               for h in view.history]
    out.append("\nHistory:\n" + table(history, ["release", "source", "synced", "event", "what changed"], width))
    return "".join(out)


def _typisierung(view: ServiceView) -> str:
    parsed = ";".join(view.typisierung)
    if not view.typisierung_raw or view.typisierung_raw == parsed:
        return parsed or "–"
    return f"{view.typisierung_raw} (codes {', '.join(view.typisierung) or 'none known'})"


def service_json(view: ServiceView) -> str:
    return dumps(view)


def search_table(result: SearchResult, width: int | None = None) -> str:
    services = [[h.key, h.name, h.typisierung or "", ", ".join(h.ozg_ids), "withdrawn" if h.withdrawn else "current"]
                for h in result.services]
    text = table(services, ["key", "name", "Typisierung", "OZG-IDs", "status"], width)
    if not result.ozg_leistungen:
        return text
    groups = [[o.ozg_id, o.name, o.themenfeld or "", o.services, "zurückgezogen" if o.withdrawn else "aktuell"]
              for o in result.ozg_leistungen]
    return ("OZG-Leistungen:\n" + table(groups, ["OZG-ID", "OZG-Leistung", "Themenfeld", "Leistungen", "Stand"], width)
            + "\nLeistungen:\n" + text)


def search_json(result: SearchResult) -> str:
    return dumps(result)


def overview_table(rows: list[tuple[str, int, int]]) -> str:
    return table([list(r) for r in rows], ["Themenfeld", "OZG-Leistungen", "LeiKa services"])
