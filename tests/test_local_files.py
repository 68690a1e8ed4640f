"""`catalog sync --from` with paths that are not catalogue files: devices, pipes, folders, loops, huge files."""

from __future__ import annotations

import os
import threading

import pytest
from support.catalogue import leika_csv
from support.cli import run
from support.db import dump

ROWS = [{"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "2/3"}]


@pytest.fixture
def before(tmp_path, db):
    first = tmp_path / "first.csv"
    first.write_bytes(leika_csv(ROWS))
    assert run("--db", str(db), "catalog", "sync", "--from", str(first)).exit_code == 0
    return dump(db)


def refused(db, path, before, *env: tuple[str, str]) -> str:
    result = run("--db", str(db), "catalog", "sync", "--from", str(path), env=dict(env))
    assert result.exit_code == 1
    assert dump(db) == before
    return result.stderr


def test_dev_zero_is_refused_without_reading_it(db, before):
    assert refused(db, "/dev/zero", before) == (
        "Fehler: /dev/zero ist keine gewöhnliche Datei (ein Gerät, eine Pipe oder ein Socket); speichern Sie "
        "den Inhalt als Datei und geben Sie diese an\n")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, db, before):
    fifo = tmp_path / "leika.csv"
    os.mkfifo(fifo)
    # Should the check fail, open() would wait for ever: a writer that comes late ends the test anyway.
    rescue = threading.Timer(10, lambda: open(fifo, "wb").close())
    rescue.start()
    try:
        stderr = refused(db, fifo, before)
    finally:
        rescue.cancel()
    assert stderr == (f"Fehler: {fifo} ist keine gewöhnliche Datei (ein Gerät, eine Pipe oder ein Socket); "
                      "speichern Sie den Inhalt als Datei und geben Sie diese an\n")


def test_a_folder_is_refused(tmp_path, db, before):
    assert refused(db, tmp_path, before) == (
        f"Fehler: {tmp_path} ist ein Ordner, keine Datei; geben Sie eine Datei darin an\n")


def test_a_symlink_loop_is_refused(tmp_path, db, before):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    assert refused(db, tmp_path / "a.csv", before) == (
        f"Fehler: {tmp_path / 'a.csv'} ist nicht lesbar: too many levels of symbolic links\n")


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, db, before):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.write(leika_csv(ROWS))
        f.truncate(5000)  # sparse: the size says it all
    assert refused(db, big, before, ("OZGTRACK_HTTP_MAX_BYTES", "4000")) == (
        f"Fehler: {big} hat 5.000 Bytes, mehr als die Grenze von 4.000 (http.max_bytes); erhöhen Sie die Grenze, "
        "wenn die Datei stimmt\n")


def test_the_default_limit_fits_the_real_catalogues():
    from ozgtrack.settings import HttpSettings
    from ozgtrack.sources._text import DEFAULT_MAX_BYTES

    # The real LeiKa export is tens of MB: the limit leaves room, and reader and download agree.
    assert HttpSettings().max_bytes == DEFAULT_MAX_BYTES == 128 * 2**20


def test_a_file_with_too_many_rows_is_refused(tmp_path, db, before):
    from ozgtrack.sources._table import MAX_ROWS

    # Tiny rows within the size limit would take gigabytes through the import (about 2 KB a row).
    huge = tmp_path / "rows.csv"
    huge.write_text("Schluessel;Bezeichnung\n" + "".join(f"99{n:012d};L\n" for n in range(MAX_ROWS + 1)))
    assert refused(db, huge, before) == (
        f"Fehler: {huge} hat mehr als 250.000 Zeilen; ein Katalog, eine Liste oder ein Arbeitsblatt hat weit "
        "weniger: ist das die richtige Datei?\n")


@pytest.mark.parametrize(("data", "message"), [
    (b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b', "offset": 0, "total_count": 1}',
     "ist 100.001 Ebenen tief verschachtelt, mehr als die Grenze von 64 (echte Antworten haben weniger als 15); ist das "
     "die richtige Datei?"),
    (b'{"items": [], "offset": 0, "total_count": ' + b"9" * 5000 + b"}",
     "enthält eine Zahl mit 5.000 Zeichen, mehr als die Grenze von 100 (Schlüssel und Zählungen haben höchstens 14 "
     "Ziffern); ist das die richtige Datei?"),
    ('{"items": [], "offset": 0, "total_count": 0}'.encode("utf-16"),
     "ist in UTF-16 kodiert; speichern Sie die Datei als CSV in UTF-8 oder Windows-1252 und versuchen Sie es erneut"),
], ids=["nested 100,000 deep", "a number of 5,000 digits", "UTF-16"])
def test_a_saved_fim_page_beyond_the_bounds_of_json_is_refused(tmp_path, db, before, data, message):
    page = tmp_path / "steckbriefe.json"
    page.write_bytes(data)
    assert refused(db, page, before) == f"Fehler: {page} {message}\n"
