"""Local input files: only regular files, read once, within the size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ozgtrack import wording
from ozgtrack.errors import SourceError


def read_local(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read once; devices, pipes and folders are refused.

    ``/dev/zero`` would never end and a FIFO would wait for a writer, so only regular files are opened.
    """
    try:
        _check_regular(path, os.stat(path), max_bytes)
        # O_NONBLOCK: should the path become a FIFO after the check, open() does not wait for a writer.
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as f:
            info = os.fstat(f.fileno())
            _check_regular(path, info, max_bytes)
            data = f.read(info.st_size + 1)
    except FileNotFoundError:
        raise SourceError(f"die Datei {path} gibt es nicht; prüfen Sie den Pfad") from None
    except OSError as exc:
        raise SourceError(f"{path} ist nicht lesbar: {(exc.strerror or str(exc)).lower()}") from exc
    if len(data) != info.st_size:
        raise SourceError(f"{path} hat sich beim Lesen geändert; versuchen Sie es erneut, wenn die Datei fertig ist")
    return data


def _check_regular(path: Path, info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{path} ist ein Ordner, keine Datei; geben Sie eine Datei darin an")
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path} ist keine gewöhnliche Datei (ein Gerät, eine Pipe oder ein Socket); "
                          "speichern Sie den Inhalt als Datei und geben Sie diese an")
    if info.st_size > max_bytes:
        raise SourceError(f"{path} hat {wording.number(info.st_size)} Bytes, mehr als die Grenze von "
                          f"{wording.number(max_bytes)} (http.max_bytes); {wording.RAISE_LIMIT}")
