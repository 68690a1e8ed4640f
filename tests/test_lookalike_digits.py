"""Keys, OZG-IDs, ARS and stages written in Unicode look-alike digits are refused with their line."""

from __future__ import annotations

import csv
import io
import pytest
from support.catalogue import leika_csv, leika_rows, read_flat
from support.cli import run
from support.db import connect, dump

# ９ fullwidth, ٩ Arabic-Indic, ९ Devanagari, 𝟗 mathematical bold: all pass str.isdigit() and int().
LOOKALIKES = {"fullwidth": 0xFF10, "arabic-indic": 0x0660, "devanagari": 0x0966, "math-bold": 0x1D7CE}


def spelt(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def keys_in(db) -> set[str]:
    connection = connect(db)
    try:
        return {k for (k,) in connection.execute("SELECT key FROM leika_service")}
    finally:
        connection.close()


def test_leika_keys_in_lookalike_digits_are_skipped_with_their_line(tmp_path, db, flat_csv):
    rows = leika_rows(read_flat(flat_csv))
    phantoms = [dict(rows[0], Schluessel=spelt(rows[0]["Schluessel"], zero)) for zero in LOOKALIKES.values()]
    path = tmp_path / "leika.csv"
    path.write_bytes(leika_csv(rows + phantoms, encoding="utf-8"))

    result = run("--db", str(db), "catalog", "sync", "--from", str(path))

    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "nur wie 0–9 aussieht" in line]
    assert [w.split(":")[1].strip() for w in warnings] == [f"Zeile {len(rows) + 2 + i}" for i in range(4)]
    assert "FULLWIDTH DIGIT" in warnings[0] and "MATHEMATICAL BOLD DIGIT" in warnings[3]
    assert keys_in(db) == {r["Schluessel"] for r in rows}


def test_ozg_rows_with_lookalike_key_or_id_do_not_become_services(tmp_path, db, flat_csv):
    flat = read_flat(flat_csv)
    model = next(r for r in flat if r["leika_schluessel"] == "99115005104000")
    extra = [dict(model, leika_schluessel=spelt(model["leika_schluessel"], 0xFF10)),
             dict(model, ozg_id=spelt(model["ozg_id"], 0x0660), leika_schluessel="99999999999999")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(flat[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat + extra)
    path = tmp_path / "ozg.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    result = run("--db", str(db), "catalog", "sync", "--from", str(path))

    assert result.exit_code == 0, result.stderr
    assert f"Zeile {len(flat) + 2}: der Schlüssel '９９１１５００５１０４０００' enthält die Ziffer '９'" in result.stderr
    assert f"Zeile {len(flat) + 3}: die OZG-ID '١٠١٢٤' enthält die Ziffer '١'" in result.stderr
    assert not {k for k in keys_in(db) if not k.isascii()} and "99999999999999" not in keys_in(db)


@pytest.mark.parametrize("zero", LOOKALIKES.values(), ids=LOOKALIKES)
def test_worksheet_stage_in_lookalike_digits_is_refused(town, tmp_path, zero):
    sheet = run("--db", str(town), "status", "export", "--undecided")
    assert sheet.exit_code == 0, sheet.stderr
    rows = list(csv.reader(io.StringIO(sheet.stdout.lstrip("\ufeff"), newline=""), delimiter=";"))
    rows[1][rows[0].index("Reifegrad")] = spelt("3", zero)
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    before = dump(town)

    result = run("--db", str(town), "status", "import", str(path), "--yes")

    assert result.exit_code == 1
    assert f"Fehler: Zeile 2: der Reifegrad „{spelt('3', zero)}“ enthält die Ziffer" in result.stderr
    assert dump(town) == before


def test_ars_list_with_lookalike_digits_names_the_line(tmp_path, db):
    path = tmp_path / "ars.csv"
    path.write_text("ars,bezeichnung\n150830565565,Wolmirstedt\n" + spelt("150830565566", 0x0966) + ",Schein\n",
                    encoding="utf-8")

    result = run("--db", str(db), "municipality", "import", str(path))

    assert "Zeile 3: der ARS '१५०८३०५६५५६६' enthält die Ziffer '१'" in result.stderr
