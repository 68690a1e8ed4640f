"""The Stand a workbook names: the town, the day of the output, the catalogue releases, the target stages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ozgtrack.analysis.gaps import releases
from ozgtrack.settings import Settings
from ozgtrack.town.context import Context
from ozgtrack.views.stand import Stand
from ozgtrack.views.what_counts import Targets


def stand(session: Session, context: Context, settings: Settings) -> Stand:
    """The Stand of what ``context``'s town sees today (the newest release of each catalogue source)."""
    town = context.municipality
    return Stand(town.name, town.ars, context.now, releases(session), Targets.of_settings(settings.report))
