"""Where the real data lives: ../shared/data beside the checkout (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FLAT_CSV = SHARED_DATA / "kdn-nrw-ozg-katalog-2019" / "derived_ozg_umsetzungskatalog_flat.csv"
