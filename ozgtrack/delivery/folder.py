"""Write a set of files as one folder, atomically: all of it appears at once, or nothing changes.

The files go to a hidden folder beside the target (``.NAME.xxxxxxxx.neu``), which is then renamed
into place. An existing folder is replaced only with ``force`` and only when it holds an earlier
export: its marker file (the metadata) lists the files that export wrote. Only those are replaced;
anything else in the folder (a letter, the town's own tables, a subfolder) is carried over into the
new folder as it is (a hard link, else a copy) and named in the result: ``-o ~ --force`` must never
delete a home folder, nor a file of the user's that happens to end in ``.csv``.

A run that is killed leaves its hidden folder behind, perhaps the earlier export moved aside
(``.NAME.xxxxxxxx.alt``); the next run for the same target cleans up: it puts a folder moved aside
back in place, and removes of the rest only what is provably the export's. A hidden folder that
another run is still working in (it holds a lock on it) is left alone.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ozgtrack import wording
from ozgtrack.errors import InputError

try:  # POSIX: a lock shows that a hidden folder is still being written (released when the process dies)
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, a hidden folder counts as abandoned
    fcntl = None  # type: ignore[assignment]

EXPORT_SUFFIXES = (".csv", ".json")  # what an export lists as its data files (besides the marker)
FILE_LIKE = (".csv", ".json", ".jsonld", ".zip", ".xlsx", ".xls", ".txt", ".md", ".html", ".pdf")
MAX_MARKER_BYTES = 50_000_000
Listed = Callable[[bytes], Iterable[str]]  # the marker's content → the names the export wrote (ValueError: none)


@dataclass(frozen=True)
class Written:
    """What :func:`write_folder` did besides writing: the entries of the folder that were not the export's."""

    kept: tuple[str, ...] = ()  # carried over into the new folder, unchanged
    aside: tuple[Path, ...] = ()  # earlier folders moved aside and kept, because something in them has no copy


def write_folder(target: Path, files: dict[str, bytes], marker: str, *, force: bool = False,
                 listed: Listed = lambda _: ()) -> Written:
    """Write ``files`` (name → bytes) as the folder ``target``; ``marker`` (one of them) marks an export, and
    ``listed`` reads from an earlier marker which files that export wrote."""
    aside = clean_leftovers(target, marker, listed)
    ours, foreign = _check_target(target, files, marker, force, listed)
    parent = target.parent
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".neu", dir=parent))
    except OSError as exc:
        raise InputError(f"im Ordner {parent} lässt sich nichts anlegen: {_reason(exc)}") from exc
    lock = _lock(temp)
    try:
        for name, content in files.items():
            _write(temp / name, content)
        for name in foreign:
            _carry(target / name, temp / name)
        os.chmod(temp, 0o777 & ~_umask())
        kept_aside = _move_into_place(temp, target, ours)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise InputError(f"{target} lässt sich nicht schreiben: {_reason(exc)}; {wording.NOTHING_CHANGED}") from exc
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    finally:
        _unlock(lock)
    return Written(tuple(foreign), (*aside, *([kept_aside] if kept_aside else [])))


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


# --- what is in the target ------------------------------------------------------------------------


def _check_target(target: Path, files: dict[str, bytes], marker: str, force: bool,
                  listed: Listed) -> tuple[set[str], list[str]]:
    """(the names of the earlier export, the other entries to keep) — or InputError before anything is written."""
    parent = target.parent
    if not parent.is_dir():
        raise InputError(f"den Ordner {parent} gibt es nicht; legen Sie ihn zuerst an")
    if target.is_symlink():
        raise InputError(f"{target} ist eine Verknüpfung; geben Sie einen Ordner selbst an")
    if not target.exists():
        if target.suffix.lower() in FILE_LIKE:
            raise InputError(f"{target} sieht nach einer Datei aus ({target.suffix}), geschrieben wird aber ein "
                             "Ordner mit mehreren Dateien; geben Sie einen Ordner an (z. B. offene-daten-2026)")
        return set(), []
    if not target.is_dir():
        raise InputError(f"{target} ist eine Datei, kein Ordner; geben Sie einen neuen oder leeren Ordner an")
    entries = sorted(e.name for e in target.iterdir())
    if entries and not force:
        raise InputError(f"der Ordner {target} ist nicht leer; mit --force wird ein früherer Export darin ersetzt")
    if not entries:
        return set(), []
    ours = earlier_export(target, marker, listed)
    if not ours:
        raise InputError(f"der Ordner {target} enthält keinen früheren Export (die {marker} fehlt oder nennt keine "
                         "Dateien); er wird auch mit --force nicht ersetzt — geben Sie einen neuen oder leeren "
                         "Ordner an")
    foreign = [name for name in entries if name not in ours]
    _check_foreign(target, foreign, files)
    return ours, foreign


def earlier_export(folder: Path, marker: str, listed: Listed) -> set[str]:
    """The files of an earlier export in ``folder``: its marker and the data files it lists that are there as
    plain files; empty when there is none (no marker, or one that lists nothing)."""
    path = folder / marker
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_MARKER_BYTES:
            return set()
        names = {n for n in listed(path.read_bytes()) if _plain_name(n) and n.endswith(EXPORT_SUFFIXES)}
    except (OSError, ValueError, RecursionError):
        return set()
    return {marker, *(n for n in names if _is_plain_file(folder / n))} if names else set()


def _plain_name(name: str) -> bool:
    """A file name of the folder itself (no path, nothing hidden): all a marker may name."""
    return bool(name) and not name.startswith(".") and not any(c in name for c in "/\\\0")


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _check_foreign(target: Path, foreign: list[str], files: dict[str, bytes]) -> None:
    """Refuse when a file of the user's has the name of a new file, or cannot be carried over."""
    if clash := [name for name in foreign if name in files]:
        raise InputError(f"im Ordner {target} {'liegt' if len(clash) == 1 else 'liegen'} "
                         f"{wording.listing(clash)}, nicht aus dem früheren Export, aber so benannt wie eine Datei "
                         f"des neuen; benennen Sie {'sie' if len(clash) == 1 else 'diese'} um oder wählen Sie einen "
                         f"anderen Ordner; {wording.NOTHING_CHANGED}")
    odd = [name for name in foreign if not ((target / name).is_symlink() or (target / name).is_file()
                                            or (target / name).is_dir())]
    if odd:
        raise InputError(f"im Ordner {target} liegt {wording.listing(odd)}, weder Datei noch Ordner; er wird auch "
                         f"mit --force nicht ersetzt; {wording.NOTHING_CHANGED}")


# --- writing --------------------------------------------------------------------------------------


def _write(path: Path, content: bytes) -> None:
    with open(path, "xb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def _carry(source: Path, copy: Path) -> None:
    """An entry of the user's into the new folder, as it is: a hard link where the file system allows, else a copy."""
    if source.is_symlink():
        os.symlink(os.readlink(source), copy)
    elif source.is_dir():
        shutil.copytree(source, copy, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, copy)


def _link_or_copy(source: str | Path, copy: str | Path) -> None:
    """A regular file (links are recreated as links by the caller) as a hard link, else as a copy."""
    try:
        os.link(source, copy)
    except OSError:  # no hard links here (a network share): a copy with its times and permissions
        shutil.copy2(source, copy)


def _move_into_place(temp: Path, target: Path, ours: set[str]) -> Path | None:
    """Rename ``temp`` to ``target``; an earlier folder there is moved aside first and emptied after (see
    :func:`_discard`). Returns the folder moved aside when something in it had to stay."""
    if not target.exists():
        os.rename(temp, target)
        return None
    if not any(target.iterdir()):
        target.rmdir()
        os.rename(temp, target)
        return None
    aside = _aside_of(temp)
    os.rename(target, aside)
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(aside, target)
        raise
    return _discard(aside, target, ours)


def _aside_of(temp: Path) -> Path:
    return temp.with_name(temp.name[: -len(".neu")] + ".alt")


def _discard(aside: Path, target: Path, ours: set[str]) -> Path | None:
    """Remove from the folder moved aside what is provably not lost: the earlier export's files (``ours``) and what
    stands unchanged in ``target``; None when nothing is left, else ``aside`` (kept, with what could not go)."""
    for entry in list(aside.iterdir()):
        if entry.name in ours and _is_plain_file(entry) or _same(entry, target / entry.name):
            _remove(entry)
    try:
        aside.rmdir()
    except FileNotFoundError:
        return None
    except OSError:
        return aside
    return None


def _same(one: Path, other: Path) -> bool:
    """Whether ``other`` holds what ``one`` holds (the same file, equal bytes, the same link, equal folders)."""
    try:
        if one.is_symlink() or other.is_symlink():
            return one.is_symlink() and other.is_symlink() and os.readlink(one) == os.readlink(other)
        if one.is_dir() and other.is_dir():
            names = {e.name for e in one.iterdir()}
            return names == {e.name for e in other.iterdir()} and all(_same(one / n, other / n) for n in names)
        return one.is_file() and other.is_file() and (os.path.samefile(one, other)
                                                       or filecmp.cmp(one, other, shallow=False))
    except OSError:
        return False


def _remove(entry: Path) -> None:
    try:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    except FileNotFoundError:
        pass


# --- leftovers of a killed run --------------------------------------------------------------------


def clean_leftovers(target: Path, marker: str, listed: Listed) -> list[Path]:
    """Clean up after runs for ``target`` that were killed: a folder moved aside goes back in place when the
    target is missing, else loses what is provably not lost; an abandoned hidden folder is removed (it holds only
    new files and links or copies of the user's). A hidden folder another run is working in stays. Returns the
    folders moved aside that must stay (something in them has no copy)."""
    parent, kept = target.parent, []
    if not parent.is_dir():
        return kept
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.(neu|alt)")
    for entry in sorted(parent.iterdir(), key=lambda e: e.name.endswith(".neu")):  # .alt first
        if not pattern.fullmatch(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        temp = entry.with_name(entry.name[:-4] + ".neu")
        if _busy(temp) or (target.exists() and _busy(target)):
            continue
        if entry.name.endswith(".neu"):
            shutil.rmtree(entry, ignore_errors=True)
        elif not target.exists():
            os.rename(entry, target)  # killed between the two renames: the earlier folder goes back
        elif (left := _discard(entry, target, earlier_export(entry, marker, listed))) is not None:
            kept.append(left)
    return kept


def _lock(path: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        return None
    return handle


def _unlock(handle: int | None) -> None:
    if handle is not None:
        os.close(handle)


def _busy(path: Path) -> bool:
    """Whether another run holds the lock on ``path`` (it is still writing there)."""
    if fcntl is None or not path.is_dir():
        return False
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # no locks on this file system: nobody can hold one
        return False
    finally:
        os.close(handle)  # and with it the lock just taken
    return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
