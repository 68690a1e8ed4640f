"""Where the real data lives: ../shared/data beside the checkout (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path


def shared_data(checkout: Path) -> Path:
    """``shared/data`` beside ``checkout``, with symlinks resolved (``../shared`` may be a link).

    Resolved like pytest's ``tmp_path``: ``catalog sync`` records and names a local file by its real path,
    so a test that expects that name must hold the real path too.
    """
    return (checkout.parent / "shared" / "data").resolve()


SHARED_DATA = shared_data(Path(__file__).resolve().parents[2])
FLAT_CSV = SHARED_DATA / "kdn-nrw-ozg-katalog-2019" / "derived_ozg_umsetzungskatalog_flat.csv"
