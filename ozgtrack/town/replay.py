"""What a service's history leads to: the standing decision and the status fields, entry by entry (pure).

One definition for everything that reads the history back: the trend and the open data of a past
year (``analysis.trend.replay``) and the check that a town bundle's record is what its own history
says (``bundle.format``). Entries are applied in time order; each status entry sets the fields it
changed to their new values, each triage entry sets the decided level, one taken back (its reason is
:data:`RESET_REASON`) leaves no decision. A move only carries the history over to the new key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RESET_REASON = "zurück zur Regel"  # the reason of the history entry of a decision taken back


def step(levels: dict[Any, str], statuses: dict[Any, dict[str, Any]], subject: Any, action: str,
         changes: Mapping[str, Any], reason: str | None) -> None:
    """Apply one history entry of ``subject`` (a service) to ``levels`` and ``statuses``."""
    if action == "triage":
        if reason == RESET_REASON:
            levels.pop(subject, None)
        else:
            levels[subject] = changes["level"][1]
    elif action == "status":
        statuses.setdefault(subject, {}).update({name: new for name, (_, new) in changes.items()})
