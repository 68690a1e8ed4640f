"""Settings: CLI flag > ``OZGTRACK_*`` environment > ``config.toml`` > defaults shipped in ``catalog/``."""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from ozgtrack import wording
from ozgtrack.errors import ConfigError, InputError
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.store.database import db_url
from ozgtrack.settings import (  # the section types and ``Settings`` live there; this module reads them
    APP, DEFAULT_LICENSE, DEFAULT_MODEL, PRIORITY_WEIGHTS, HttpSettings, MailSettings, OpendataSettings, PlanSettings,
    PvogSettings, ReportSettings, Settings, SourceSettings, _user_dir, default_config_path,
)
from ozgtrack.values import MaturityModel
from ozgtrack.views.targets import Target


def load_settings(db: str | None = None, config: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Merge the layers; ``db`` and ``config`` are the CLI flags (None when not given)."""
    env = os.environ if env is None else env
    config_path = _config_path(config or env.get("OZGTRACK_CONFIG"))
    data = read_toml(config_path) if config_path else {}
    if config_path:
        check_keys(data, config_path)
    data_dir = Path(env.get("OZGTRACK_DATA_DIR") or _user_dir("data"))
    chosen = db or env.get("OZGTRACK_DB") or _get(data, "db", str)
    return Settings(
        db_url=db_url(chosen) if chosen else _default_db(data_dir),
        data_dir=data_dir,
        cache_dir=Path(env.get("OZGTRACK_CACHE_DIR") or _user_dir("cache")),
        config_path=config_path,
        http=_http_settings(data.get("http", {}), env),
        sources=_source_settings(data.get("sources", {})),
        municipality=env.get("OZGTRACK_ARS") or _get(data, "municipality", str),
        maturity_model=_maturity_model(env.get("OZGTRACK_MATURITY_MODEL") or _get(data.get("status", {}), "model", str, "status.")),
        triage_rules=_relative_to(config_path, _get(data.get("triage", {}), "rules", str, "triage.")),
        triage_presets=Path(env["OZGTRACK_TRIAGE_PRESETS"]) if env.get("OZGTRACK_TRIAGE_PRESETS") else
        _relative_to(config_path, _get(data.get("triage", {}), "presets", str, "triage.")),
        user=env.get("OZGTRACK_USER") or _login_name(),
        report=_report_settings(data.get("report", {}), config_path),
        mail=_mail_settings(data.get("smtp", {}), data.get("mail", {}), env, config_path),
        pvog=_pvog_settings(data.get("pvog", {}), env),
        ortschaften=_names(_section(data, "town", "", config_path).get("ortschaften"), "town.ortschaften")
        if config_path else (),
        plan=_plan_settings(_section(data, "plan", "", config_path) if config_path else {},
                            _relative_to(config_path, _get(data.get("report", {}), "lebensbereiche", str, "report."))),
        opendata=_opendata_settings(_section(data, "opendata", "", config_path) if config_path else {}),
    )


# The keys config.toml may hold. A key not listed is a typo that would otherwise be ignored silently
# (and send data to the default database), so it is an error that names the closest valid key.
_SECTIONS: dict[str, tuple[str, ...]] = {
    "http": tuple(f.name for f in fields(HttpSettings)),
    "sources": (),  # the names in catalog/sources.toml, each with the fields of SourceSettings
    "status": ("model",),
    "triage": ("rules", "presets"),
    "report": tuple(f.name for f in fields(ReportSettings)),
    "smtp": ("host", "port", "security", "user", "password_file", "timeout", "deadline", "ca_file"),
    "mail": ("from", "to", "departments", "subject_prefix"),  # [mail.departments] holds any names
    "pvog": tuple(f.name for f in fields(PvogSettings)),
    "town": ("ortschaften",),
    "plan": ("weights", "default_cost", "targets", "targets_by_lebensbereich", "capacity"),
    "opendata": tuple(f.name for f in fields(OpendataSettings)),
}
_TOP_KEYS = ("db", "municipality", *_SECTIONS)
# Words people write for a key, so that the hint finds it ("databse" is near "database", far from "db").
_SYNONYMS = {"database": "db", "db_url": "db", "ars": "municipality", "town": "municipality",
             "password": "password_file", "server": "host", "sender": "from", "recipients": "to"}


def check_keys(data: Mapping[str, Any], path: Path) -> None:
    """Refuse keys and sections of config.toml that ozgtrack does not know, naming the closest valid one."""
    _check_table(data, _TOP_KEYS, "", path)
    for name, keys in _SECTIONS.items():
        table = _section(data, name, "", path)
        if name == "sources":
            _check_sources(table, path)
        else:
            _check_table(table, keys, f"{name}.", path)


def _check_sources(table: Mapping[str, Any], path: Path) -> None:
    _check_table(table, tuple(read_toml(catalog_file("sources.toml"))["sources"]), "sources.", path)
    for name in table:
        _check_table(_section(table, name, "sources.", path), tuple(f.name for f in fields(SourceSettings)),
                     f"sources.{name}.", path)


def _section(data: Mapping[str, Any], name: str, where: str, path: Path) -> Mapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}{name} in {path} muss ein Abschnitt sein: [{where}{name}]")
    return table


def _check_table(table: Mapping[str, Any], valid: tuple[str, ...], where: str, path: Path) -> None:
    for key, value in table.items():
        if key in valid:
            continue
        section = isinstance(value, dict)
        candidates = {k: k for k in valid} | {word: k for word, k in _SYNONYMS.items() if k in valid}
        match = difflib.get_close_matches(key, candidates, n=1)
        hint = f"meinten Sie {_key_name(where, candidates[match[0]], section)}?" if match else \
            f"bekannt sind hier: {', '.join(valid)}"
        raise ConfigError(f"{'unbekannter Abschnitt' if section else 'unbekannte Einstellung'} "
                          f"{_key_name(where, key, section)} in {path}; {hint}")


def _key_name(where: str, key: str, section: bool) -> str:
    return f"[{where}{key}]" if section else f"{where}{key}"


def _default_db(data_dir: Path) -> str:
    """The database in the user data directory, the one folder ozgtrack creates for a database itself."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"das Datenverzeichnis {data_dir} lässt sich nicht anlegen: {exc}; setzen Sie "
                          "OZGTRACK_DATA_DIR oder --db") from exc
    return db_url(str(data_dir / "ozgtrack.sqlite"))


def _config_path(given: str | None) -> Path | None:
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise ConfigError(f"die Konfigurationsdatei {path} gibt es nicht; prüfen Sie --config "
                              "(oder OZGTRACK_CONFIG)")
        return path
    default = default_config_path()
    return default if default.is_file() else None


def _maturity_model(value: str | None) -> MaturityModel:
    try:
        return MaturityModel(value) if value else DEFAULT_MODEL
    except ValueError:
        raise ConfigError(f"das Reifegradmodell muss rgm1 oder rgm2 sein, nicht {value!r}") from None


def _relative_to(config_path: Path | None, value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() or config_path is None else config_path.parent / path


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unbekannt"


def write_setting(path: Path, key: str, value: str) -> None:
    """Set a top-level key in a TOML configuration file, keeping its comments and layout."""
    import tomlkit

    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
        document[key] = value
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(path.name + ".tmp")
        temp.write_text(tomlkit.dumps(document), encoding="utf-8")
        temp.replace(path)
    except (OSError, tomlkit.exceptions.TOMLKitError) as exc:
        raise ConfigError(f"{key} lässt sich nicht in {path} schreiben: {exc}") from exc


def _get(table: Mapping[str, Any], key: str, kind: type, where: str = "") -> Any:
    value = table.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"der Wert {where}{key} in der Konfiguration muss {wording.KIND[kind.__name__]} sein, "
                          f"nicht {value!r}")
    return value


def _env_number(env: Mapping[str, str], name: str, kind: type) -> Any:
    text = env.get(name)
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"die Umgebungsvariable {name} muss {wording.KIND[kind.__name__]} sein, "
                          f"nicht {text!r}") from None


def _in_range(value: Any, where: str, low: float, high: float | None) -> Any:
    """``value`` when it lies within [low, high] (None: no upper bound), else a ConfigError naming ``where``."""
    if value is None or math.isfinite(value) and low <= value and (high is None or value <= high):
        return value
    allowed = f"mindestens {low} sein" if high is None else f"zwischen {low} und {high} liegen"
    raise ConfigError(f"{where} muss {allowed}, nicht {value}")


def _number(table: Mapping[str, Any], env: Mapping[str, str], section: str, name: str, kind: type,
            limits: tuple[float, float | None], env_prefix: str = "") -> Any:
    """A number from ``OZGTRACK_<env_prefix>_<NAME>`` or else ``[section] name``, range-checked; None if unset."""
    variable = f"OZGTRACK_{env_prefix}_{name.upper()}"
    value = _env_number(env, variable, kind) if env_prefix else None
    if value is not None:
        return _in_range(value, variable, *limits)
    return _in_range(_get(table, name, kind, f"{section}."), f"{section}.{name}", *limits)


# Allowed ranges: a value outside is a typo or a misunderstanding (milliseconds for seconds).
_HTTP_NUMBERS = {"timeout": (float, (0.1, 3600)), "retries": (int, (0, 20)), "backoff": (float, (0, 600)),
                 "max_retry_after": (float, (0, 86400)), "max_bytes": (int, (1, None)), "deadline": (float, (0, 86400))}
_REPORT_NUMBERS = {"target_rgm1": (0, 4), "target_rgm2": (0, 7), "stale_months": (0, 1200), "top_gaps": (0, 1000),
                   "min_assessed": (0, 100), "min_triage": (0, 100)}
_PORT, _TIMEOUT = (0, 65535), (0.1, 3600)


def _http_settings(table: Mapping[str, Any], env: Mapping[str, str]) -> HttpSettings:
    base, values = HttpSettings(), {}
    for name, (kind, limits) in _HTTP_NUMBERS.items():
        value = _number(table, env, "http", name, kind, limits, "HTTP")
        values[name] = getattr(base, name) if value is None else value
    return HttpSettings(**values)


def _report_settings(table: Mapping[str, Any], config_path: Path | None) -> ReportSettings:
    base = ReportSettings()
    values: dict[str, Any] = {}
    for name, limits in _REPORT_NUMBERS.items():
        value = _number(table, {}, "report", name, int, limits)
        values[name] = getattr(base, name) if value is None else value
    values["lebensbereiche"] = _relative_to(config_path, _get(table, "lebensbereiche", str, "report."))
    return ReportSettings(**values)


def _plan_settings(table: Mapping[str, Any], lebensbereiche: Path | None = None) -> PlanSettings:
    """``[plan] weights`` (a table of the parts in PRIORITY_WEIGHTS, each 0 to 100), ``default_cost`` and the targets."""
    given = table.get("weights", {})
    if not isinstance(given, dict):
        raise ConfigError("plan.weights muss eine Tabelle sein, z. B. weights = { cases = 3, votes = 2 }")
    weights = dict(PRIORITY_WEIGHTS)
    for name, value in given.items():
        if name not in PRIORITY_WEIGHTS:
            raise ConfigError(f"plan.weights.{name} ist unbekannt; bekannt sind: {', '.join(PRIORITY_WEIGHTS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            raise ConfigError(f"plan.weights.{name} muss eine Zahl von 0 bis 100 sein, nicht {value!r}")
        weights[name] = float(value)
    cost = table.get("default_cost", PlanSettings.default_cost)
    if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
        raise ConfigError(f"plan.default_cost muss eine ganze Zahl (Euro) ab 0 sein, nicht {cost!r}")
    capacity = table.get("capacity", PlanSettings.capacity)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 10_000:
        raise ConfigError(f"plan.capacity muss eine ganze Zahl ab 1 sein (Gewichtseinheiten je Jahr), nicht {capacity!r}")
    return PlanSettings(weights, cost, _targets(table, lebensbereiche), capacity)


def _targets(table: Mapping[str, Any], lebensbereiche: Path | None) -> tuple[Target, ...]:
    """``targets = { 2027 = 40 }`` for all own services, ``[plan.targets_by_lebensbereich]`` per Lebensbereich."""
    found = list(_year_targets(table.get("targets", {}), "plan.targets", None))
    by_area = table.get("targets_by_lebensbereich", {})
    if not isinstance(by_area, dict):
        raise ConfigError("plan.targets_by_lebensbereich muss ein Abschnitt sein: "
                          "[plan.targets_by_lebensbereich] mit \"Lebensbereich\" = { 2027 = 60 }")
    if by_area:
        from ozgtrack.catalogue.lebensbereiche import load  # only when needed: it reads a TOML file

        names = load(lebensbereiche).order
        for name, years in by_area.items():
            found += _year_targets(years, f"plan.targets_by_lebensbereich.{name}", _lebensbereich(name, names))
    return tuple(sorted(found, key=lambda t: (t.lebensbereich is not None, t.lebensbereich or "", t.year)))


def _year_targets(years: Any, where: str, lebensbereich: str | None) -> list[Target]:
    if not isinstance(years, dict):
        raise ConfigError(f"{where} muss eine Tabelle aus Jahr und Prozent sein, z. B. {{ 2027 = 40, 2030 = 80 }}")
    found = []
    for year, percent in years.items():
        if not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100):
            raise ConfigError(f"{where}: „{year}“ ist kein Jahr zwischen 2000 und 2100")
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ConfigError(f"{where}.{year} muss eine ganze Zahl von 0 bis 100 (Prozent) sein, nicht {percent!r}")
        found.append(Target(int(year), percent, lebensbereich))
    return found


def _lebensbereich(name: str, names: tuple[str, ...]) -> str:
    """The Lebensbereich of the report that ``name`` means; else a ConfigError naming the closest one."""
    from ozgtrack.plan.values import choose

    try:
        return choose(name, names, "plan.targets_by_lebensbereich: der Lebensbereich")
    except InputError as exc:
        raise ConfigError(str(exc)) from None


def _opendata_settings(table: Mapping[str, Any]) -> OpendataSettings:
    """``[opendata]``: licence and base URL must be http(s) addresses; the publisher is a name."""
    values = {name: " ".join((_get(table, name, str, "opendata.") or "").split()) for name in ("license", "publisher",
                                                                                              "base_url")}
    for name in ("license", "base_url"):
        if values[name] and not values[name].startswith(("http://", "https://")):
            raise ConfigError(f"opendata.{name} muss eine http(s)-Adresse sein, nicht {values[name]!r}")
    return OpendataSettings(license=values["license"] or DEFAULT_LICENSE, publisher=values["publisher"],
                            base_url=values["base_url"])


def _pvog_settings(table: Mapping[str, Any], env: Mapping[str, str]) -> PvogSettings:
    """``[pvog]`` of the file; the client id also from OZGTRACK_PVOG_CLIENT_ID (which wins)."""
    base = PvogSettings()
    rate = _in_range(_get(table, "rate", float, "pvog."), "pvog.rate", 0.01, 100)
    url = _get(table, "url", str, "pvog.") or base.url
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"pvog.url muss eine http(s)-Adresse sein, nicht {url!r}")
    return PvogSettings(url=url.rstrip("/"), rate=base.rate if rate is None else rate,
                        client_id=env.get("OZGTRACK_PVOG_CLIENT_ID") or _get(table, "client_id", str, "pvog.") or "")


SECURITY_MODES = ("starttls", "ssl", "none")


def _mail_settings(smtp: Mapping[str, Any], mail: Mapping[str, Any], env: Mapping[str, str],
                   config_path: Path | None) -> MailSettings:
    """``[smtp]`` and ``[mail]`` of the file, each overridden by its OZGTRACK_* variable."""
    security = env.get("OZGTRACK_SMTP_SECURITY") or _get(smtp, "security", str, "smtp.") or "starttls"
    if security not in SECURITY_MODES:
        raise ConfigError(f"smtp.security muss {wording.listing(SECURITY_MODES, 'oder')} sein, nicht {security!r}")
    port = _number(smtp, env, "smtp", "port", int, _PORT, "SMTP") or 0
    to = env.get("OZGTRACK_MAIL_TO")
    recipients = tuple(a.strip() for a in to.split(",") if a.strip()) if to else _addresses(mail.get("to"), "mail.to")
    departments = mail.get("departments", {})
    if not isinstance(departments, Mapping):
        raise ConfigError("mail.departments muss ein Abschnitt sein: \"Fachbereich\" = \"Adresse\"")
    return MailSettings(
        host=env.get("OZGTRACK_SMTP_HOST") or _get(smtp, "host", str, "smtp.") or "",
        port=port, security=security,
        user=env.get("OZGTRACK_SMTP_USER") or _get(smtp, "user", str, "smtp.") or "",
        password_file=_relative_to(config_path, _get(smtp, "password_file", str, "smtp.")),
        password_from_env=bool(env.get("OZGTRACK_SMTP_PASSWORD")),
        timeout=_number(smtp, {}, "smtp", "timeout", float, _TIMEOUT) or 30.0,
        deadline=_number(smtp, {}, "smtp", "deadline", float, _TIMEOUT) or 120.0,
        ca_file=_relative_to(config_path, _get(smtp, "ca_file", str, "smtp.")),
        sender=env.get("OZGTRACK_MAIL_FROM") or _get(mail, "from", str, "mail.") or "",
        recipients=recipients,
        departments={str(k): _addresses(v, f"mail.departments.{k}") for k, v in departments.items()},
        subject_prefix=_get(mail, "subject_prefix", str, "mail.") or "[ozgtrack]",
    )


def _names(value: Any, where: str) -> tuple[str, ...]:
    """A list of names (``["Elbeu", "Farsleben"]``), blanks trimmed and dropped."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} muss eine Liste von Namen sein, z. B. [\"Elbeu\", \"Farsleben\"]")
    return tuple(" ".join(v.split()) for v in value if v.strip())


def _addresses(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} muss eine Adresse oder eine Liste von Adressen sein")
    return tuple(v.strip() for v in value if v.strip())


def _source_settings(overrides: Mapping[str, Any]) -> dict[str, SourceSettings]:
    defaults = read_toml(catalog_file("sources.toml"))["sources"]
    out = {}
    for name, table in defaults.items():
        merged = {**table, **overrides.get(name, {})}
        out[name] = SourceSettings(**{k: _get(merged, k, str, f"sources.{name}.") or "" for k in ("url", "page", "link_pattern")})
    return out
