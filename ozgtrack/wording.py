"""The wording of messages: German numbers and plurals, the names of levels, sources and fields, shared phrases.

Everything a person reads is German; code that writes a message (errors, warnings, progress and
summary lines, ``--help``) takes its numbers, plurals and names from here, so the same thing is
always called the same. Pure: the standard library only, importable from any layer.

``ozgtrack.render.german`` holds the vocabulary of the reports (categories, group names, percent,
dates, Reifegrad). It is the report side of the same language; its ``number`` and ``SOURCE`` are
the ones below and are to be imported from here (one definition of each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime


def number(value: int) -> str:
    """Thousands with a dot, as written in German: ``4.813``."""
    return f"{value:,}".replace(",", ".")


def decimal(value: float, digits: int | None = None) -> str:
    """A decimal with a comma: ``2,5``; ``digits`` fixes the decimals, else as few as needed (``30``)."""
    text = f"{value:.{digits}f}" if digits is not None else f"{value:g}"
    return text.replace(".", ",")


def percent(share: float | None, digits: int = 0) -> str:
    """``0.2759`` → ``28 %`` (or ``27,6 %``); ``–`` when there is nothing to divide by."""
    if share is None:
        return "–"
    value = round(share * 100 + 1e-9, digits)  # half up for the usual x.5 cases
    text = f"{value:.{digits}f}".replace(".", ",")
    return f"{text} %"


def honest_percent(share: float | None, limit: float | None = None) -> str:
    """Like :func:`percent`, but a few never round to none nor nearly all to all (``unter 1 %``, ``über 99 %``:
    beside "erst 14 von 12.070", "0 %" would contradict the count), and a share is never rounded onto the
    ``limit`` it is compared with (``89,6 %`` against 90 %, not ``90 %``)."""
    if share is not None and 0 < share < 0.005:
        return "unter 1 %"
    if share is not None and 0.995 <= share < 1:
        return "über 99 %"
    digits = 0
    while limit is not None and share is not None and abs(share - limit) > 1e-9 and digits < 3 \
            and percent(share, digits) == percent(limit, digits):
        digits += 1
    return percent(share, digits)


def score(value: float) -> str:
    """A priority score: two decimals and a real minus sign (no formula for Excel): ``1,25``, ``−0,50``."""
    return decimal(value, 2).replace("-", "−")


def plural(count: int, singular: str, plural_form: str) -> str:
    """``plural(1, "Leistung", "Leistungen")`` → ``1 Leistung``; ``4813`` → ``4.813 Leistungen``."""
    return f"{number(count)} {singular if count == 1 else plural_form}"


def listing(items: Iterable[str], last: str = "und") -> str:
    """``a, b und c`` (``last="oder"`` for alternatives)."""
    words = list(items)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def name_of(names: Mapping[str, str], value: object) -> str:
    """The German name of an enum value or key in ``names``; the value itself when there is none."""
    text = getattr(value, "value", value)
    return names.get(str(text), str(text))


# The catalogue sources (ozgtrack.records.Source), short, as a sentence names them.
SOURCE = {"leika": "LeiKa", "ozg": "OZG-Umsetzungskatalog", "fim": "FIM-Portal"}
# "der LeiKa-Katalog": the catalogue of a source as the subject of a sync line.
SOURCE_CATALOGUE = {"leika": "LeiKa-Katalog", "ozg": "OZG-Umsetzungskatalog", "fim": "FIM-Katalog"}

# Responsibility levels (ozgtrack.values.Level).
LEVEL = {"gemeinde": "Gemeinde", "landkreis": "Landkreis", "land": "Land", "bund": "Bund", "unklar": "ungeklärt"}

# What a rule's reason says for a place whose name is unknown (ozgtrack.town.rules fills {kreis}, {land}, {gemeinde},
# {verband}): a neutral phrase, never another place's name.
UNNAMED_PLACE = {"kreis": "der zuständige Landkreis", "land": "das Land", "gemeinde": "die Gemeinde",
                 "verband": "der zuständige Gemeindeverband"}

# What a catalogue release did (ozgtrack.records.ChangeKind), as counted in a sync line: "5 neu, 1 geändert".
CHANGE = {"added": "neu", "changed": "geändert", "withdrawn": "zurückgezogen", "reappeared": "wieder aufgenommen"}

# Fields of a service (catalogue diff) and of a status, as messages name them.
FIELD = {
    "key": "LeiKa-Schlüssel", "name": "Bezeichnung", "name2": "Bezeichnung 2", "typisierung": "Typisierung",
    "synonyms": "Synonyme", "features": "Besondere Merkmale", "legal_basis": "Rechtsgrundlage",
    "sources": "Quellen", "ozg": "OZG-Zuordnung", "ozg_id": "OZG-ID", "level": "Zuständigkeit",
    "stage": "Reifegrad", "model": "Reifegradmodell", "url": "URL", "portal": "Portal",
    "department": "Fachbereich", "planned": "geplant bis", "note": "Notiz", "efa_solution": "EfA-Lösung",
    "verified_at": "bestätigt am", "verified_by": "bestätigt von", "reason": "Begründung", "by": "geändert von",
    "contact": "Ansprechperson", "themenfeld": "Themenfeld", "lage": "Lage",
}

# Column headers the terminal tables share (a table names a field shorter than a sentence does).
COLUMN = {
    "key": "Schlüssel", "name": "Leistung", "ozg_id": "OZG-ID", "ozg_ids": "OZG-IDs", "level": "Zuständigkeit",
    "stage": "Reifegrad", "department": "Fachbereich", "planned": "geplant", "verified": "geprüft",
    "url": "Online-Link", "reason": "Begründung", "by": "von", "source": "Quelle", "changes": "Änderungen",
}

# What a history entry records (ozgtrack.store.models.AuditAction).
AUDIT_ACTION = {"triage": "Zuständigkeit", "status": "Status", "move": "Schlüsselwechsel"}

# Values shown in tables and details.
UNASSESSED = "nicht bewertet"  # a service without a Reifegrad
NEVER = "nie"  # never verified
CURRENT = "aktuell"  # a service still in the catalogue (withdrawn: CHANGE["withdrawn"])

# What a value must be, by Python type name: "muss eine ganze Zahl sein".
KIND = {"str": "ein Text", "int": "eine ganze Zahl", "float": "eine Zahl", "bool": "true oder false",
        "list": "eine Liste", "dict": "ein Abschnitt"}

# Phrases messages share.
NOTHING_CHANGED = "nichts wurde geändert"
DATABASE_UNCHANGED = "die Datenbank blieb unverändert"
TRY_AGAIN = "versuchen Sie es erneut"
RAISE_LIMIT = "erhöhen Sie die Grenze, wenn die Datei stimmt"
NONE = "keine"  # an empty list in a sentence ("Fachbereiche: keine")

# Log levels as the CLI prefixes messages on stderr ("Warnung: …").
LOG_LEVEL = {"debug": "Debug", "info": "Hinweis", "warning": "Warnung", "error": "Fehler", "critical": "Fehler"}
ERROR = "Fehler"
WARNING = "Warnung"

# Hints that messages about services and municipalities share.
FIND_KEYS = "Schlüssel finden Sie mit `ozgtrack catalog search TEXT`"
FIND_MUNICIPALITY = "suchen Sie mit `ozgtrack municipality list --search NAME`"
CHOOSE_MUNICIPALITY = "wählen Sie sie mit `ozgtrack municipality use ARS|NAME`"
# A frozen set of figures to compare with (`report baseline`): "der Vergleichsstand IST-2026".
BASELINE, BASELINES = "Vergleichsstand", "Vergleichsstände"


def no_service(key: str) -> str:
    """The message for a LeiKa key the catalogue does not hold."""
    return f"keine Leistung mit dem LeiKa-Schlüssel {key}; {FIND_KEYS}"


def local_time(value: datetime | None) -> str:
    """A stored UTC time in the machine's local time zone, to the minute."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
