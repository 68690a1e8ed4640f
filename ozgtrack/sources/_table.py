"""CSV text to rows: delimiter detection, columns by name, quotes left open and rows that do not fit.

A quote that is opened and not closed makes the csv module read every following line break
and row into one cell, silently. Each record that spans several lines is therefore checked:
a line inside a cell that looks like a row of its own (all the columns, or a key in the key
column) or a file that ends inside a quote is refused with the line where the quote opened.
A note with a line break, as Excel writes it, passes.

A row with more or fewer cells than the header (a delimiter in a name without quotes, a cell
left out) would put its values under the wrong columns: it is given to the reader as a
:class:`Misfit`, a bad row the reader counts like any other.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from ozgtrack import wording
from ozgtrack.errors import SourceError
from ozgtrack.fields import control_problem
from ozgtrack.text import spelled_out

# A LeiKa key (14 digits) or an ARS (12) in the key column of a line inside a cell: a row swallowed.
_KEYISH_RE = re.compile(r"[0-9][0-9 ]{6,}[0-9]")
# Memory grows with the rows more than with the bytes (about 2 KB a row through the import), so the
# size limit alone does not bound it. The real catalogues have some thousands of rows, far fewer.
MAX_ROWS = 250_000


@dataclass(frozen=True)
class Column:
    """A column a reader wants, found by any of its names (compared after :func:`header_key`).

    ``key`` marks the natural key (LeiKa key, ARS): a line inside a cell that starts a row with
    a key there is taken for a row swallowed by an open quote.
    """

    field: str
    aliases: tuple[str, ...]
    required: bool = False
    key: bool = False
    label: str | None = None  # how the file heads the column, for messages (else the first alias)


def header_key(header: str) -> str:
    """``LeiKa-Schlüssel``, ``leika_schluessel`` and ``Leika Schluessel`` all become ``leikaschluessel``."""
    return re.sub(r"[^a-z0-9]", "", spelled_out(header.strip().lstrip("\ufeff")))


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the most frequent of ``;`` ``,`` tab and ``|``."""
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


@dataclass(frozen=True, slots=True)
class Misfit:
    """A row whose cells do not fit the header: its values would land under the wrong columns, so it is not read."""

    cells: int
    width: int  # cells in the header
    delimiter: str
    reason: str | None = None  # another reason the row cannot be read (a control character in a cell)

    def __str__(self) -> str:
        if self.reason:
            return self.reason
        sign = "„Tabulator“" if self.delimiter == "\t" else f"„{self.delimiter}“"
        why = (f"ein {sign} im Text ohne Anführungszeichen?" if self.cells > self.width
               else f"fehlt ein {sign} oder ist die Zeile abgeschnitten?")
        return (f"{wording.plural(self.cells, 'Zelle', 'Zellen')} statt {wording.number(self.width)} wie die "
                f"Kopfzeile ({why}); die Werte stünden in den falschen Spalten")


Row = dict[str, str] | Misfit  # a row's cells by field, or why the row cannot be read


@dataclass(frozen=True)
class Table:
    """Rows of a CSV file, each with the line number where it starts, as {field: text} (a :class:`Misfit` when its
    cells do not fit the header)."""

    name: str
    columns: dict[str, int]
    rows: Iterator[tuple[int, Row]]
    headers: dict[str, str] = field(default_factory=dict)  # field → the column's name as the file writes it

    def heading(self, column: str) -> str:
        """How the file heads the column of field ``column`` (for messages), else the field's name."""
        return self.headers.get(column) or column


def read_table(text: str | Iterable[str], name: str, columns: Sequence[Column], *,
               sheet_rows: bool = False) -> Table:
    """Open CSV text (a string or its lines with their line breaks), find ``columns`` by name, iterate rows.

    Rows are numbered by the line of the file where they start; with ``sheet_rows`` by the row a
    spreadsheet shows instead (a cell with a line break is still one row there), for worksheets.
    """
    lines = iter(io.StringIO(text, newline="") if isinstance(text, str) else text)
    first = next(lines, "")
    if not first:
        raise SourceError(f"{name} ist leer")
    tape = _Tape(chain([first], lines))
    delimiter = sniff_delimiter(first)
    reader = csv.reader(tape, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise SourceError(f"{name}: die Kopfzeile ist nicht lesbar ({exc})") from exc
    found = _find_columns(header, columns, name)
    key = next((found[c.field] for c in columns if c.key and c.field in found), None)
    shape = _Shape(name, delimiter, len(header), key, sheet_rows, tuple(h.strip().lstrip("\ufeff") for h in header))
    headers = {f: header[i].strip().lstrip("\ufeff") for f, i in found.items()}
    return Table(name, found, _rows(reader, tape, found, shape), headers)


def _find_columns(header: list[str], columns: Sequence[Column], name: str) -> dict[str, int]:
    positions = {header_key(h): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for column in columns:
        index = next((positions[a] for a in column.aliases if a in positions), None)
        if index is not None:
            found[column.field] = index
        elif column.required:
            shown = ", ".join(h.strip() for h in header[:12] if h.strip()) or "keine Namen"
            raise SourceError(
                f"in {name} fehlt die Spalte {column.label or column.aliases[0]!r} (die Kopfzeile hat: {shown}); "
                "ist das die richtige Datei für diese Quelle?"
            )
    return found


class _Tape:
    """The lines the csv reader took for its current record (it takes exactly one record's lines)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.taken: list[str] = []

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


@dataclass(frozen=True)
class _Shape:
    name: str
    delimiter: str
    width: int  # columns in the header
    key: int | None  # position of the key column
    sheet_rows: bool = False  # number rows as a spreadsheet shows them, not by line
    names: tuple[str, ...] = ()  # the header's cells, for messages


def _rows(reader, tape: _Tape, found: dict[str, int], shape: _Shape) -> Iterator[tuple[int, Row]]:  # noqa: ANN001
    fields, positions = list(found), list(found.values())
    line, last, count = reader.line_num + 1, ([], 0, []), 0
    while True:
        tape.taken = []
        try:
            row = next(reader)
        except StopIteration:
            _check_end(*last, shape)
            return
        except csv.Error as exc:
            raise SourceError(_broken(shape.name, line, exc)) from exc
        if len(tape.taken) > 1:
            _check_swallowed(row, line, shape)
        last = (row, line, tape.taken)
        count += 1
        if count > MAX_ROWS:
            raise SourceError(f"{shape.name} hat mehr als {wording.number(MAX_ROWS)} Zeilen; ein Katalog, eine Liste "
                              "oder ein Arbeitsblatt hat weit weniger: ist das die richtige Datei?")
        if "".join(row).strip():  # skip blank lines
            # The header is row 1; every record, blank ones too, is one spreadsheet row.
            yield (1 + count if shape.sheet_rows else line), _cells(row, fields, positions, shape)
        line = reader.line_num + 1


def _cells(row: list[str], fields: list[str], positions: list[int], shape: _Shape) -> Row:
    if len(row) != shape.width:
        return Misfit(len(row), shape.width, shape.delimiter)
    # Text as it is stored: composed (NFC), and without control characters, which are no data (a C1 byte is
    # mostly the rest of a file read in the wrong encoding): such a row is a bad row, named. A worksheet's cells
    # are checked field by field where they are written (ozgtrack.fields), which names the field.
    cells = [unicodedata.normalize("NFC", row[i].strip()) for i in positions]
    for index, cell in enumerate(() if shape.sheet_rows else cells):
        if problem := control_problem(cell):
            column = shape.names[positions[index]] or f"Nr. {positions[index] + 1}"
            return Misfit(len(row), shape.width, shape.delimiter, f"Spalte „{column}“ {problem}")
    return dict(zip(fields, cells, strict=True))


def _check_swallowed(row: list[str], line: int, shape: _Shape) -> None:
    """Refuse a cell that swallowed line breaks and a following row."""
    opened = line
    for cell in row:
        for offset, inner in enumerate(_inner_lines(cell), start=1):
            if _looks_like_row(inner, shape):
                raise SourceError(
                    f"{shape.name}, Zeile {opened}: ein hier geöffnetes Anführungszeichen (\") ist vor Zeile "
                    f"{opened + offset} nicht geschlossen, die wie eine eigene Zeile aussieht ({_preview(inner)}); "
                    f"schließen oder entfernen Sie das Anführungszeichen und {wording.TRY_AGAIN}")
        opened += _breaks(cell)


def _check_end(row: list[str], line: int, taken: list[str], shape: _Shape) -> None:
    """Refuse a file that ends inside a quote (its last cell took everything up to the end)."""
    if taken and '"' in "".join(taken) and _ends_inside_quote(taken, shape.delimiter):
        start = line + sum(_breaks(c) for c in row[:-1])
        raise SourceError(f"{shape.name}, Zeile {start}: ein hier geöffnetes Anführungszeichen (\") wird nie "
                          "geschlossen (die Datei endet darin); schließen oder entfernen Sie das Anführungszeichen "
                          f"und {wording.TRY_AGAIN}")


def _inner_lines(cell: str) -> list[str]:
    return cell.splitlines()[1:] if "\n" in cell or "\r" in cell else []


def _breaks(cell: str) -> int:
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


def _looks_like_row(text: str, shape: _Shape) -> bool:
    cells = next(csv.reader([text], delimiter=shape.delimiter), [])
    if shape.width > 1 and len(cells) >= shape.width:
        return True
    key = shape.key
    return key is not None and 1 < len(cells) and key < len(cells) and bool(_KEYISH_RE.fullmatch(cells[key].strip()))


def _ends_inside_quote(taken: list[str], delimiter: str) -> bool:
    try:
        for _ in csv.reader(taken, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _preview(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _broken(name: str, line: int, exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (f"{name}, Zeile {line}: eine Zelle läuft über mehr als {wording.number(csv.field_size_limit())} "
                "Zeichen; vermutlich ist ein Anführungszeichen (\") in oder nach dieser Zeile nicht geschlossen; "
                f"schließen oder entfernen Sie es und {wording.TRY_AGAIN}")
    return f"{name}, Zeile {line}: fehlerhaftes CSV ({exc})"
