"""The parts of the settings, one frozen value per section of ``config.toml``; ``config`` reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ozgtrack.values import MaturityModel
from ozgtrack.views.targets import Target


@dataclass(frozen=True)
class HttpSettings:
    """How downloads behave; the defaults suit the public federal endpoints."""

    timeout: float = 30.0  # seconds to connect and between bytes
    retries: int = 4  # further attempts after a 5xx, a 429 or a network failure
    backoff: float = 1.0  # first wait in seconds, doubled each retry
    max_retry_after: float = 300.0  # a longer Retry-After is an error, not a wait
    max_bytes: int = 128 * 2**20  # size limit of one download or file (the real LeiKa is tens of MB)
    deadline: float = 0.0  # seconds for one download, retries included; 0: 2 × timeout + the backoff waits


@dataclass(frozen=True)
class SourceSettings:
    """Where one catalogue source lives."""

    url: str = ""
    page: str = ""  # a download page to find the file link on when url is empty
    link_pattern: str = ""


# From these shares (percent) a town's figures are solid ("belastbar") and comparable in a roll-up: its own
# services assessed, and its responsibilities decided. Below them the figures measure the data collection more
# than the town (the federal Dashboard Digitale Verwaltung flags incomplete data the same way).
MIN_ASSESSED = 50
MIN_TRIAGE = 90


@dataclass(frozen=True)
class ReportSettings:
    """How reports count: the stage from which a service counts as online, per model, and more."""

    target_rgm1: int = 3  # Reifegradmodell 1.1: from stage 3 the OZG obligation counts as met
    target_rgm2: int = 3  # Reifegradmodell 2.0: stages 0-3 cover the online front end
    stale_months: int = 12  # an assessment not verified for this long is listed for re-checking
    lebensbereiche: Path | None = None  # None: catalog/lebensbereiche.toml
    top_gaps: int = 10
    min_assessed: int = MIN_ASSESSED  # percent of the own services with a Reifegrad, else "vorläufig"
    min_triage: int = MIN_TRIAGE  # percent of the services whose responsibility is decided, else "vorläufig"


# The parts of a priority score (`plan priorities`), with their default weights; README "Mehrjahresplan".
PRIORITY_WEIGHTS = {"cases": 3.0, "votes": 2.0, "obligation": 3.0, "efa": 2.0, "effort": 1.0}


@dataclass(frozen=True)
class PlanSettings:
    """``[plan]``: the weights of the priority score and the cost assumed for a gap without an estimate."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(PRIORITY_WEIGHTS))
    default_cost: int = 10_000  # euros
    targets: tuple[Target, ...] = ()  # [plan] targets (for all) and [plan.targets_by_lebensbereich]
    capacity: int = 5  # weight units per year a staged plan (`plan build`) fills; weight 1 = one measure


@dataclass(frozen=True)
class MailSettings:
    """Where the weekly report goes and how. The password is never part of the settings' text."""

    host: str = ""
    port: int = 0  # 0: the usual port of the security mode (587, 465, 25)
    security: str = "starttls"  # starttls | ssl | none
    user: str = ""
    password_file: Path | None = None
    password_from_env: bool = False  # OZGTRACK_SMTP_PASSWORD is set (read when sending, not here)
    timeout: float = 30.0  # seconds to connect and between bytes
    deadline: float = 120.0  # seconds for a whole SMTP session, however slowly the server drips
    ca_file: Path | None = None  # an extra CA to trust (a mail server with an internal CA)
    sender: str = ""
    recipients: tuple[str, ...] = ()
    departments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    subject_prefix: str = "[ozgtrack]"

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465}.get(self.security, 25)


@dataclass(frozen=True)
class PvogSettings:
    """The PVOG Suchdienst: where it lives, how politely to ask, and the client id it may want."""

    url: str = "https://pvog.fitko.net/suchdienst/api"
    rate: float = 2.0  # requests per second at most
    client_id: str = ""  # sent as the pvog-sud-api-client-id header when set


# The Datenlizenz Deutschland – Namensnennung – Version 2.0, as the DCAT-AP.de licence list names it.
DEFAULT_LICENSE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


@dataclass(frozen=True)
class OpendataSettings:
    """``[opendata]``: the licence and publisher `export opendata` names, and where the files will be published."""

    license: str = DEFAULT_LICENSE  # a URI of the DCAT-AP.de licence list
    publisher: str = ""  # "": the name of the configured municipality
    base_url: str = ""  # "": the metadata names the files relative to itself


APP = "ozgtrack"
# New stages are assessed in Reifegradmodell 2.0, the current model since July 2025; RGM 1.1 stays valid.
DEFAULT_MODEL = MaturityModel.RGM2


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about its environment."""

    db_url: str
    data_dir: Path
    cache_dir: Path
    config_path: Path | None
    http: HttpSettings = field(default_factory=HttpSettings)
    sources: Mapping[str, SourceSettings] = field(default_factory=dict)
    municipality: str | None = None  # ARS (or a unique name) of the town in use
    maturity_model: MaturityModel = DEFAULT_MODEL
    triage_rules: Path | None = None  # None: the rules shipped in catalog/
    triage_presets: Path | None = None  # the folder of Land presets; None: catalog/triage/
    user: str = ""  # who changes things: OZGTRACK_USER, else the login name
    report: ReportSettings = field(default_factory=ReportSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    pvog: PvogSettings = field(default_factory=PvogSettings)
    ortschaften: tuple[str, ...] = ()  # [town] ortschaften: the municipality's Ortschaften (plan proposals)
    plan: PlanSettings = field(default_factory=PlanSettings)
    opendata: OpendataSettings = field(default_factory=OpendataSettings)

    @property
    def config_target(self) -> Path:
        """The file ``municipality use`` writes to: the one in use, else the user's default."""
        return self.config_path or default_config_path()


def _user_dir(kind: str) -> str:
    import platformdirs

    return platformdirs.user_data_dir(APP) if kind == "data" else platformdirs.user_cache_dir(APP)


def default_config_path() -> Path:
    """``config.toml`` in the user's configuration directory."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP)) / "config.toml"
