"""What a field may hold: one definition for every path that writes it (no database, no terminal).

``status set``, a status worksheet, ``pvog accept``, a town bundle and the history they write all
call :func:`clean_value` (or :func:`text`), so a value refused on one path is refused on every
other. A text is normalised to NFC (an umlaut typed as "u" + combining diaeresis is the same text as
"ü"), holds no control character (:data:`ozgtrack.text.CONTROL`: invisible, or it changes what a
reader sees), is one line unless it is a note or a reason, and fits its length. A URL is http(s)
with a host and without credentials: it is published as open data.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ozgtrack import wording
from ozgtrack.errors import InputError
from ozgtrack.text import CONTROL
from ozgtrack.values import MaturityModel, parse_planned

# What a status says, in the order commands and worksheets show it.
STATUS_FIELDS = ("model", "stage", "url", "portal", "efa_solution", "department", "contact", "planned", "note",
                 "verified_at", "verified_by")
# The longest text each field takes (its database column is at least as wide); a name is 100, others 200.
# The plan's texts too: a measure's title and Fachbereich (owner), an idea's title, description and source.
LIMITS = {"url": 2000, "portal": 200, "efa_solution": 200, "department": 200, "contact": 200, "note": 4000,
          "verified_by": 100, "by": 100, "reason": 4000, "title": 500, "owner": 200, "description": 4000,
          "source": 200}
# Texts that may span lines (line breaks and tabs stay); in every other field a run of white space is one space.
MULTILINE = frozenset({"note", "reason", "description"})
# "scheme://" and the userinfo before the last "@" of the authority (RFC 3986: user:password@host).
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)([^/?#]*)@", re.IGNORECASE)
_SHOWN = 80  # characters of a URL a message shows


def text(field: str, value: object, label: str | None = None) -> str | None:
    """``value`` as ``field`` stores it: NFC, checked for control characters and length; None when empty.

    Raises InputError naming the field (``label``, else its German name) and the problem.
    """
    name = label or _name(field)
    normal = checked(value, name)
    if field in MULTILINE:
        normal = normal.strip()  # line breaks stay as typed (CR LF from Windows too)
    else:
        normal = " ".join(normal.split())
    if len(normal) > (limit := LIMITS.get(field, 200)):
        raise InputError(f"{name} ist länger als {wording.plural(limit, 'Zeichen', 'Zeichen')}")
    return normal or None


def checked(value: object, label: str) -> str:
    """``value`` in NFC; InputError naming ``label`` when it holds a control character (white space and length
    are the caller's: see :func:`text`)."""
    normal = nfc(str(value))
    if problem := control_problem(normal):
        raise InputError(f"{label} {problem}")
    return normal


def nfc(value: str) -> str:
    """``value`` in Unicode NFC: what a person reads as the same letters is the same text (stored and typed)."""
    return unicodedata.normalize("NFC", value)


def name_key(value: str) -> str:
    """A name as it is compared with what someone typed: NFC, case and runs of white space aside."""
    return " ".join(nfc(value).split()).casefold()


def control_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored because of a control character (the first one named), or None."""
    found = CONTROL.search(value)
    if found is None:
        return None
    char, where = found.group(), f"an Stelle {found.start() + 1}"
    code = f"U+{ord(char):04X}"
    if char >= "\u0600":  # the bidi controls and marks
        what = f"ein unsichtbares Zeichen, das die Schreibrichtung umstellt ({code})"
    elif "\x80" <= char <= "\x9f":
        what = f"ein Steuerzeichen ({code}), oft der Rest einer falsch gelesenen Kodierung (Windows-1252?)"
    else:
        what = f"ein Steuerzeichen ({code})"
    return f"enthält {where} {what}; so etwas wird nicht gespeichert – bitte entfernen"


def url(value: object) -> str | None:
    """A URL as stored: an http(s) address with a host, without credentials, at most 2,000 characters."""
    cleaned = text("url", value)
    if cleaned is not None and (problem := url_problem(cleaned)):
        raise InputError(problem)
    return cleaned


def url_problem(value: str) -> str | None:
    """Why ``value`` is no URL the town may store and publish, or None; the message never shows credentials."""
    shown = shown_url(value)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        return f"die URL {shown!r} ist keine http(s)-Adresse"
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        return f"die URL {shown!r} ist keine http(s)-Adresse"
    if "@" in parts.netloc:
        return (f"die URL {shown!r} enthält Zugangsdaten (Benutzername oder Passwort vor dem @); eine Adresse, die "
                "veröffentlicht wird, darf keine enthalten – bitte die Adresse ohne sie angeben")
    if len(value) > LIMITS["url"]:
        return f"die URL ist länger als {wording.plural(LIMITS['url'], 'Zeichen', 'Zeichen')}"
    return None


def has_credentials(value: str) -> bool:
    """Whether a URL carries userinfo (``user:password@``) before its host."""
    return _USERINFO.match(value) is not None


def without_credentials(value: str) -> str:
    """The URL without its userinfo: ``https://user:pw@host/x`` → ``https://host/x``; other text unchanged."""
    return _USERINFO.sub(r"\1", value, count=1)


def masked_credentials(value: str) -> str:
    """The URL with its userinfo replaced by ``***``: it shows there were credentials, never what they were."""
    return _USERINFO.sub(r"\1***@", value, count=1)


def shown_url(value: str) -> str:
    """A URL as a message shows it: credentials masked, at most 80 characters."""
    masked = masked_credentials(value)
    return masked if len(masked) <= _SHOWN else masked[: _SHOWN - 1] + "…"


def clean_value(field: str, value: Any) -> Any:
    """A status value as stored, or InputError saying (in German) what is wrong; "" clears a field.

    Idempotent: a stored value cleaned again is the same value, so each write path may check again.
    """
    if value is None or value == "":
        return None
    if field == "model":
        try:
            return MaturityModel(str(value).strip().lower())
        except ValueError:
            raise InputError(f"das Reifegradmodell {_shown(value)} ist weder rgm1 noch rgm2") from None
    if field == "stage":
        return _stage(value)
    if field == "planned":
        try:
            return parse_planned(str(value))
        except ValueError:
            raise InputError(f"der Termin {_shown(str(value).strip())} ist weder ein Datum (30.06.2027, 2027-06-30), "
                             "ein Quartal (2027-Q2) noch ein Jahr (2027)") from None
    if field == "verified_at":
        return _date(value)
    return url(value) if field == "url" else text(field, value)


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Each of the status ``values`` cleaned by :func:`clean_value`."""
    return {field: clean_value(field, value) for field, value in values.items()}


def _stage(value: Any) -> int:
    """A Reifegrad: an int as it is, text through the one number reader (ozgtrack.numbers)."""
    from ozgtrack.numbers import whole

    return value if type(value) is int else whole(str(value), "der Reifegrad", grouped=False)


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(parse_planned(str(value)))
    except ValueError:
        raise InputError(f"das Prüfdatum {_shown(value)} ist kein Datum (2026-11-25 oder 25.11.2026)") from None


def _shown(value: Any) -> str:
    """A wrong value as a message quotes it: without control characters, at most 80 characters."""
    shown = CONTROL.sub("", str(value))
    return repr(shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…")


def _name(field: str) -> str:
    return wording.name_of(wording.FIELD, field)


def address_key(url: str) -> str:
    """A URL as two addresses are compared: without its scheme and fragment, the host in lower case, no trailing
    slash (``https://Example.de/a/`` and ``http://example.de/a`` are the same address)."""
    parts = urlsplit(url.strip())
    query = f"?{parts.query}" if parts.query else ""
    return f"{(parts.netloc or '').lower()}{parts.path.rstrip('/')}{query}"
