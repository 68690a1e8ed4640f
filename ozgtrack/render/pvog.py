"""PVOG evidence in German: the findings as table, JSON and CSV, the sync summary, and the report section."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ozgtrack.render import document as doc
from ozgtrack.wording import LEVEL, number, plural
from ozgtrack.render.common import dumps, shorten, table
from ozgtrack.render.document import Strong, para
from ozgtrack.render.excel import excel_csv, plain_csv
from ozgtrack.views.pvog import AcceptedChange, EvidenceRef, Finding, FindingKind, PvogResult, SyncResult

KIND = {FindingKind.QUICK_WIN: "Quick Win", FindingKind.NOT_REGISTERED: "nicht gemeldet",
        FindingKind.LINK: "Link weicht ab", FindingKind.LEVEL: "Zuständigkeit"}
FORMAT = {"suchdienst-csv": "PVOG-Suchdienst (CSV)", "suchdienst-json": "PVOG-Suchdienst (JSON)",
          "uebersicht": "PVOG-Übersicht je Kommune", "dashboard": "Dashboard Digitale Verwaltung"}
# The fields of a PVOG entry whose change a sync reports, and who registered it (ozgtrack.sources._evidence).
ENTRY_FIELD = {"service_name": "Leistung", "level": "Ebene", "title": "Onlinedienst", "url": "URL",
               "provider": "Anbieter", "active": "aktiv"}
ENTRY_LEVEL = {"bund": "Bund", "land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde"}
HEADERS = ["Befund", "LeiKa-Schlüssel", "Leistung", "Zuständigkeit (Stadt)", "Stand (Stadt)", "URL (Stadt)",
           "URL (PVOG)", "Onlinedienst (PVOG)", "Anbieter", "Vorschlag Zuständigkeit", "Datenstand", "Hinweis"]
LISTED = 15


def _day(value: datetime | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _note(finding: Finding) -> str:
    if finding.town_changed_at:
        return f"Stadt hat am {_day(finding.town_changed_at)} geändert (nach dem Datenstand)"
    return ""


def _cells(f: Finding) -> list[Any]:
    return [KIND[f.kind], f.key, f.name, LEVEL.get(f.town_level or "", f.town_level or "Information"),
            f.town_stage or "nicht bewertet", f.town_url or "", f.pvog_url or "", f.pvog_title or "",
            f.provider or "", LEVEL.get(f.pvog_level or "", ""), _day(f.evidence_date), _note(f)]


def evidence_line(ref: EvidenceRef) -> str:
    """``ARS 000000000000, PVOG-Suchdienst (CSV), Datenstand 20.01.2025, ars_000000000000.csv``."""
    return (f"ARS {ref.ars}, {FORMAT.get(ref.format, ref.format)}, Datenstand {_day(ref.as_of)}, {ref.origin} "
            f"(Einspielung {ref.release_id}, {plural(ref.entries, 'Eintrag', 'Einträge')}, davon "
            f"{number(ref.online)} mit Onlinedienst)")


def summary_lines(result: PvogResult) -> list[str]:
    counts = ", ".join(f"{KIND[k]}: {number(len(result.of(k)))}" for k in FindingKind)
    lines = [f"{result.municipality} ({result.ars}): eigene Leistungen online: {number(result.own_online)}, davon "
             f"mit Onlinedienst im PVOG: {number(result.own_online_registered)}; {counts}."]
    lines += [f"PVOG-Daten: {evidence_line(ref)}" for ref in result.evidence]
    if not result.own_ars_covered:
        lines.append(f"Keine PVOG-Daten für den ARS {result.ars} selbst: „nicht gemeldet“ wird erst mit "
                     f"`ozgtrack pvog sync --ars {result.ars}` geprüft.")
    return lines


def findings_table(result: PvogResult | None, width: int | None = None) -> str:
    if result is None:
        return "Keine PVOG-Daten für diese Kommune; zuerst `ozgtrack pvog sync` ausführen.\n"
    rows = [[KIND[f.kind], f.key, f.name, f.town_stage or "nicht bewertet", f.pvog_url or "", _who(f),
             _day(f.evidence_date)] for f in result.findings]
    head = "\n".join(summary_lines(result)) + "\n\n"
    return head + table(rows, ["Befund", "LeiKa-Schlüssel", "Leistung", "Stand (Stadt)", "URL (PVOG)",
                               "Anbieter/Vorschlag", "Datenstand"], width)


def _who(finding: Finding) -> str:
    if finding.kind is FindingKind.LEVEL:
        return f"{LEVEL.get(finding.town_level or '', '')} → {LEVEL.get(finding.pvog_level or '', '')}"
    return finding.provider or ""


def findings_json(result: PvogResult | None) -> str:
    if result is None:
        return dumps({"evidence": [], "findings": []})
    return dumps({"ars": result.ars, "municipality": result.municipality, "evidence": result.evidence,
                  "own_ars_covered": result.own_ars_covered, "own_applicable": result.own_applicable,
                  "own_online": result.own_online, "own_online_registered": result.own_online_registered,
                  "counts": {k.value: len(result.of(k)) for k in FindingKind}, "findings": result.findings})


def findings_csv(result: PvogResult | None) -> str:
    return plain_csv(HEADERS, [_cells(f) for f in (result.findings if result else ())])


def findings_excel(result: PvogResult | None) -> str:
    return excel_csv(HEADERS, [_cells(f) for f in (result.findings if result else ())])


# --- pvog sync and accept, for stderr and stdout -----------------------------------------------------


def sync_summary(result: SyncResult, shown: int = 20) -> str:
    """What a sync did, in German, for stderr: the release, its counts and the first changes."""
    ref = result.release
    what = f"PVOG-Daten für ARS {ref.ars} ({FORMAT.get(ref.format, ref.format)}) aus {ref.origin}"
    if result.unchanged_release is not None:
        return (f"{what}: unverändert seit Einspielung {result.unchanged_release}; nichts eingespielt "
                "(mit --force erneut einspielen).\n")
    counts = (f"{plural(result.added, 'Eintrag', 'Einträge')} neu, {number(result.removed)} entfernt, "
              f"{number(result.changed)} geändert; {plural(ref.entries, 'Eintrag', 'Einträge')}, davon "
              f"{number(ref.online)} mit Onlinedienst, "
              f"Datenstand {_day(ref.data_date) or 'unbekannt'}")
    if result.not_applicable:
        counts += f"; {number(result.not_applicable)} gelten nicht für diesen ARS und wurden ausgelassen"
    if result.invalid:
        counts += f"; {plural(result.invalid, 'ungültige Zeile', 'ungültige Zeilen')} übersprungen"
    head = (f"Probelauf, nichts gespeichert: {what} ergäbe {counts}." if result.dry_run else
            f"{what} als Einspielung {ref.release_id} gespeichert: {counts}.")
    if result.previous_id is None:
        head += " (Erste Einspielung für diesen ARS und dieses Format.)"
    lines = [head]
    word = {"added": "neu", "removed": "entfernt", "changed": "geändert"}
    for change in result.changes[:shown] if result.previous_id is not None else ():
        detail = "; ".join(f"{ENTRY_FIELD.get(k, k)}: {_value(k, v[0])} → {_value(k, v[1])}"
                           for k, v in change.fields.items())
        lines.append(f"  {word[change.kind]}: {change.leika_key} {change.name} ({change.url or 'ohne Onlinedienst'})"
                     + (f" – {detail}" if detail else ""))
    if result.previous_id is not None and len(result.changes) > shown:
        lines.append(f"  … und {number(len(result.changes) - shown)} weitere Änderungen")
    return "\n".join(lines) + "\n"


def _value(field: str, value: Any) -> str:
    """A field's value as a person reads it: ``ja``/``nein``, the level's name, ``–`` for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return ENTRY_LEVEL.get(value, value) if field == "level" else str(value)


def accepted_table(changes: list[AcceptedChange]) -> str:
    rows = [[KIND[c.kind], c.key, shorten(c.name, 50), c.change, c.skipped or ""] for c in changes]
    return table(rows, ["Befund", "LeiKa-Schlüssel", "Leistung", "Änderung", "ausgelassen, weil"])


# --- the section of the chapter and the weekly mail ----------------------------------------------------


def portalverbund(result: PvogResult | None) -> list[doc.Block]:
    """The section "Portalverbund (PVOG)"; nothing when no evidence was imported."""
    if result is None:
        return []
    dates = ", ".join(sorted({_day(e.as_of) for e in result.evidence}))
    services = "eigenen Leistung" if result.own_online == 1 else "eigenen Leistungen"
    verb = "hat" if result.own_online_registered == 1 else "haben"
    blocks: list[doc.Block] = [doc.Heading(3, "Portalverbund (PVOG)"), para(
        "Von ", Strong(f"{result.own_online}"), f" {services}, die die Stadt als online führt, {verb} ",
        Strong(f"{result.own_online_registered}"), " einen Onlinedienst im Portalverbund (PVOG) für ihren ARS "
        f"(Datenstand {dates}).")]
    if not result.own_ars_covered:
        blocks.append(para("Für den ARS der Stadt selbst liegen keine PVOG-Daten vor, nur für übergeordnete Ebenen; "
                           "ob eigene Onlinedienste gemeldet sind, ist daher nicht geprüft."))
    quick = result.of(FindingKind.QUICK_WIN)
    items = [(Strong(f"{KIND[k]}: {len(result.of(k))}"), f" – {text}") for k, text in (
        (FindingKind.QUICK_WIN, "eigene Leistungen ohne Online-Vermerk der Stadt, für die Bund, Land, Kreis oder "
                                "eine EfA-Lösung bereits einen Onlinedienst anbietet"),
        (FindingKind.NOT_REGISTERED, "von der Stadt als online geführt, aber ohne Onlinedienst im PVOG (für "
                                     "Bürgerinnen und Bürger in den Portalen nicht auffindbar)"),
        (FindingKind.LINK, "die Adresse der Stadt weicht von der im PVOG ab"),
        (FindingKind.LEVEL, "die Zuständigkeit im PVOG widerspricht der Einstufung der Stadt (Vorschlag)"))]
    blocks.append(doc.Bullets(tuple(items)))
    if quick:
        rows = tuple((f.key, f.name, f.provider or "", f.pvog_url or "") for f in quick[:LISTED])
        blocks.append(doc.Table(("LeiKa-Schlüssel", "Leistung", "Anbieter", "Onlinedienst"), rows))
        if len(quick) > LISTED:
            blocks.append(para(f"… und {number(len(quick) - LISTED)} weitere Quick Wins (`ozgtrack pvog diff`)."))
    blocks.append(para("Quellen: " + "; ".join(evidence_line(e) for e in result.evidence) + "."))
    return blocks
