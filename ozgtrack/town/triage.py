"""Responsibility triage: which level executes each service for a municipality, by rule or decision.

A service's level is its own decision, else its Leistungsobjekt's decision (``99GGGKKK000000``,
inherited by Verrichtungen without a decision of their own), else the rules (ozgtrack.town.rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.catalogue.query import current_memberships, is_current
from ozgtrack.numbers import is_digits
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.fields import text as clean_text
from ozgtrack.leika import KEY_LENGTH, normalize_key
from ozgtrack.store.db import rows
from ozgtrack.store.models import AuditAction, AuditEntry, Municipality, OzgLeistung, OzgMember, Responsibility, Service
from ozgtrack.town import record_versions
from ozgtrack.town.replay import RESET_REASON
from ozgtrack.town.rules import INFO, Rules, load_rules
from ozgtrack.values import Level
from ozgtrack.views.tracking import DECISION, INHERITED, RULE, Assignment, Decision, KeyChange, Target, TriageChange

if TYPE_CHECKING:
    from ozgtrack.town.context import Context

__all__ = ["INFO", "Rules", "load_rules", "assignments", "decide", "decide_each", "reset", "resolve_target",
           "resolve_targets", "RESET_REASON", "set_levels", "reset_levels"]

LO_SUFFIX = "000000"  # a Leistungsobjekt's own key: its 8-digit id and six zeros


def assignments(session: Session, municipality: Municipality, rules: Rules, *,
                service_ids: Iterable[int] | None = None, include_withdrawn: bool = False) -> list[Assignment]:
    """Every service's level for ``municipality``: its decision, its Leistungsobjekt's decision, else the rule."""
    query = select(Service.id, Service.key, Service.name, Service.typisierung, Service.withdrawn_release_id)
    if service_ids is not None:
        query = query.where(Service.id.in_(list(service_ids)))
    elif not include_withdrawn:
        query = query.where(is_current())
    decisions = {key: d for d, key in session.execute(
        select(Responsibility, Service.key).join(Service, Responsibility.service_id == Service.id)
        .where(Responsibility.municipality_id == municipality.id))}
    return [_assignment(row, decisions, rules) for row in rows(session, query.order_by(Service.key))]


def _assignment(row: tuple, decisions: dict[str, Responsibility], rules: Rules) -> Assignment:
    id_, key, name, typisierung, withdrawn = row
    rule = rules.match(key, typisierung)
    base = (id_, key, name, typisierung)
    if (own := decisions.get(key)) is not None:
        return Assignment(*base, own.level, True, own.reason, own.decided_by, own.decided_at, withdrawn is not None,
                          DECISION, rule)
    lo_key = key[:8] + LO_SUFFIX
    if lo_key != key and (parent := decisions.get(lo_key)) is not None:
        reason = f"übernommen vom Leistungsobjekt {lo_key}: {parent.reason}"
        return Assignment(*base, parent.level, False, reason, parent.decided_by, parent.decided_at,
                          withdrawn is not None, INHERITED, rule)
    return Assignment(*base, rule.level, False, rule.reason, None, None, withdrawn is not None, RULE, rule)


def level_text(level: Level | None) -> str:
    return level.value if level else INFO


def decide(session: Session, context: Context, service_ids: list[int], level: Level, reason: str) -> list[KeyChange]:
    """Record ``level`` with its reason for each service; returns what changed (each with an audit entry)."""
    return decide_each(session, context, [Decision(i, level, reason) for i in service_ids])


def decide_each(session: Session, context: Context, decisions: list[Decision]) -> list[KeyChange]:
    """Record each decision that differs from what holds now, with an audit entry."""
    municipality, by, now = context.municipality, context.by, context.now
    wanted = {d.service_id: checked(d) for d in decisions}
    stored = {d.service_id: d for d in session.scalars(select(Responsibility).where(
        Responsibility.municipality_id == municipality.id, Responsibility.service_id.in_(list(wanted))))}
    # A decision made again after `triage reset` goes on from the versions it had (ozgtrack.town.record_versions).
    fresh = [i for i in wanted if i not in stored]
    earlier = record_versions.counts(session, municipality.id, fresh, "triage") if fresh else {}
    changed = []
    for current in assignments(session, municipality, context.rules, service_ids=list(wanted)):
        new = wanted[current.service_id]
        if current.decided and current.level is new.level and current.reason == new.reason:
            continue
        decision = stored.get(current.service_id)
        if decision is None:
            session.add(Responsibility(municipality_id=municipality.id, service_id=current.service_id,
                                       level=new.level, reason=new.reason, decided_by=by, decided_at=now,
                                       version=earlier.get(current.service_id, 0) + 1))
        else:
            decision.level, decision.reason, decision.decided_by, decision.decided_at = new.level, new.reason, by, now
            decision.version += 1
        changes = {"level": [level_text(current.level), new.level.value], "reason": [current.reason, new.reason]}
        session.add(AuditEntry(municipality_id=municipality.id, service_id=current.service_id, at=now, by=by,
                               action=AuditAction.TRIAGE, reason=new.reason, changes=changes))
        changed.append(KeyChange(current.key, changes))
    session.flush()
    return changed


def checked(decision: Decision) -> Decision:
    """The decision with its reason as stored (``ozgtrack.fields``); InputError when it has none or a bad one."""
    reason = clean_text("reason", decision.reason)
    if reason is None:
        raise InputError("eine Zuständigkeitsentscheidung braucht eine Begründung")
    return replace(decision, reason=reason)


def reset(session: Session, context: Context, service_ids: list[int]) -> list[KeyChange]:
    """Remove the decisions of these services, so their rule (or their Leistungsobjekt's decision) holds again.

    Each removal is kept in the history as "zurück zur Regel"; services without a decision are left alone.
    """
    municipality = context.municipality
    before = {a.service_id: a for a in assignments(session, municipality, context.rules, service_ids=service_ids)
              if a.decided}
    if not before:
        return []
    session.execute(delete(Responsibility).where(Responsibility.municipality_id == municipality.id,
                                                 Responsibility.service_id.in_(list(before))))
    changed = []
    for after in assignments(session, municipality, context.rules, service_ids=list(before)):
        old = before[after.service_id]
        changes = {"level": [level_text(old.level), level_text(after.level)], "reason": [old.reason, after.reason]}
        session.add(AuditEntry(municipality_id=municipality.id, service_id=after.service_id, at=context.now,
                               by=context.by, action=AuditAction.TRIAGE, reason=RESET_REASON, changes=changes))
        changed.append(KeyChange(after.key, changes))
    session.flush()
    return changed


def family(session: Session, service_ids: list[int]) -> list[int]:
    """The services whose level may follow these: each one, and the Verrichtungen of a Leistungsobjekt among them."""
    objects = [lo for lo, in session.execute(select(Service.leistungsobjekt_id).where(
        Service.id.in_(service_ids), Service.key.like("%" + LO_SUFFIX)))]
    members = session.scalars(select(Service.id).where(Service.leistungsobjekt_id.in_(objects))).all() if objects else []
    return sorted(set(service_ids) | set(members))


def effects(before: list[Assignment], after: list[Assignment], direct: dict[str, str]) -> list[TriageChange]:
    """Every service whose level or reason changed: ``direct`` (key -> how) by the command, the rest inherited."""
    old = {a.service_id: a for a in before}
    out = []
    for new in after:
        was = old[new.service_id]
        if (was.level, was.reason) != (new.level, new.reason):
            out.append(TriageChange(new.key, new.name, level_text(was.level), level_text(new.level), was.reason,
                                    new.reason, direct.get(new.key, INHERITED)))
    return out


# --- what a command acts on -----------------------------------------------------------------------


def resolve_target(session: Session, text: str) -> Target:
    """A 14-digit LeiKa key, an 8-digit Leistungsobjekt (``99GGGKKK``: it and its Verrichtungen) or an OZG-ID."""
    cleaned = normalize_key(text)
    if len(cleaned) == KEY_LENGTH and is_digits(cleaned):
        row = session.execute(select(Service.id, Service.key).where(Service.key == cleaned)).first()
        if row is None:
            raise NotFoundError(wording.no_service(cleaned))
        return Target(cleaned, None, (tuple(row),))
    if len(cleaned) == 8 and is_digits(cleaned) and cleaned.startswith("99"):
        found = session.execute(select(Service.id, Service.key).where(
            Service.leistungsobjekt_id == cleaned, is_current()).order_by(Service.key)).all()
        if not found:
            raise NotFoundError(f"kein Leistungsobjekt {cleaned} im Katalog; {wording.FIND_KEYS}")
        return Target(cleaned, None, tuple(tuple(r) for r in found))
    if is_digits(cleaned) and len(cleaned) <= 6:
        found = session.execute(
            current_memberships(Service.id, Service.key).distinct()
            .join(Service, OzgMember.service_id == Service.id)
            .where(OzgLeistung.ozg_id == cleaned)
            .order_by(Service.key)
        ).all()
        if not found:
            raise NotFoundError(f"keine OZG-Leistung {cleaned} mit LeiKa-Leistungen; ist der OZG-Umsetzungskatalog "
                                "synchronisiert (`ozgtrack catalog sync`)?")
        return Target(cleaned, cleaned, tuple(tuple(r) for r in found))
    raise NotFoundError(f"{text!r} ist weder ein 14-stelliger LeiKa-Schlüssel noch eine LO-ID (99GGGKKK) noch "
                        "eine OZG-ID")


def resolve_targets(session: Session, texts: Iterable[str]) -> list[tuple[int, str]]:
    """The services of several targets, each once, sorted by key."""
    found = {service for text in texts for service in resolve_target(session, text).services}
    return sorted(found, key=lambda s: s[1])


def refuse_unklar(level: Level) -> None:
    """"unklar" is no decision: it would hide the service from `--undecided`; `triage reset` returns it to the rule."""
    if level is Level.UNKLAR:
        raise InputError("„unklar“ ist keine Entscheidung; um eine Entscheidung zurückzunehmen, damit wieder die "
                         "Regel gilt: `ozgtrack triage reset SCHLÜSSEL|OZG-ID|LO-ID`")


def set_levels(session: Session, context: Context, service_ids: list[int], level: Level,
               reason: str) -> list[TriageChange]:
    """Decide ``level`` for these services; every service whose level or reason changes (inherited ones too)."""
    refuse_unklar(level)
    ids = family(session, service_ids)
    before = assignments(session, context.municipality, context.rules, service_ids=ids)
    changed = decide(session, context, service_ids, level, reason)
    after = assignments(session, context.municipality, context.rules, service_ids=ids)
    return effects(before, after, {c.key: DECISION for c in changed})


def reset_levels(session: Session, context: Context, service_ids: list[int]) -> list[TriageChange]:
    """Take back the decisions of these services; every service whose level or reason changes."""
    ids = family(session, service_ids)
    before = assignments(session, context.municipality, context.rules, service_ids=ids)
    changed = reset(session, context, service_ids)
    after = assignments(session, context.municipality, context.rules, service_ids=ids)
    return effects(before, after, {c.key: "reset" for c in changed})
