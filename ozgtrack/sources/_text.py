"""Shared reading of CSV exports: zip unpacking, encoding and delimiter detection, columns by name."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ozgtrack.errors import SourceError

DEFAULT_MAX_BYTES = 512 * 2**20
_HTML_RE = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


def looks_like_html(data: bytes) -> bool:
    """True when ``data`` is an HTML page (a login or error page where a file was expected)."""
    return bool(_HTML_RE.match(data[:1024].lstrip(codecs.BOM_UTF8)))


def unpack(data: bytes, name: str, wanted: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    """Return (member name, bytes) of the CSV inside a zip, or ``(name, data)`` when it is no zip.

    ``wanted`` is the preferred member's file name; otherwise the only ``.csv`` member is taken.
    """
    if not data.startswith(b"PK\x03\x04"):
        return name, data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = _choose_member(archive, name, wanted)
            return f"{name}:{member.filename}", _read_member(archive, member, name, max_bytes)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise SourceError(f"{name} is not a complete zip archive ({exc}); was the download cut off?") from exc


def _choose_member(archive: zipfile.ZipFile, name: str, wanted: str) -> zipfile.ZipInfo:
    csvs = [m for m in archive.infolist() if m.filename.lower().endswith(".csv") and not m.is_dir()]
    for member in csvs:
        if member.filename.rsplit("/", 1)[-1].lower() == wanted.lower():
            return member
    if len(csvs) == 1:
        return csvs[0]
    found = ", ".join(m.filename for m in archive.infolist()) or "nothing"
    raise SourceError(f"{name}: expected {wanted} inside the zip archive, found {found}")


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, max_bytes: int) -> bytes:
    # Read in chunks: the size in the zip header can lie (zip bombs).
    if member.file_size > max_bytes:
        raise SourceError(f"{name}: {member.filename} unpacks to {member.file_size} bytes, over the limit of {max_bytes}")
    out = io.BytesIO()
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
            if out.tell() > max_bytes:
                raise SourceError(f"{name}: {member.filename} unpacks to more than {max_bytes} bytes")
    return out.getvalue()


def decode_text(data: bytes, name: str) -> str:
    """Decode a CSV export: UTF-8 with or without BOM, else Windows-1252 (what Excel writes).

    UTF-16 and binary data are refused with a message, not guessed at.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_like_utf16(data):
        raise SourceError(f"{name} is UTF-16 encoded; save it as CSV in UTF-8 or Windows-1252 and try again")
    if b"\x00" in data[:65536]:
        raise SourceError(f"{name} contains binary data (NUL bytes); it is not a CSV file")
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[3:], name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five byte values are undefined in cp1252; ISO-8859-1 maps every byte.
        return data.decode("latin-1")


def _looks_like_utf16(data: bytes) -> bool:
    head = data[:512]
    return len(head) >= 4 and head.count(b"\x00") >= len(head) // 3


def _decode_utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name} starts with a UTF-8 mark but byte {exc.start + 3} is not UTF-8") from exc


@dataclass(frozen=True)
class Column:
    """A column a reader wants, found by any of its names (compared after :func:`header_key`)."""

    field: str
    aliases: tuple[str, ...]
    required: bool = False


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def header_key(header: str) -> str:
    """``LeiKa-Schlüssel``, ``leika_schluessel`` and ``Leika Schluessel`` all become ``leikaschluessel``."""
    return re.sub(r"[^a-z0-9]", "", header.strip().lstrip("\ufeff").casefold().translate(_UMLAUTS))


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the most frequent of ``;`` ``,`` tab and ``|``."""
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


@dataclass(frozen=True)
class Table:
    """Rows of a CSV file, each with the line number where it starts, as {field: text}."""

    name: str
    columns: dict[str, int]
    rows: Iterator[tuple[int, dict[str, str]]]


def read_table(text: str, name: str, columns: Sequence[Column]) -> Table:
    """Open CSV text, find ``columns`` in its header by name, and iterate its rows."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(f"{name} is empty") from None
    except csv.Error as exc:
        raise SourceError(f"{name}: cannot read the header line ({exc})") from exc
    found = _find_columns(header, columns, name)
    return Table(name, found, _rows(reader, found, name))


def _find_columns(header: list[str], columns: Sequence[Column], name: str) -> dict[str, int]:
    positions = {header_key(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for column in columns:
        index = next((positions[a] for a in column.aliases if a in positions), None)
        if index is not None:
            found[column.field] = index
        elif column.required:
            shown = ", ".join(h.strip() for h in header[:12] if h.strip()) or "no names"
            raise SourceError(
                f"column {column.aliases[0]!r} missing in {name} (header has: {shown}); "
                "is this the right file for this source?"
            )
    return found


def _rows(reader, found: dict[str, int], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    fields, positions = list(found), list(found.values())
    width = max(positions, default=-1) + 1
    line = reader.line_num + 1
    try:
        for row in reader:
            if "".join(row).strip():  # skip blank lines
                if len(row) < width:
                    row += [""] * (width - len(row))
                yield line, dict(zip(fields, [row[i].strip() for i in positions], strict=True))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(f"{name}, line {line}: broken CSV ({exc})") from exc
