"""Sync one catalogue release into the database: diff it against what is stored, then write it.

The caller owns the transaction, so a sync is all or nothing. Nothing is ever deleted: a key
a complete release no longer lists is marked withdrawn, and comes back as "reappeared".

Several sources may describe the same service. Each source's listing is kept apart
(``service_presence``, ``ozg_member.source``); a service is withdrawn when every source that
listed it has withdrawn it. The LeiKa sources (CSV, FIM API) outrank the OZG catalogue for a
service's names and Typisierung, so syncing both never makes those values flip back and forth.
"""

from __future__ import annotations


from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.catalogue.import_plan import Plan, Planner
from ozgtrack.catalogue.import_state import State, load_state, member_ref
from ozgtrack.catalogue.import_write import Writer
from ozgtrack.errors import SourceError
from ozgtrack.records import Catalogue
from ozgtrack.views.catalog import ReleaseInfo, SyncResult

__all__ = ["MAX_WITHDRAWN_SHARE", "ReleaseInfo", "SyncResult", "member_ref", "sync"]

# A complete release that withdraws more than this share of what its source listed is refused
# unless forced: an incomplete download must not withdraw half the catalogue.
MAX_WITHDRAWN_SHARE = 0.25


def sync(session: Session, catalogue: Catalogue, info: ReleaseInfo, *, dry_run: bool = False,
         force: bool = False) -> SyncResult:
    """Diff ``catalogue`` against the database and, unless ``dry_run``, write release, changes and data.

    Raises SourceError when the release would withdraw too much of its source and ``force`` is not set.
    """
    state = load_state(session, catalogue.source, grouping=catalogue.members is not None)
    plan = Planner(state, catalogue).plan()
    if not force:
        check_withdrawals(state, plan, info.origin)
    release_id = None if dry_run else Writer(session, state, catalogue, info, plan).write()
    return SyncResult(
        source=catalogue.source,
        release_id=release_id,
        services=tuple(sorted(plan.changes, key=lambda c: (c.kind, c.subject))),
        ozg_leistungen=tuple(sorted(plan.ozg_changes, key=lambda c: (c.kind, c.subject))),
        unchanged=plan.unchanged,
        problems=catalogue.problems,
    )


def check_withdrawals(state: State, plan: Plan, origin: str) -> None:
    listed = sum(1 for _, withdrawn in state.presence.values() if not withdrawn)
    gone = len(plan.withdraw_presence)
    if listed >= 20 and gone > listed * MAX_WITHDRAWN_SHARE:
        share, source = f"{round(gone / listed * 100)} %", wording.SOURCE[state.source.value]
        raise SourceError(
            f"{origin} würde {wording.number(gone)} der {wording.plural(listed, 'Leistung', 'Leistungen')} "
            f"zurückziehen, die der vorige Stand der Quelle {source} aufführte ({share}); "
            f"das sieht nach einer unvollständigen oder falschen Datei aus, daher wurde nichts geändert. "
            "Prüfen Sie die Datei oder synchronisieren Sie mit --force erneut, um sie zu übernehmen."
        )
