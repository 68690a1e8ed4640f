"""no credentials in stored URLs

An address with credentials (``https://user:password@host/…``) is refused on every path that writes
a field since this revision (``ozgtrack.fields``); this migration removes those stored before:

- status URLs (``service_status.url``), the URLs the history recorded (``audit_entry.changes``, the
  pairs of ``url``), and URLs quoted in a history entry's reason: the credentials are removed, the
  address stays (``https://host/…``), so the open data never publishes them;
- link checks (``link_check.url`` as the status had it, ``final_url`` where redirects led): removed alike,
  so a check still belongs to its status's URL;
- PVOG evidence (``pvog_entry.url``, ``pvog_review.pvog_url``): the credentials become ``***``
  (``https://***@host/…``), as ``pvog sync`` stores them now: the entry shows that its address had
  credentials and ``pvog accept`` leaves it out, saying why; where a release came from
  (``pvog_release.origin``) loses them.

It logs how many values it changed (never the credentials) and that a backup made before it (the
``*.bak`` file ozgtrack writes beside a SQLite database) still holds them. Downgrading restores
nothing: the credentials are gone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-14 10:00:00
"""

import logging
import re

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

log = logging.getLogger("ozgtrack.migrations")
# Kept here, not imported: a migration must do the same on every later version of ozgtrack.
# "scheme://" and the userinfo before the last "@" of the authority (RFC 3986: user:password@host).
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)([^/?#]*)@", re.IGNORECASE)
# An http(s) address with userinfo inside a text (a reason quoting where evidence came from).
_IN_TEXT = re.compile(r"(https?://)[^\s/?#@]*@", re.IGNORECASE)


def _stripped(url):
    return _USERINFO.sub(r"\1", url, count=1)


def _masked(url):
    return _USERINFO.sub(r"\1***@", url, count=1)


def upgrade() -> None:
    counts = {
        "Status-URLs": _column("service_status", "url", _stripped),
        "Linkprüfungen": _column("link_check", "url", _stripped) + _column("link_check", "final_url", _stripped),
        "Verlaufseinträge": _history(),
        "PVOG-Einträge und -Prüfungen": (_column("pvog_entry", "url", _masked)
                                         + _column("pvog_review", "pvog_url", _masked)),
        "Herkünfte von PVOG-Daten": _column("pvog_release", "origin", _stripped),
    }
    if total := sum(counts.values()):
        shown = ", ".join(f"{what}: {count}" for what, count in counts.items() if count)
        log.warning("Migration 0016: Zugangsdaten (Benutzername/Passwort vor dem @) an %d Stellen aus Adressen "
                    "entfernt (%s); veröffentlichte Adressen dürfen keine enthalten. Sicherungen von vor der "
                    "Migration (bei einer SQLite-Datei die .bak daneben) enthalten sie noch: löschen Sie sie, wenn "
                    "die Datenbank stimmt", total, shown)


def _column(table_name: str, column: str, change) -> int:
    """Rewrite each value of ``column`` that has credentials; the number of rows changed."""
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.Text))
    bind = op.get_bind()
    found = bind.execute(sa.select(table.c.id, table.c[column]).where(table.c[column].like("%@%"))).all()
    changed = [(id_, change(value)) for id_, value in found if change(value) != value]
    for id_, value in changed:
        bind.execute(table.update().where(table.c.id == id_).values({column: value}))
    return len(changed)


def _history() -> int:
    """Remove credentials from the URLs the history recorded and from URLs its reasons quote."""
    table = sa.table("audit_entry", sa.column("id", sa.Integer), sa.column("changes", sa.JSON),
                     sa.column("reason", sa.Text))
    bind = op.get_bind()
    query = sa.select(table.c.id, table.c.changes, table.c.reason).where(
        sa.cast(table.c.changes, sa.Text).like("%@%") | table.c.reason.like("%@%"))
    changed = 0
    for id_, changes, reason in bind.execute(query).all():
        new_changes = _history_changes(changes)
        new_reason = _IN_TEXT.sub(r"\1", reason) if reason else reason
        if (new_changes, new_reason) != (changes, reason):
            bind.execute(table.update().where(table.c.id == id_).values(changes=new_changes, reason=new_reason))
            changed += 1
    return changed


def _history_changes(changes):
    if not isinstance(changes, dict) or not isinstance(changes.get("url"), list):
        return changes
    pair = [_stripped(side) if isinstance(side, str) else side for side in changes["url"]]
    return {**changes, "url": pair}


def downgrade() -> None:
    pass  # the credentials are gone; nothing to restore
