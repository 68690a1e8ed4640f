"""Reader of FIM Portal API pages: ``GET /api/v0/leistung-steckbriefe`` (offset/limit/total_count)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ozgtrack.numbers import lookalike_problem
from ozgtrack.errors import SourceError
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.records import Catalogue, MemberRecord, RowProblem, ServiceRecord, Source
from ozgtrack.sources._json import load
from ozgtrack.sources._text import looks_like_html

PAGE_SIZE = 200  # the API's maximum


@dataclass(frozen=True)
class Page:
    """One page of the paginated answer."""

    items: tuple[Mapping[str, Any], ...]
    offset: int
    total_count: int


def parse_page(data: bytes, name: str) -> Page:
    """Parse and check one page; anything that is not the documented shape is an error."""
    if looks_like_html(data):
        raise SourceError(f"{name} antwortete mit einer HTML-Seite statt mit JSON; stimmt die URL der Schnittstelle?")
    try:
        page = load(data, name)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{name} antwortete nicht mit gültigem JSON ({exc})") from exc
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        raise SourceError(f"{name}: die Antwort hat keine Liste 'items'; ist das die Schnittstelle "
                          "leistung-steckbriefe?")
    total, offset = page.get("total_count"), page.get("offset", 0)
    if not isinstance(total, int) or not isinstance(offset, int) or total < 0 or offset < 0:
        raise SourceError(f"{name}: die Antwort hat kein gültiges 'total_count'/'offset'")
    if not all(isinstance(item, dict) for item in page["items"]):
        raise SourceError(f"{name}: 'items' enthält etwas anderes als Objekte")
    return Page(tuple(page["items"]), offset, total)


def read(data: bytes, name: str) -> Catalogue:
    """Read one saved page (a file) as a complete release."""
    return read_items(parse_page(data, name).items)


def read_items(items: Iterable[Mapping[str, Any]], *, complete: bool = True) -> Catalogue:
    """Turn the items of all pages into a catalogue; a delta (``complete=False``) withdraws nothing."""
    services: dict[str, ServiceRecord] = {}
    members: list[MemberRecord] = []
    problems: list[RowProblem] = []
    count = 0
    for number, item in enumerate(items, start=1):
        count += 1
        for key in _keys(item.get("leistungsschluessel")):
            if problem := key_problem(key):
                problems.append(RowProblem(number, problem, "item"))
            elif key in services:
                problems.append(RowProblem(number, f"doppelter Schlüssel {key} (zuerst in Eintrag {services[key].line})",
                                           "item"))
            else:
                services[key] = _service(normalize_key(key), number, item)
                for member in _members(services[key], item):
                    (problems if isinstance(member, RowProblem) else members).append(member)
    published = max((s.published_at for s in services.values() if s.published_at), default=None)
    return Catalogue(Source.FIM, tuple(services.values()), tuple(members), count, tuple(problems), published, complete)


def _keys(value: object) -> list[str]:
    # Steckbriefe carry one key as a string; Stammtexte a list of them.
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)] or [""]
    return [""]


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _field(item: Mapping[str, Any], name: str) -> str | None:
    # An absent field says nothing (None); a null or empty one clears the stored value ("").
    return (_text(item.get(name)) or "") if name in item else None


def _service(key: str, number: int, item: Mapping[str, Any]) -> ServiceRecord:
    typ = item.get("typisierung")
    codes = [str(t) for t in typ] if isinstance(typ, list) else ([str(typ)] if typ else [])
    name2 = _field(item, "leistungsbezeichnung_2")
    return ServiceRecord(
        key=key,
        name=_text(item.get("leistungsbezeichnung")) or name2 or _text(item.get("title")) or "",
        line=number,
        name2=name2,
        typisierung=";".join(codes) if "typisierung" in item else None,
        legal_basis=_field(item, "rechtsgrundlagen"),
        published_at=_parse_timestamp(item.get("geaendert_datum_zeit")),
    )


def _members(service: ServiceRecord, item: Mapping[str, Any]) -> list[MemberRecord | RowProblem]:
    out: list[MemberRecord | RowProblem] = []
    for ozg in item.get("ozg") or []:
        ozg_id = str(ozg.get("id") or "").strip() if isinstance(ozg, dict) else ""
        if not ozg_id:
            continue
        if problem := lookalike_problem(f"die OZG-ID {ozg_id!r}", ozg_id):  # other IDs pass as the API gives them
            out.append(RowProblem(service.line, problem, "item"))
            continue
        out.append(MemberRecord(
            ozg_id=ozg_id,
            ozg_name=_text(ozg.get("leistung")) or "",
            leika_name=service.name,
            line=service.line,
            key=service.key,
            themenfeld=_text(ozg.get("themenfeld")) or _text(ozg.get("themenfeld_label")),
        ))
    return out


def _parse_timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp
