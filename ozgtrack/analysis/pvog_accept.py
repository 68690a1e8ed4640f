"""``pvog accept``: apply the PVOG's suggestions to status and triage, each with its source in the history.

A suggestion is left alone when the town changed that service's status (quick win, link) or
triage (level) after the evidence date: the town's later word wins over older evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from ozgtrack.analysis.gaps import analyse, options
from ozgtrack.errors import InputError, NotFoundError, UsageError
from ozgtrack.evidence import findings as pvog
from ozgtrack.fields import clean_values, shown_url
from ozgtrack.settings import ReportSettings
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import executed_levels
from ozgtrack.town.tracking import update_statuses
from ozgtrack.town.triage import decide_each
from ozgtrack.values import Level
from ozgtrack.views.pvog import ACCEPTABLE, AcceptedChange, Finding, FindingKind, PvogResult
from ozgtrack.views.tracking import Decision, StatusUpdate


def chosen(keys: Collection[str], kinds: Collection[str]) -> tuple[list[FindingKind], list[str]]:
    """The kinds and keys to accept, as the user named them: nothing is chosen by default.

    Without keys a kind is needed (UsageError otherwise); a level change only for keys named one by one (a
    registration of the Bund or the Kreis is a strong hint, but the PVOG says who registered, not who executes).
    With keys and no kind: every kind, for those keys.
    """
    from ozgtrack.leika import key_problem, normalize_key

    cleaned = [normalize_key(k) for k in keys]
    if bad := [k for k, c in zip(keys, cleaned, strict=True) if key_problem(c)]:
        raise UsageError(f"{bad[0]!r} ist kein 14-stelliger LeiKa-Schlüssel; `pvog accept` nimmt Schlüssel nur "
                               "einzeln (keine OZG-ID, kein Leistungsobjekt)")
    wanted = [FindingKind(k) for k in dict.fromkeys(kinds)] or (list(ACCEPTABLE) if cleaned else [])
    if not wanted:
        raise UsageError("nichts gewählt, also nichts übernommen: PVOG-Befunde sind Hinweise, bis die Stadt sie "
                               "prüft. Nennen Sie die Art (--kind quick-win oder --kind link) oder einzelne "
                               "LeiKa-Schlüssel; vorher `ozgtrack pvog diff` ansehen")
    if FindingKind.LEVEL in wanted and not cleaned:
        raise UsageError("Zuständigkeiten (--kind level) werden nur für einzeln genannte LeiKa-Schlüssel "
                               "übernommen: `ozgtrack pvog accept SCHLÜSSEL --kind level`")
    return wanted, cleaned


def plan(session: Session, context: Context, settings: ReportSettings, keys: Collection[str] = (),
         kinds: Collection[FindingKind] = ACCEPTABLE) -> tuple[PvogResult | None, list[tuple[Finding, AcceptedChange]]]:
    """The suggestions that ``accept`` would apply (or leave alone, saying why), for ``keys`` (all when empty)."""
    chosen = options(settings)
    analysis = analyse(session, context, chosen)
    result = pvog.result(session, context, analysis)
    if result is None:
        return None, []
    ids = {s.key: s.service_id for s in analysis.services}
    out = []
    for finding in result.findings:
        if finding.kind not in kinds or finding.kind not in ACCEPTABLE or (keys and finding.key not in keys):
            continue
        out.append((finding, _change(finding, ids[finding.key], context, chosen.targets.of(context.default_model))))
    return result, _without_contradictions(out, context)


def _without_contradictions(planned: list[tuple[Finding, AcceptedChange]],
                            context: Context) -> list[tuple[Finding, AcceptedChange]]:
    """A quick win assumes the service is the town's own: it gives way to a level change that says otherwise."""
    own = {level.value for level in executed_levels(context.municipality)}
    leaving = {f.key: f.pvog_level for f, c in planned
               if f.kind is FindingKind.LEVEL and not c.skipped and f.pvog_level not in own}
    return [(f, replace(c, skipped=f"entfällt: die Zuständigkeit wechselt zu {leaving[f.key]}")
             if f.kind is FindingKind.QUICK_WIN and f.key in leaving and not c.skipped else c) for f, c in planned]


def _change(finding: Finding, service_id: int, context: Context, target: int) -> AcceptedChange:
    if finding.kind is FindingKind.LEVEL:
        text = f"Zuständigkeit {finding.town_level} → {finding.pvog_level}"
    elif finding.kind is FindingKind.QUICK_WIN:
        text = f"Reifegrad {target} ({context.default_model.label}), URL {_shown(finding.pvog_url)}"
    else:
        text = f"URL {_shown(finding.town_url)} → {_shown(finding.pvog_url)}"
    skipped = None if finding.kind is FindingKind.LEVEL else _unusable(finding, target, context)
    if finding.town_changed_at is not None:
        what = "die Zuständigkeit" if finding.kind is FindingKind.LEVEL else "den Stand"
        skipped = (f"die Stadt hat {what} am {finding.town_changed_at:%d.%m.%Y} geändert, nach dem Datenstand der "
                   f"PVOG-Daten ({finding.evidence_date:%d.%m.%Y})")
    return AcceptedChange(finding.kind, finding.key, finding.name, text, skipped)


def _unusable(finding: Finding, target: int, context: Context) -> str | None:
    """Why the PVOG's values cannot become the town's status, or None: the check every write of a status makes."""
    if not finding.pvog_url:
        return "das PVOG nennt für den Onlinedienst keine Adresse"
    try:
        clean_values(_status_values(finding, target, context))
    except InputError as exc:
        return f"die Angabe des PVOG lässt sich nicht übernehmen: {exc}"
    return None


def _shown(url: str | None) -> str | None:
    return shown_url(url) if url else url


def reason(finding: Finding, result: PvogResult) -> str:
    """``Quelle: PVOG, Datenstand 20.01.2025 (ars_000000000000.csv)``: what the history records."""
    ref = next((e for e in result.evidence if e.release_id == finding.release_id), None)
    when = f"{finding.evidence_date:%d.%m.%Y}" if finding.evidence_date else "unbekannt"
    return f"Quelle: PVOG, Datenstand {when}" + (f" ({ref.origin})" if ref else "")


def apply(session: Session, context: Context, settings: ReportSettings, keys: Collection[str] = (),
          kinds: Collection[FindingKind] = ACCEPTABLE) -> list[AcceptedChange]:
    """Apply every suggestion :func:`plan` finds that the town has not overruled; returns all, skipped ones too.

    Raises NotFoundError when there is no PVOG evidence for the municipality.
    """
    result, planned = plan(session, context, settings, keys, kinds)
    if result is None:
        raise NotFoundError("keine PVOG-Daten für diese Kommune; zuerst `ozgtrack pvog sync` ausführen")
    target = options(settings).targets.of(context.default_model)
    ids = _service_ids(session, [f.key for f, _ in planned])
    statuses: dict[str, list[StatusUpdate]] = defaultdict(list)
    decisions: list[Decision] = []
    for finding, change in planned:
        if change.skipped:
            continue
        why = reason(finding, result)
        if finding.kind is FindingKind.LEVEL:
            decisions.append(Decision(ids[finding.key], Level(finding.pvog_level or "unklar"), why))
        else:
            statuses[why].append(StatusUpdate(ids[finding.key], _status_values(finding, target, context), False))
    if decisions:
        decide_each(session, context, decisions)
    for why, updates in statuses.items():
        written = update_statuses(session, context, _merged(updates), strict=False, reason=why)
        if written.problems:  # plan() left out what fails the check; anything else is a contradiction, not a skip
            raise InputError(next(iter(written.problems.values())))
    return [change for _, change in planned]


def _status_values(finding: Finding, target: int, context: Context) -> dict[str, Any]:
    if finding.kind is FindingKind.LINK:
        return {"url": finding.pvog_url}
    values: dict[str, Any] = {"stage": target, "model": context.default_model, "url": finding.pvog_url,
                              "portal": f"{finding.provider}: {finding.pvog_title or 'PVOG'}"[:200]}
    if finding.provider == "EfA":
        values["efa_solution"] = (finding.pvog_title or finding.provider_detail or "EfA")[:200]
    return values


def _merged(updates: list[StatusUpdate]) -> list[StatusUpdate]:
    """One update per service (a quick win and a link finding may both name it)."""
    merged: dict[int, dict[str, Any]] = defaultdict(dict)
    for update in updates:
        merged[update.service_id].update(update.values)
    return [StatusUpdate(service_id, values, False) for service_id, values in merged.items()]


def _service_ids(session: Session, keys: list[str]) -> dict[str, int]:
    from sqlalchemy import select

    from ozgtrack.store.models import Service

    return dict(session.execute(select(Service.key, Service.id).where(Service.key.in_(keys))).all())
