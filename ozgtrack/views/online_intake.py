"""Online services proposed from what the town already knows (its statuses, the PVOG evidence); no database."""

from __future__ import annotations

from dataclasses import dataclass

from ozgtrack.views.online import OnlineSpec


@dataclass(frozen=True)
class OnlineProposal:
    """One online service to register: what `online add` would record, and where each part came from.

    ``guessed``: the delivery path is a guess (shown as one in the preview, and written into the history's
    reason); ``source``: the evidence in one German phrase ("gemeinsame URL in 3 Status", "PVOG-Onlinedienst …").
    """

    spec: OnlineSpec
    guessed: bool
    source: str

    @property
    def keys(self) -> tuple[str, ...]:
        return self.spec.covers


@dataclass(frozen=True)
class ProposalHint:
    """Services not proposed because an active online service of the town already has their address."""

    number: int
    name: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class ProposalResult:
    """What a proposal run found: the online services to add and what it left to the user."""

    proposals: tuple[OnlineProposal, ...]
    hints: tuple[ProposalHint, ...] = ()
    numbers: tuple[int, ...] = ()  # the numbers the proposals got when they were added (the preview shows them)
    statuses: tuple = ()  # KeyChange: statuses of covered own services derived when they were added

