"""Write a set of files as one folder, atomically: all of it appears at once, or nothing changes.

The files go to a temporary folder beside the target, which is then renamed into place. An
existing folder is replaced only with ``force`` and only when it holds nothing but an earlier
export (its metadata file and data files): ``-o ~ --force`` must never delete a home folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ozgtrack.errors import InputError

EXPORT_SUFFIXES = (".csv", ".json", ".jsonld")


def write_folder(target: Path, files: dict[str, bytes], marker: str, *, force: bool = False) -> None:
    """Write ``files`` (name → bytes) as the folder ``target``; ``marker`` is the file that marks an earlier export."""
    parent = _check_target(target, marker, force)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".neu", dir=parent))
    except OSError as exc:
        raise InputError(f"im Ordner {parent} lässt sich nichts anlegen: {_reason(exc)}") from exc
    try:
        for name, content in files.items():
            _write(temp / name, content)
        os.chmod(temp, 0o777 & ~_umask())
        _move_into_place(temp, target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise InputError(f"{target} lässt sich nicht schreiben: {_reason(exc)}; nichts wurde geändert") from exc
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _check_target(target: Path, marker: str, force: bool) -> Path:
    parent = target.parent
    if not parent.is_dir():
        raise InputError(f"den Ordner {parent} gibt es nicht; legen Sie ihn zuerst an")
    if target.is_symlink():
        raise InputError(f"{target} ist eine Verknüpfung; geben Sie einen Ordner selbst an")
    if not target.exists():
        return parent
    if not target.is_dir():
        raise InputError(f"{target} ist eine Datei, kein Ordner; geben Sie einen neuen oder leeren Ordner an")
    entries = list(target.iterdir())
    if entries and not force:
        raise InputError(f"der Ordner {target} ist nicht leer; mit --force wird ein früherer Export darin ersetzt")
    if entries and not _is_export(entries, marker):
        raise InputError(f"der Ordner {target} enthält nicht nur einen früheren Export (die {marker} fehlt oder es "
                         "liegen andere Dateien darin); er wird auch mit --force nicht ersetzt — geben Sie einen neuen oder leeren Ordner an")
    return parent


def _is_export(entries: list[Path], marker: str) -> bool:
    """Only regular data files and the marker: what an earlier export wrote."""
    return any(e.name == marker for e in entries) and all(
        e.is_file() and not e.is_symlink() and e.suffix in EXPORT_SUFFIXES for e in entries)


def _write(path: Path, content: bytes) -> None:
    with open(path, "xb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def _move_into_place(temp: Path, target: Path) -> None:
    """Rename ``temp`` to ``target``; an earlier folder there is moved aside first and removed after."""
    if not target.exists():
        os.rename(temp, target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        os.rename(temp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".alt", dir=target.parent))
    old.rmdir()
    os.rename(target, old)
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
