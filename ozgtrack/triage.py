"""Responsibility triage: which level executes each service for a municipality, by rule or decision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.config import read_toml
from ozgtrack.db import rows
from ozgtrack.digits import is_digits
from ozgtrack.errors import ConfigError, NotFoundError
from ozgtrack.leika import KEY_LENGTH, normalize_key, parse_typisierung
from ozgtrack.models import AuditAction, AuditEntry, Municipality, OzgLeistung, OzgMember, Responsibility, Service
from ozgtrack.resources import catalog_file
from ozgtrack.values import Level
from ozgtrack.views.tracking import Assignment, Decision, KeyChange, Target

if TYPE_CHECKING:
    from ozgtrack.context import Context

INFO = "info"  # rule value: information only, no service


@dataclass(frozen=True)
class Rules:
    """Default levels by Typisierung code and by key prefix (the longest prefix wins)."""

    typisierung: Mapping[str, Level | None]
    key_prefix: Mapping[str, Level | None]
    origin: str

    def default(self, key: str, typisierung: str | None) -> tuple[Level | None, str]:
        """(level, why); level None means out of scope (information only)."""
        prefix = max((p for p in self.key_prefix if key.startswith(p)), key=len, default=None)
        if prefix is not None:
            return self.key_prefix[prefix], f"rule: key prefix {prefix}"
        codes = parse_typisierung(typisierung).codes if typisierung else ()
        if not codes:
            return Level.UNKLAR, "rule: no Typisierung"
        levels = {self.typisierung.get(code, Level.UNKLAR) for code in codes}
        services = levels - {None}
        shown = ";".join(codes)
        if not services:
            return None, f"rule: Typisierung {shown} (information only)"
        if len(services) == 1:
            return services.pop(), f"rule: Typisierung {shown}"
        return Level.UNKLAR, f"rule: Typisierung {shown} (several levels)"


def load_rules(path: Path | None = None) -> Rules:
    """The rules file a town chose, else the one shipped in ``catalog/``."""
    path = path or catalog_file("triage_rules.toml")
    table = read_toml(path, "triage rules")
    return Rules(_levels(table.get("typisierung", {}), path), _levels(table.get("key_prefix", {}), path), str(path))


def _levels(table: Mapping[str, object], path: Path) -> dict[str, Level | None]:
    out: dict[str, Level | None] = {}
    for code, value in table.items():
        if value == INFO:
            out[str(code).lower()] = None
            continue
        try:
            out[str(code).lower()] = Level(str(value))
        except ValueError:
            choices = ", ".join([*Level, INFO])
            raise ConfigError(f"{path}: {code} = {value!r} is not a level ({choices})") from None
    return out


def assignments(session: Session, municipality: Municipality, rules: Rules, *,
                service_ids: Iterable[int] | None = None, include_withdrawn: bool = False) -> list[Assignment]:
    """Every service's level for ``municipality``: its decision if there is one, else the rule."""
    query = select(Service.id, Service.key, Service.name, Service.typisierung, Service.withdrawn_release_id)
    if service_ids is not None:
        query = query.where(Service.id.in_(list(service_ids)))
    elif not include_withdrawn:
        query = query.where(Service.withdrawn_release_id.is_(None))
    decisions = {d.service_id: d for d in session.scalars(
        select(Responsibility).where(Responsibility.municipality_id == municipality.id))}
    out = []
    for id_, key, name, typisierung, withdrawn in rows(session, query.order_by(Service.key)):
        decision = decisions.get(id_)
        if decision is not None:
            out.append(Assignment(id_, key, name, typisierung, decision.level, True, decision.reason,
                                  decision.decided_by, decision.decided_at, withdrawn is not None))
        else:
            level, why = rules.default(key, typisierung)
            out.append(Assignment(id_, key, name, typisierung, level, False, why, None, None, withdrawn is not None))
    return out


def decide(session: Session, context: Context, service_ids: list[int], level: Level, reason: str) -> list[KeyChange]:
    """Record ``level`` with its reason for each service; returns what changed (each with an audit entry)."""
    return decide_each(session, context, [Decision(i, level, reason) for i in service_ids])


def decide_each(session: Session, context: Context, decisions: list[Decision]) -> list[KeyChange]:
    """Record each decision that differs from what holds now, with an audit entry."""
    municipality, by, now = context.municipality, context.by, context.now
    wanted = {d.service_id: d for d in decisions}
    stored = {d.service_id: d for d in session.scalars(select(Responsibility).where(
        Responsibility.municipality_id == municipality.id, Responsibility.service_id.in_(list(wanted))))}
    changed = []
    for current in assignments(session, municipality, context.rules, service_ids=list(wanted)):
        new = wanted[current.service_id]
        if current.decided and current.level is new.level and current.reason == new.reason:
            continue
        decision = stored.get(current.service_id)
        if decision is None:
            session.add(Responsibility(municipality_id=municipality.id, service_id=current.service_id,
                                       level=new.level, reason=new.reason, decided_by=by, decided_at=now))
        else:
            decision.level, decision.reason, decision.decided_by, decision.decided_at = new.level, new.reason, by, now
        old_level = current.level.value if current.level else "info"
        changes = {"level": [old_level, new.level.value], "reason": [current.reason, new.reason]}
        session.add(AuditEntry(municipality_id=municipality.id, service_id=current.service_id, at=now, by=by,
                               action=AuditAction.TRIAGE, reason=new.reason, changes=changes))
        changed.append(KeyChange(current.key, changes))
    return changed


def resolve_target(session: Session, text: str) -> Target:
    """A 14-digit LeiKa key, or an OZG-ID standing for all its (live) LeiKa services."""
    cleaned = normalize_key(text)
    if len(cleaned) == KEY_LENGTH and is_digits(cleaned):
        row = session.execute(select(Service.id, Service.key).where(Service.key == cleaned)).first()
        if row is None:
            raise NotFoundError(f"no service with LeiKa key {cleaned}; find keys with `ozgtrack catalog search TEXT`")
        return Target(cleaned, None, (tuple(row),))
    if is_digits(cleaned) and len(cleaned) <= 6:
        rows = session.execute(
            select(Service.id, Service.key).distinct()
            .join(OzgMember, OzgMember.service_id == Service.id)
            .join(OzgLeistung, OzgMember.ozg_leistung_id == OzgLeistung.id)
            .where(OzgLeistung.ozg_id == cleaned, OzgMember.withdrawn_release_id.is_(None))
            .order_by(Service.key)
        ).all()
        if not rows:
            raise NotFoundError(f"no OZG-Leistung {cleaned} with LeiKa services; is the OZG catalogue synced?")
        return Target(cleaned, cleaned, tuple(tuple(r) for r in rows))
    raise NotFoundError(f"{text!r} is neither a 14-digit LeiKa key nor an OZG-ID")
