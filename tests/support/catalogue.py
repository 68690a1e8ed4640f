"""Catalogue files built from the real flat catalogue: LeiKa exports (CSV, ZIP) and FIM Portal API pages."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from support.http import Reply, Seen

LEIKA_HEADER = ["Schluessel", "Bezeichnung", "Bezeichnung2", "Typ", "Leistungsgruppierung", "Leistungskennung",
                "Verrichtung", "Verrichtungsdetail", "Besondere Merkmale", "Synonyme", "Veröffentlichungsdatum",
                "Handlungsgrundlage"]


def read_flat(path: Path) -> list[dict[str, str]]:
    """The rows of the flat OZG catalogue."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def leika_rows(flat: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """One LeiKa row per distinct 14-digit key of the flat catalogue, in the export's column names."""
    rows, seen = [], set()
    for row in flat:
        key = row["leika_schluessel"]
        if not key.isdigit() or key in seen:
            continue
        seen.add(key)
        rows.append({"Schluessel": key, "Bezeichnung": row["leika_bezeichnung"], "Bezeichnung2": "",
                     "Typ": row["leika_typ"], "Leistungsgruppierung": key[2:5], "Leistungskennung": key[5:8],
                     "Verrichtung": key[8:11], "Verrichtungsdetail": key[11:14], "Besondere Merkmale": "",
                     "Synonyme": "", "Veröffentlichungsdatum": "01.08.2021 10:00",
                     "Handlungsgrundlage": row["rechtsgrundlage"]})
    return rows


def leika_csv(rows: list[dict[str, str]], encoding: str = "cp1252", delimiter: str = ";",
              header: list[str] | None = None) -> bytes:
    """A LeiKa export as the official download has it: cp1252, ``;``, CRLF."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or LEIKA_HEADER, delimiter=delimiter, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def leika_zip(rows: list[dict[str, str]], **options: Any) -> bytes:
    """``leika_leistungen_de.csv.zip`` holding :func:`leika_csv`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leika_leistungen_de.csv", leika_csv(rows, **options))
    return out.getvalue()


FIM_THEMENFELDER = {"Arbeit & Ruhestand": "arbeit_ruhestand", "Bauen & Wohnen": "bauen_wohnen", "Bildung": "bildung",
                    "Ein- & Auswanderung": "ein_auswanderung", "Engagement & Hobby": "engagement_hobby",
                    "Familie & Kind": "familie_kind", "Forschung & Förderung": "forschung_foerderung",
                    "Gesundheit": "gesundheit", "Mobilität & Reisen": "mobilitaet_reisen",
                    "Querschnitt": "querschnittsleistungen", "Recht & Ordnung": "recht_ordnung",
                    "Steuern & Zoll": "steuern_zoll", "Umwelt": "umwelt",
                    "Unternehmensführung & -entwicklung": "unternehmensfuehrung_entwicklung"}


def fim_items(flat: Iterable[dict[str, str]], changed: str = "2021-08-01T10:00:00Z") -> list[dict[str, Any]]:
    """Leistungssteckbriefe as the FIM Portal API returns them, one per key, with its ``ozg[]`` mapping."""
    items: dict[str, dict[str, Any]] = {}
    for row in flat:
        key = row["leika_schluessel"]
        if not key.isdigit():
            continue
        item = items.setdefault(key, {
            "leistungsschluessel": key, "leistungsbezeichnung": row["leika_bezeichnung"],
            "leistungsbezeichnung_2": None, "typisierung": [t.strip() for t in row["leika_typ"].split(",") if t.strip()],
            "title": row["leika_bezeichnung"], "geaendert_datum_zeit": changed, "klassifizierung": [], "ozg": [],
        })
        item["ozg"].append({"leistungsschluessel": key, "id": row["ozg_id"], "leistung": row["ozg_leistung"],
                            "themenfeld": FIM_THEMENFELDER[row["themenfeld"].strip()],
                            "themenfeld_label": row["themenfeld"].strip(), "vollzugsbehoerden": []})
    return list(items.values())


def fim_route(items: list[dict[str, Any]], since_items: list[dict[str, Any]] | None = None) -> Callable[[Seen], Reply]:
    """Serve items in pages of ``limit`` at ``offset``; with ``updated_since`` serve ``since_items``."""

    def reply(seen: Seen) -> Reply:
        offset = int(seen.query.get("offset", ["0"])[0])
        limit = int(seen.query.get("limit", ["200"])[0])
        chosen = since_items if "updated_since" in seen.query and since_items is not None else items
        page = chosen[offset: offset + limit]
        body = {"items": page, "offset": offset, "limit": limit, "count": len(page), "total_count": len(chosen)}
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return reply
