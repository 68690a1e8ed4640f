"""Local input files: only regular files, read once, within the size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

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
        raise SourceError(f"file {path} does not exist") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from exc
    if len(data) != info.st_size:
        raise SourceError(f"{path} changed while it was read; try again when it is complete")
    return data


def _check_regular(path: Path, info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{path} is a folder, not a file; pass a file inside it")
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path} is not a regular file (a device, a pipe or a socket); "
                          "save it as a file and pass that")
    if info.st_size > max_bytes:
        raise SourceError(f"{path} is {info.st_size} bytes, over the limit of {max_bytes} (http.max_bytes); "
                          "raise the limit if this file is right")
