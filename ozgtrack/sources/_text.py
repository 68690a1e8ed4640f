"""Bytes of a CSV export to text lines: zip unpacking, the size limit, one encoding per file.

The text is handed on line by line (never as one string) so that reading a file at the size
limit costs little more memory than the file itself: see :func:`open_lines`.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from ozgtrack import wording
from ozgtrack.errors import SourceError
from ozgtrack.sources._table import Column, Misfit, Table, header_key, read_table, sniff_delimiter

__all__ = ["DEFAULT_MAX_BYTES", "Column", "Misfit", "Table", "decode_text", "first_line", "header_key", "is_utf16",
           "looks_like_html", "open_lines", "read_table", "sniff_delimiter", "unpack", "utf16_message"]

# The real LeiKa export is some tens of MB unpacked; 128 MiB leaves room to grow (3x and more) and
# keeps the memory a sync may take bounded (the README states the figure measured at the limit).
DEFAULT_MAX_BYTES = 128 * 2**20
_HTML_RE = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
# Local file header, end of an empty archive's directory, spanned archive.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HEAD = 65536
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile, NotImplementedError)


def looks_like_html(data: bytes) -> bool:
    """True when ``data`` is an HTML page (a login or error page where a file was expected)."""
    return bool(_HTML_RE.match(data[:1024].lstrip(codecs.BOM_UTF8)))


def is_zip(data: bytes) -> bool:
    """True when ``data`` starts like a zip archive (also an empty one)."""
    return data.startswith(_ZIP_MAGIC)


def open_lines(data: bytes, name: str, wanted: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, Iterator[str]]:
    """(name, lines) of a CSV file or of the CSV inside a zip; each line keeps its line break.

    ``wanted`` is the preferred zip member's file name; otherwise the only ``.csv`` member is taken.
    The encoding is decided per file (see :func:`_decoded`); errors surface while iterating.
    """
    if not is_zip(data):
        return name, _lines(io.BytesIO(data), data[:_HEAD], name)
    archive = _open_zip(data, name)
    member = _choose_member(archive, name, wanted or "")
    shown = f"{name}:{member.filename}"
    if member.file_size > max_bytes:
        raise SourceError(f"{shown} ergibt entpackt {wording.number(member.file_size)} Bytes, mehr als die Grenze "
                          f"von {wording.number(max_bytes)} (http.max_bytes); {wording.RAISE_LIMIT}")
    return shown, _zip_lines(archive, member, shown, max_bytes)


def first_line(data: bytes, name: str, wanted: str | None = None) -> str:
    """The first line of a CSV file or of the CSV inside a zip (its header), without the line break."""
    _, lines = open_lines(data, name, wanted)
    return next(lines, "").rstrip("\r\n")


def decode_text(data: bytes, name: str) -> str:
    """The whole text of a CSV export (small files; readers use :func:`open_lines`)."""
    return "".join(_lines(io.BytesIO(data), data[:_HEAD], name))


def unpack(data: bytes, name: str, wanted: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    """(member name, bytes) of the CSV inside a zip, or ``(name, data)`` when it is no zip."""
    if not is_zip(data):
        return name, data
    archive = _open_zip(data, name)
    member = _choose_member(archive, name, wanted)
    with _zip_errors(f"{name}:{member.filename}"):
        stream = _Capped(archive.open(member), max_bytes, f"{name}:{member.filename}")
        return f"{name}:{member.filename}", stream.read()


# --- zip archives ---------------------------------------------------------------------------------


def _open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise SourceError(f"{name} ist kein vollständiges zip-Archiv; brach der Download ab?") from exc


def _choose_member(archive: zipfile.ZipFile, name: str, wanted: str) -> zipfile.ZipInfo:
    members = [m for m in archive.infolist() if not m.is_dir()]
    if not members:
        raise SourceError(f"{name} ist ein leeres zip-Archiv: es enthält keine CSV-Datei")
    csvs = [m for m in members if m.filename.lower().endswith(".csv")]
    for member in csvs:
        if member.filename.rsplit("/", 1)[-1].lower() == wanted.lower():
            return member
    if len(csvs) == 1:
        return csvs[0]
    found = ", ".join(m.filename for m in members[:10])
    expected = wanted or "eine CSV-Datei"
    raise SourceError(f"{name}: im zip-Archiv wurde {expected} erwartet, gefunden: {found}")


def _zip_lines(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, max_bytes: int) -> Iterator[str]:
    with _zip_errors(name), archive, archive.open(member) as stream:
        capped = _Capped(stream, max_bytes, name)
        head = capped.peek_head()
        yield from _lines(io.BufferedReader(capped, 1 << 20), head, name)


@contextmanager
def _zip_errors(name: str) -> Iterator[None]:
    """Turn a damaged archive (a broken deflate stream, a wrong CRC) into a message."""
    try:
        yield
    except _ZIP_ERRORS as exc:
        raise SourceError(f"{name} ist im zip-Archiv beschädigt ({exc}); "
                          "laden Sie es erneut herunter oder entpacken Sie es und geben Sie die CSV-Datei an") from exc


class _Capped(io.RawIOBase):
    """A stream that refuses to give more than ``limit`` bytes: the sizes in a zip header can lie."""

    def __init__(self, stream: BinaryIO, limit: int, name: str) -> None:
        self._stream, self._limit, self._name, self._count = stream, limit, name, 0
        self._head = b""

    def readable(self) -> bool:
        return True

    def peek_head(self) -> bytes:
        """The first bytes, read ahead and served again by the next reads."""
        self._head = self._stream.read(_HEAD)
        self._count = len(self._head)
        return self._head

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size], self._head = self._head[:size], self._head[size:]
            return size
        chunk = self._stream.read(len(buffer))
        self._count += len(chunk)
        if self._count > self._limit:
            raise SourceError(f"{self._name} ergibt entpackt mehr als {wording.number(self._limit)} Bytes "
                              f"(http.max_bytes); {wording.RAISE_LIMIT}")
        buffer[: len(chunk)] = chunk
        return len(chunk)


# --- encodings ------------------------------------------------------------------------------------


def _lines(stream: BinaryIO, head: bytes, name: str) -> Iterator[str]:
    """Check the head for UTF-16, binary data and a BOM; then decode the stream line by line."""
    if is_utf16(head):
        raise SourceError(utf16_message(name))
    if b"\x00" in head:
        raise SourceError(f"{name} enthält Binärdaten (NUL-Bytes); es ist keine CSV-Datei")
    bom = head.startswith(codecs.BOM_UTF8)
    if bom:
        stream.read(3)
    # Latin-1 maps each byte to one character, so lines split exactly where the bytes do.
    text = io.TextIOWrapper(stream, encoding="latin-1", newline="")  # type: ignore[arg-type]
    return _decoded(text, name, bom)


def is_utf16(head: bytes) -> bool:
    """True when the first bytes of a file are UTF-16 (a BOM, or every other byte NUL), as Excel's "Unicode-Text"."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    head = head[:512]
    return len(head) >= 4 and head.count(b"\x00") >= len(head) // 3


def utf16_message(name: str, how: str = "als CSV in UTF-8 oder Windows-1252") -> str:
    """The sentence for a UTF-16 file: ozgtrack reads UTF-8 (and CSV in Windows-1252), so it must be saved again."""
    return f"{name} ist in UTF-16 kodiert; speichern Sie die Datei {how} und {wording.TRY_AGAIN}"


def _decoded(lines: Iterable[str], name: str, bom: bool) -> Iterator[str]:
    """UTF-8 or Windows-1252, decided by the first line that is not ASCII; a file must not mix them.

    A line is UTF-8 when all its non-ASCII bytes are valid UTF-8 (in Windows-1252 German text
    that practically never happens by chance), else it is Windows-1252.
    """
    encoding, decided_on = ("utf-8", 0) if bom else (None, 0)
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            yield line
            continue
        raw = line.encode("latin-1")
        utf8 = _as_utf8(raw)
        if encoding is None:
            encoding, decided_on = ("utf-8" if utf8 is not None else "cp1252"), number
        if encoding == "utf-8" and utf8 is None:
            raise SourceError(_mixed(name, number, decided_on, bom))
        if encoding == "cp1252" and utf8 is not None:
            raise SourceError(_mixed(name, decided_on, number, False))
        yield utf8 if utf8 is not None else _as_cp1252(raw)


def _as_utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _as_cp1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # five byte values are undefined in cp1252; ISO-8859-1 maps every byte
        return raw.decode("latin-1")


def _mixed(name: str, bad: int, utf8_line: int, bom: bool) -> str:
    if bom:
        return (f"{name} beginnt mit einer UTF-8-Markierung, aber Zeile {bad} ist kein UTF-8 (Windows-1252?); "
                f"speichern Sie die ganze Datei als UTF-8 und {wording.TRY_AGAIN}")
    return (f"{name} mischt zwei Kodierungen: Zeile {utf8_line} ist UTF-8, Zeile {bad} aber nicht (Windows-1252?), "
            "sodass ihre Umlaute verstümmelt würden; speichern Sie die ganze Datei in einer Kodierung (UTF-8) und "
            f"{wording.TRY_AGAIN}")
