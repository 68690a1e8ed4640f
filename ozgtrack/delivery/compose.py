"""What each message says: a Fachbereich's view of the report, and the composed message; no database, no network."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage

from ozgtrack.errors import ConfigError, InputError
from ozgtrack.render.mail import MailReport, compose
from ozgtrack.settings import MailSettings
from ozgtrack.views.pvog import Finding
from ozgtrack.views.results import Applicability, GapReport, ServiceGap, assessed, ozg_counts, tally

WEEKLY, DEPARTMENT = "weekly", "department"


@dataclass(frozen=True)
class Outgoing:
    """A composed message and where it goes."""

    kind: str
    department: str | None
    recipients: tuple[str, ...]
    message: EmailMessage
    since_label: str | None


def check_address(address: str) -> None:
    """InputError unless ``address`` is one plain address (``name@example.org``): nothing that could add a header."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    problem = not address or not address.isprintable() or any(c.isspace() for c in address)
    if not problem:
        try:
            parsed = Address(addr_spec=address)
            problem = not parsed.username or not parsed.domain or parsed.addr_spec != address
        except (HeaderParseError, ValueError, IndexError):
            problem = True
    if problem:
        raise InputError(f"{address!r} ist keine gültige E-Mail-Adresse (erwartet: name@example.org)")


def departments(report: GapReport) -> list[str]:
    """The Fachbereiche named on the town's own services, sorted."""
    return sorted({s.department for s in report.analysis.applicable if s.department})


def only(report: GapReport, department: str) -> GapReport:
    """The report restricted to one Fachbereich's services."""
    def mine(gaps: tuple[ServiceGap, ...]) -> tuple[ServiceGap, ...]:
        return tuple(g for g in gaps if (g.department or "").casefold() == department.casefold())

    a = report.analysis
    services = tuple(s for s in a.services if s.applicability is not Applicability.APPLICABLE) + mine(a.applicable)
    # How solid: the Fachbereich's assessments; responsibilities and the data's age stay the town's.
    analysis = replace(a, services=services, totals=tally(mine(a.applicable)), stale=mine(a.stale), groups={},
                       ozg=ozg_counts(mine(a.applicable)),
                       reliability=assessed(a.reliability, mine(a.applicable)))
    changes = report.trend and replace(report.trend, newly_online=mine(report.trend.newly_online),
                                       regressions=mine(report.trend.regressions),
                                       newly_applicable=mine(report.trend.newly_applicable),
                                       no_longer_applicable=(), still_open=mine(report.trend.still_open))
    keys = {g.key for g in mine(a.applicable)}
    pvog = report.pvog and replace(report.pvog, findings=_about(report.pvog.findings, keys),
                                   not_equivalent=_about(report.pvog.not_equivalent, keys),
                                   dismissed=_about(report.pvog.dismissed, keys))
    return replace(report, analysis=analysis, trend=changes, pvog=pvog)


def _about(findings: tuple[Finding, ...], keys: set[str]) -> tuple[Finding, ...]:
    """The PVOG findings about the Fachbereich's own services; the town-wide rest is not its business."""
    return tuple(f for f in findings if f.key in keys)


def outgoing(mail: MailSettings, kind: str, recipients: tuple[str, ...], content: MailReport,
             now: datetime) -> Outgoing:
    """The message for ``recipients``; refuses when the sender or the recipients are not configured."""
    if not mail.sender:
        raise ConfigError("keine Absenderadresse: setzen Sie [mail] from in config.toml oder OZGTRACK_MAIL_FROM")
    if not recipients:
        raise ConfigError("keine Empfänger: geben Sie --to an oder setzen Sie [mail] to in config.toml "
                          "oder OZGTRACK_MAIL_TO")
    for address in (mail.sender, *recipients):
        check_address(address)
    message = compose(content, mail.sender, list(recipients), mail.subject_prefix, now)
    return Outgoing(kind, content.department, recipients, message, content.since_label)
