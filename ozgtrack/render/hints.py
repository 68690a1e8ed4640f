"""What the IT officer is told on stderr beside a council text: the next step, which the document never names.

The chapter, the progress report and the mails speak to the council and the departments; a command, a file
or a setting means nothing to them. Where a document has a gap the officer can close, the hint goes here.
"""

from __future__ import annotations

from ozgtrack.views.results import GapReport
from ozgtrack.views.stages import ProgressReport

TARGETS = ("Ziele für den Anteil online trägt die IT-Koordination in der Konfiguration ein, z. B. "
           "[plan] targets = {{ {year} = 50 }} in config.toml")


def chapter_hints(report: GapReport) -> list[str]:
    """The steps that would fill the chapter's gaps: a baseline to compare with, the plan's adoption, targets."""
    hints = []
    if report.trend is None and not report.history:
        year = report.analysis.today.year
        hints.append(f"noch kein Vergleichsstand: mit „ozgtrack report baseline IST-{year}“ wird der heutige Stand "
                     "festgehalten; das nächste Kapitel vergleicht mit ihm")
    if report.online is not None and not report.online.services:
        hints.append("noch kein Onlinedienst erfasst: mit „ozgtrack online add NAME --url … --delivery … --covers …“ "
                     "oder „ozgtrack online from-statuses“ trägt die IT-Koordination sie ein")
    stages = report.stages
    if stages is not None and stages.comparison is None:
        hints.append(f"die Planversion „{stages.version.name}“ ist noch nicht beschlossen; nach dem Beschluss des "
                     f"Stadtrats: ozgtrack plan adopt \"{stages.version.name}\" --date JJJJ-MM-TT")
    if stages is not None and not any(p.target is not None for p in stages.targets):
        hints.append(TARGETS.format(year=stages.version.year_to))
    return hints


def progress_hints(report: ProgressReport) -> list[str]:
    """The progress report without targets: where they are set."""
    if any(p.target is not None for p in report.targets):
        return []
    return [TARGETS.format(year=report.comparison.version.year_to)]
