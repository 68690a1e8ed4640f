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


def independent_totals(path: Path) -> tuple[int, int]:
    """Own services and online ones (RGM1 stage 3 or more), counted with plain SQL as a check on the analysis."""
    own = """FROM leika_service s
             LEFT JOIN responsibility r ON r.service_id = s.id
             LEFT JOIN service_status st ON st.service_id = s.id
             WHERE s.withdrawn_release_id IS NULL AND (r.level = 'gemeinde' OR (r.id IS NULL AND s.typisierung = '5'))"""
    connection = sqlite3.connect(path)
    try:
        applicable = connection.execute(f"SELECT count(*) {own}").fetchone()[0]
        online = connection.execute(f"SELECT count(*) {own} AND st.model = 'rgm1' AND st.stage >= 3").fetchone()[0]
        return applicable, online
    finally:
        connection.close()
