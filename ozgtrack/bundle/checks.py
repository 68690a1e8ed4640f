"""The field checks of a bundle's JSON: each names where (a path like services[3].status.stage) and what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ozgtrack import wording
from ozgtrack.fields import control_problem


class Bad(Exception):
    """A field of the bundle is wrong: where (a path like services[3].status.stage) and what."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)


def section(value: Any, path: str, required: set[str], optional: set[str] | None = frozenset()) -> dict[str, Any]:
    """A JSON object with the ``required`` fields; ``optional=None`` allows any other field."""
    if not isinstance(value, dict):
        raise Bad(path, f"muss ein Abschnitt ({{…}}) sein, nicht {kind(value)}")
    if missing := sorted(required - set(value)):
        raise Bad(path, f"es fehlt das Feld {wording.listing(map(repr, missing))}")
    if optional is not None and (unknown := sorted(set(value) - required - optional)):
        raise Bad(path, f"unbekanntes Feld {wording.listing(map(repr, unknown))}")
    return value


def listed(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise Bad(path, f"muss eine Liste ([…]) sein, nicht {kind(value)}")
    return value


def text(value: Any, path: str, limit: int, *, lines: bool = False) -> str:
    if not isinstance(value, str):
        raise Bad(path, f"muss ein Text sein, nicht {kind(value)}")
    if problem := control_problem(value):
        raise Bad(path, problem)
    if not lines and any(c in value for c in "\t\r\n"):
        raise Bad(path, "enthält einen Zeilenumbruch oder Tabulator, ist aber einzeilig")
    if len(value) > limit:
        raise Bad(path, f"ist länger als {wording.plural(limit, 'Zeichen', 'Zeichen')}")
    return value


def optional_text(value: Any, path: str, limit: int, *, lines: bool = False) -> str | None:
    return None if value is None else text(value, path, limit, lines=lines)


def optional_int(value: Any, path: str) -> int | None:
    if value is not None and type(value) is not int:
        raise Bad(path, f"muss eine ganze Zahl oder null sein, nicht {kind(value)}")
    return value


def moment(value: Any, path: str) -> datetime:
    """A time as the bundle states it (ISO 8601), as naive UTC."""
    written = text(value, path, limit=40)
    try:
        found = datetime.fromisoformat(written)
    except ValueError:
        raise Bad(path, f"{written!r} ist kein Zeitpunkt (ISO 8601, z. B. 2026-11-25T10:00:00Z)") from None
    return found.astimezone(UTC).replace(tzinfo=None) if found.tzinfo else found


def optional_moment(value: Any, path: str) -> datetime | None:
    return None if value is None else moment(value, path)


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return wording.KIND["bool"]
    return wording.KIND.get(type(value).__name__, type(value).__name__)


def shown(value: Any) -> str:
    return repr(value) if isinstance(value, (str, int)) and len(repr(value)) <= 40 else kind(value)


def one_of(values: tuple[str, ...]) -> Any:
    """A check of one side of a history change: None, or one of ``values``."""
    return lambda side: None if side is None or side in values else (
        f"{shown(side)} ist keine von {wording.listing(values, 'oder')}")


def kind_of(*kinds: type) -> Any:
    """A check of one side of a history change: None, or of one of ``kinds`` (str, int)."""
    words = {str: wording.KIND["str"], int: wording.KIND["int"]}
    return lambda side: None if side is None or type(side) in kinds else (
        f"ein Wert muss {' oder '.join(words[k] for k in kinds)} oder null sein")
