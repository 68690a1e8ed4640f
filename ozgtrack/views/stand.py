"""The Stand of a file written for people: which town, which day, which catalogue, what counts as online."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ozgtrack.views.results import ReleaseRef
from ozgtrack.views.what_counts import Targets


@dataclass(frozen=True)
class Stand:
    """What every figure of a workbook depends on; its sheet "Erläuterungen" names it."""

    municipality: str
    ars: str
    data_date: datetime
    catalogue: tuple[ReleaseRef, ...]
    targets: Targets
