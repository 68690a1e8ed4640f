"""Reader of the PVOG Suchdienst JSON: one detail answer, or a ``leikaid`` page ``{content: [...]}``.

Each Leistungsbeschreibung names its LeiKa keys (``leikakeys[]``), the ARS it is registered for
(``ars[]``: ``000000000000`` the Bund, ``LL`` + zeros a Land, otherwise a Kreis or Gemeinde) and its
online services (``onlineServiceLinks[]``). One entry per key × ARS × online service. An answer covers the
services asked for, not everything registered: never a complete listing; each entry belongs to its own ARS.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ozgtrack.errors import SourceError
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.sources._evidence import Evidence, EvidenceEntry, EvidenceFormat, EvidenceProblem, is_ars
from ozgtrack.sources._json import load


def looks_like(data: bytes) -> bool:
    """A JSON object with the Suchdienst's fields (a detail answer or a page of them)."""
    head = data[:4096]
    return data.lstrip()[:1] == b"{" and (b'"leikakeys"' in head or b'"content"' in head
                                           or b'"onlineServiceLinks"' in data)


def read(data: bytes, name: str, asked: str | None) -> Evidence:
    """The registrations of a detail answer or a page (``asked`` is unused: ``ars[]`` names the ARS)."""
    items = _items(data, name)
    entries: list[EvidenceEntry] = []
    problems: list[EvidenceProblem] = []
    dates = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(EvidenceProblem(number, "kein JSON-Objekt", "Eintrag"))
            continue
        stated = _date(item.get("lastUpdate") or item.get("timestamp"))
        found, trouble = _entries(item, number, stated)
        entries += found
        problems += trouble
        dates.append(stated)
    newest = max(filter(None, dates), default=None)
    return Evidence(EvidenceFormat.SUCHDIENST_JSON, tuple(entries), len(items), tuple(sorted({e.ars for e in entries})),
                    False, newest, tuple(problems))


def _items(data: bytes, name: str) -> list[Any]:
    try:
        document = load(data, name)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{name} ist kein lesbares JSON ({exc}); wurde der Download abgebrochen?") from None
    if isinstance(document, dict) and isinstance(document.get("content"), list):
        return document["content"]
    if isinstance(document, dict) and "leikakeys" in document:
        return [document]
    if isinstance(document, list):
        return document
    raise SourceError(f"{name} ist keine Antwort des PVOG-Suchdienstes (weder Detail mit leikakeys noch Seite "
                      "mit content)")


def _entries(item: dict[str, Any], number: int,
             stated: datetime | None) -> tuple[list[EvidenceEntry], list[EvidenceProblem]]:
    keys, regions = _strings(item.get("leikakeys")), _strings(item.get("ars"))
    bad = [k for k in keys if key_problem(k)] + [a for a in regions if not is_ars(a)]
    if bad or not keys or not regions:
        why = f"ungültiger Wert {bad[0]!r}" if bad else "leikakeys oder ars fehlen"
        return [], [EvidenceProblem(number, why, "Eintrag")]
    links = [link for link in item.get("onlineServiceLinks") or [] if isinstance(link, dict)] or [{}]
    name, lb_id = str(item.get("name") or ""), str(item.get("id") or "") or None
    entries = [
        EvidenceEntry(leika_key=normalize_key(key), ars=region, service_name=name, line=number, lb_id=lb_id,
                      od_id=_text(link.get("id")), title=_text(link.get("title")), url=_text(link.get("uri")),
                      stated=stated)
        for key in dict.fromkeys(keys) for region in dict.fromkeys(regions) for link in links
    ]
    return entries, []


def _strings(value: Any) -> list[str]:
    return [str(v).strip() for v in value] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _date(value: Any) -> datetime | None:
    """An ISO time as the Suchdienst writes it (nanoseconds, ``Z``), as naive UTC to the second."""
    if not isinstance(value, str) or len(value) < 19:
        return None
    try:
        return datetime.fromisoformat(value[:19])
    except ValueError:
        return None
