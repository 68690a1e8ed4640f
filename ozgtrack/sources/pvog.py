"""PVOG evidence readers: the one list of Portalverbund formats, detection by content, the problem-share rule.

A new format is a reader module (bytes, name, the ARS asked for or None → :class:`Evidence`), a member of
:class:`EvidenceFormat` and one line in ``REGISTRY``; ``tests/test_pvog_sources.py`` checks that
none is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ozgtrack import wording
from ozgtrack.errors import SourceError
from ozgtrack.fields import has_credentials, masked_credentials
from ozgtrack.sources import MAX_PROBLEM_SHARE, Sample
from ozgtrack.sources import pvog_csv, pvog_dashboard, pvog_json, pvog_overview
from ozgtrack.sources._evidence import (
    BUND_ARS, Evidence, EvidenceEntry, EvidenceFormat, EvidenceLevel, EvidenceProblem, ancestors, covers, is_ars,
    leaves, level_of_ars,
)
from ozgtrack.sources._text import is_utf16, looks_like_html, utf16_message

__all__ = ["BUND_ARS", "REGISTRY", "Evidence", "EvidenceEntry", "EvidenceFormat", "EvidenceLevel", "EvidenceProblem",
           "FormatEntry", "ancestors", "covers", "detect", "is_ars", "leaves", "level_of_ars", "read"]


@dataclass(frozen=True)
class FormatEntry:
    """One PVOG format: its German label, how to recognise it, how to read it."""

    format: EvidenceFormat
    label: str  # German, for what a person reads
    detect: Callable[[Sample], bool]
    read: Callable[[bytes, str, str | None], Evidence]


REGISTRY: dict[EvidenceFormat, FormatEntry] = {e.format: e for e in (
    FormatEntry(EvidenceFormat.SUCHDIENST_CSV, "PVOG-Suchdienst (CSV je ARS)",
                lambda s: not s.is_json and pvog_csv.MARKERS <= s.headers, pvog_csv.read),
    FormatEntry(EvidenceFormat.SUCHDIENST_JSON, "PVOG-Suchdienst (JSON)",
                lambda s: s.is_json and pvog_json.looks_like(s.data), pvog_json.read),
    FormatEntry(EvidenceFormat.UEBERSICHT, "PVOG-Übersicht je Kommune",
                lambda s: not s.is_json and pvog_overview.MARKERS <= s.headers, pvog_overview.read),
    FormatEntry(EvidenceFormat.DASHBOARD, "Open-PVOG / Dashboard Digitale Verwaltung",
                lambda s: not s.is_json and pvog_dashboard.MARKERS <= s.headers, pvog_dashboard.read),
)}


def detect(data: bytes, name: str) -> EvidenceFormat:
    """The format whose detector claims the file; SourceError when none does."""
    if looks_like_html(data):
        raise SourceError(f"{name} ist eine HTML-Seite (Fehler- oder Anmeldeseite?), keine PVOG-Datei")
    if is_utf16(data[:512]):  # the detectors cannot read its header: say why, not "no known format"
        raise SourceError(utf16_message(name, "in UTF-8"))
    sample = Sample(data, name)
    try:
        found = next((e.format for e in REGISTRY.values() if e.detect(sample)), None)
    except SourceError:
        found = None
    if found is None:
        known = "; ".join(e.label for e in REGISTRY.values())
        raise SourceError(f"{name} ist in keinem bekannten PVOG-Format ({known})")
    return found


def read(fmt: EvidenceFormat, data: bytes, name: str, asked: str | None = None) -> Evidence:
    """Read a file of ``fmt`` (``asked``: the ARS it was asked for, where known); refuse it when it has no rows or
    more than 1 % unreadable ones. The ARS of the evidence come from its content (:attr:`Evidence.subjects`)."""
    if looks_like_html(data):
        raise SourceError(f"{name} ist eine HTML-Seite (Fehler- oder Anmeldeseite?), keine PVOG-Datei")
    evidence = _masked(REGISTRY[fmt].read(data, name, asked))
    bad, rows = len(evidence.problems), evidence.rows
    if rows == 0:
        raise SourceError(f"{name} enthält keine Datenzeilen")
    if bad > rows * MAX_PROBLEM_SHARE or bad == rows:
        shown = "; ".join(str(p) for p in evidence.problems[:5])
        raise SourceError(f"{name}: {wording.number(bad)} von {wording.plural(rows, 'Zeile', 'Zeilen')} "
                          f"{'ist' if bad == 1 else 'sind'} ungültig, das ist keine Datei im Format "
                          f"{REGISTRY[fmt].label}; {wording.NOTHING_CHANGED}. Die ersten Probleme: {shown}")
    return evidence


def _masked(evidence: Evidence) -> Evidence:
    """The evidence without secrets: an online service's ``user:password@`` is kept as ``***@``.

    The entry stays (the service is registered), and the mask shows that its address had credentials, so
    ``pvog accept`` leaves it out and says why (``ozgtrack.fields``); the credentials are never stored.
    """
    if not any(e.url and has_credentials(e.url) for e in evidence.entries):
        return evidence
    return replace(evidence, entries=tuple(replace(e, url=masked_credentials(e.url)) if e.url else e
                                           for e in evidence.entries))
