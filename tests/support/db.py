"""Reading a test database back: full dumps and figures counted with plain SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(path: Path) -> str:
    """The full SQL dump of a SQLite file: compares databases for "exactly as before"."""
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


# A Leistungsobjekt (key ending 000000) with a live key of the same first 8 digits: a grouping, no service.
_GROUPING = """(substr(s.key, 9) = '000000' AND EXISTS (SELECT 1 FROM leika_service v
                WHERE substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key
                AND v.withdrawn_release_id IS NULL))"""


def independent_services(path: Path, *, counting_unit: bool = True) -> int:
    """Live LeiKa keys that count as services (without ``counting_unit``: every live key), in plain SQL."""
    unit = f"AND NOT {_GROUPING}" if counting_unit else ""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT count(*) FROM leika_service s WHERE s.withdrawn_release_id IS NULL {unit}"
                                  ).fetchone()[0]
    finally:
        connection.close()


def independent_totals(path: Path, *, counting_unit: bool = True) -> tuple[int, int]:
    """Own services and online ones (stage 3 or more in either model, the default targets), counted with plain SQL.

    ``counting_unit=False`` counts as before the counting unit: Leistungsobjekte beside their Verrichtungen.
    """
    own = f"""FROM leika_service s
             LEFT JOIN responsibility r ON r.service_id = s.id
             LEFT JOIN service_status st ON st.service_id = s.id
             WHERE s.withdrawn_release_id IS NULL AND (r.level = 'gemeinde' OR (r.id IS NULL AND s.typisierung = '5'))
             {f"AND NOT {_GROUPING}" if counting_unit else ""}"""
    connection = sqlite3.connect(path)
    try:
        applicable = connection.execute(f"SELECT count(*) {own}").fetchone()[0]
        online = connection.execute(f"SELECT count(*) {own} AND st.model IN ('rgm1', 'rgm2') AND st.stage >= 3").fetchone()[0]
        return applicable, online
    finally:
        connection.close()
