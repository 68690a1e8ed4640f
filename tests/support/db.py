"""Reading a test database back: full dumps and figures counted with plain SQL, on SQLite and PostgreSQL.

A test database is what the ``db``/``town`` fixtures hand out: a SQLite path, or a ``postgresql+psycopg://``
URL when the suite runs with ``OZGTRACK_TEST_DB=postgresql``. :func:`connect` opens either with the
sqlite3 interface (``?`` placeholders, ``execute(...).fetchone()``, ``commit``). A test's SQL must run on both:
no sum() of a comparison (``sum(CASE WHEN … THEN 1 ELSE 0 END)``), an alias on every subquery in FROM, JSON
columns parsed with :func:`as_json`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


def is_postgres(target: Path | str) -> bool:
    """Whether a test database is a PostgreSQL URL (not a SQLite path)."""
    return str(target).startswith("postgresql")


class _Postgres:
    """A psycopg connection that takes sqlite3's ``?`` placeholders, so a test's SQL runs on both."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))

    def execute(self, sql: str, parameters: tuple | list = ()) -> Any:
        # Without parameters psycopg must not look for placeholders at all (a LIKE '%0…' is no placeholder).
        return self._connection.execute(_placeholders(sql, bool(parameters)), tuple(parameters) or None)

    def executemany(self, sql: str, rows: list) -> Any:
        with self._connection.cursor() as cursor:
            cursor.executemany(_placeholders(sql, True), rows)

    def commit(self) -> None:
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> _Postgres:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        # like sqlite3: commit on success, roll back on an error, stay open
        if kind is None:
            self._connection.commit()
        else:
            self._connection.rollback()


def _placeholders(sql: str, has_parameters: bool) -> str:
    return sql.replace("%", "%%").replace("?", "%s") if has_parameters else sql


def connect(target: Path | str) -> sqlite3.Connection | _Postgres:
    """A DB-API connection to a test database with sqlite3's interface; close it (or use ``with``)."""
    return _Postgres(str(target)) if is_postgres(target) else sqlite3.connect(target)


def as_json(value: Any) -> Any:
    """A JSON column's value (an object or array) as Python data: sqlite3 returns its text, psycopg parses it.

    Read JSON in Python through this rather than with json_extract (SQLite only) or ``->>`` (PostgreSQL only).
    """
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def query(target: Path | str, sql: str, parameters: tuple | list = ()) -> list[tuple]:
    """All rows of one query on a test database (``?`` placeholders on both)."""
    connection = connect(target)
    try:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]
    finally:
        connection.close()


def execute(target: Path | str, sql: str, parameters: tuple | list = ()) -> None:
    """Run one statement that writes on a test database and commit it."""
    connection = connect(target)
    try:
        connection.execute(sql, parameters)
        connection.commit()
    finally:
        connection.close()


def dump(target: Path | str) -> str:
    """The full dump of a test database: compares databases for "exactly as before".

    SQLite: its SQL dump. PostgreSQL: every table's columns and rows, sorted, so the text does not
    depend on the order the server returns rows in (sequences are left out: a rolled-back insert
    moves them on PostgreSQL, and they hold no data).
    """
    if is_postgres(target):
        return _dump_postgres(str(target))
    connection = sqlite3.connect(target)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def _dump_postgres(url: str) -> str:
    connection = _Postgres(url)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")]
        lines = []
        for table in tables:
            columns = connection.execute(
                "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position", (table,)).fetchall()
            lines.append(f"TABLE {table} {[tuple(c) for c in columns]}")
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            lines += sorted(f"  {table} {tuple(row)!r}" for row in rows)
        lines += [index for (index,) in connection.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")]
        return "\n".join(lines)
    finally:
        connection.close()


# A Leistungsobjekt (key ending 000000) with a live key of the same first 8 digits: a grouping, no service.
_GROUPING = """(substr(s.key, 9) = '000000' AND EXISTS (SELECT 1 FROM leika_service v
                WHERE substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key
                AND v.withdrawn_release_id IS NULL))"""


def independent_services(path: Path | str, *, counting_unit: bool = True) -> int:
    """Live LeiKa keys that count as services (without ``counting_unit``: every live key), in plain SQL."""
    unit = f"AND NOT {_GROUPING}" if counting_unit else ""
    connection = connect(path)
    try:
        return connection.execute(f"SELECT count(*) FROM leika_service s WHERE s.withdrawn_release_id IS NULL {unit}"
                                  ).fetchone()[0]
    finally:
        connection.close()


def independent_totals(path: Path | str, *, counting_unit: bool = True) -> tuple[int, int]:
    """Own services and online ones (stage 3 or more in either model, the default targets), counted with plain SQL.

    ``counting_unit=False`` counts as before the counting unit: Leistungsobjekte beside their Verrichtungen.
    """
    own = f"""FROM leika_service s
             LEFT JOIN responsibility r ON r.service_id = s.id
             LEFT JOIN service_status st ON st.service_id = s.id
             WHERE s.withdrawn_release_id IS NULL AND (r.level = 'gemeinde' OR (r.id IS NULL AND s.typisierung = '5'))
             {f"AND NOT {_GROUPING}" if counting_unit else ""}"""
    connection = connect(path)
    try:
        applicable = connection.execute(f"SELECT count(*) {own}").fetchone()[0]
        online = connection.execute(f"SELECT count(*) {own} AND st.model IN ('rgm1', 'rgm2') AND st.stage >= 3").fetchone()[0]
        return applicable, online
    finally:
        connection.close()
