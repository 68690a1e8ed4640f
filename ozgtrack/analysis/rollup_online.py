"""Which online services serve how many towns of a roll-up: the reuse of one EfA service across towns made visible.

The towns' active online services are taken as one where they have the same address (host and path, without
``www.``, query or fragment: a town's own parameters do not make another service), else, without an address,
the same name and delivery path.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.store.db import rows
from ozgtrack.store.models import Municipality, OnlineService
from ozgtrack.views.online import Delivery
from ozgtrack.views.rollup import SharedService


def shared(session: Session, town_ids: list[int]) -> tuple[SharedService, ...]:
    """The online services of the towns, grouped; the most used first, then by name."""
    query = (select(OnlineService.name, OnlineService.delivery, OnlineService.url, Municipality.name)
             .join(Municipality, Municipality.id == OnlineService.municipality_id)
             .where(OnlineService.municipality_id.in_(town_ids), OnlineService.retired_at.is_(None)))
    groups: dict[tuple[str, ...], list[tuple[str, Delivery, str]]] = defaultdict(list)
    for name, delivery, url, town in rows(session, query):
        address = address_of(url)
        key = ("url", address) if address else ("name", " ".join(name.casefold().split()), delivery.value)
        groups[key].append((name, delivery, town))
    found = [_shared(key, members) for key, members in groups.items()]
    return tuple(sorted(found, key=lambda s: (-len(s.towns), s.name.casefold(), s.address or "")))


def address_of(url: str | None) -> str | None:
    """``https://www.Efa.example/wohnsitz/?ars=1`` → ``efa.example/wohnsitz``; None without a host."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else None


def _shared(key: tuple[str, ...], members: list[tuple[str, Delivery, str]]) -> SharedService:
    """The most common name and delivery path of a group stand for it (ties: the first in alphabetical order)."""
    name = min(Counter(m[0] for m in members).items(), key=lambda item: (-item[1], item[0]))[0]
    delivery = min(Counter(m[1] for m in members).items(), key=lambda item: (-item[1], item[0].value))[0]
    return SharedService(name, delivery, key[1] if key[0] == "url" else None, tuple(sorted({m[2] for m in members})))
