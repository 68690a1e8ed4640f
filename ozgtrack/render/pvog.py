"""PVOG evidence in German: the findings as table, JSON and CSV, the sync summary, and the report section."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ozgtrack.cells import excel_csv, plain_csv
from ozgtrack.render import document as doc
from ozgtrack.render.common import dumps, shorten, table
from ozgtrack.render.document import Strong, para
from ozgtrack.text import printable
from ozgtrack.views.pvog import (
    AcceptedChange, EvidenceRef, Finding, FindingKind, PvogResult, ReleaseRow, SyncResult, Verdict,
)
from ozgtrack.wording import LEVEL, NOTHING_CHANGED, local_time, number, plural

KIND = {FindingKind.QUICK_WIN: "Quick Win", FindingKind.NOT_REGISTERED: "nicht gemeldet",
        FindingKind.LINK: "Link weicht ab", FindingKind.LEVEL: "Zuständigkeit"}
FORMAT = {"suchdienst-csv": "PVOG-Suchdienst (CSV)", "suchdienst-json": "PVOG-Suchdienst (JSON)",
          "uebersicht": "PVOG-Übersicht je Kommune", "dashboard": "Dashboard Digitale Verwaltung"}
# The fields of a PVOG entry whose change a sync reports, and who registered it (ozgtrack.sources._evidence).
ENTRY_FIELD = {"service_name": "Leistung", "level": "Ebene", "title": "Onlinedienst", "url": "URL",
               "provider": "Anbieter", "active": "aktiv"}
ENTRY_LEVEL = {"bund": "Bund", "land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde"}
HEADERS = ["Befund", "LeiKa-Schlüssel", "Leistung", "Zuständigkeit (Stadt)", "Stand (Stadt)", "URL (Stadt)",
           "URL (PVOG)", "Onlinedienst (PVOG)", "Anbieter", "Vorschlag Zuständigkeit", "Datenstand", "Prüfung",
           "Begründung", "Hinweis"]
UNREVIEWED = "Hinweis, ungeprüft"
LISTED = 15


def _day(value: datetime | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _note(finding: Finding) -> str:
    if finding.town_changed_at:
        return f"Stadt hat am {_day(finding.town_changed_at)} geändert (nach dem Datenstand)"
    return ""


def review_text(finding: Finding) -> str:
    """``Hinweis, ungeprüft`` until the town reviewed it; else its verdict with date and who."""
    if finding.review is None:
        return UNREVIEWED
    word = "bestätigt" if finding.review.verdict is Verdict.CONFIRMED else "verworfen"
    return f"{word} am {_day(finding.review.at)} von {finding.review.by}: {finding.review.reason}"


def _cells(f: Finding, kind: str | None = None) -> list[Any]:
    return [kind or KIND[f.kind], f.key, f.name, LEVEL.get(f.town_level or "", f.town_level or "Information"),
            f.town_stage or "nicht bewertet", f.town_url or "", f.pvog_url or "", f.pvog_title or "",
            f.provider or "", LEVEL.get(f.pvog_level or "", ""), _day(f.evidence_date), review_text(f),
            f.check or "", _note(f)]


def all_cells(result: PvogResult | None) -> list[list[Any]]:
    if result is None:
        return []
    return ([_cells(f) for f in result.findings] + [_cells(f, "nicht gleichwertig") for f in result.not_equivalent]
            + [_cells(f, f"{KIND[f.kind]} (verworfen)") for f in result.dismissed])


def ars_label(ref: EvidenceRef) -> str:
    """``ARS 150010000000 (Dessau-Roßlau, Stadt)``; the number alone where no name is known."""
    return f"ARS {ref.ars} ({ref.ars_name})" if ref.ars_name and ref.ars_name != ref.ars else f"ARS {ref.ars}"


def evidence_line(ref: EvidenceRef) -> str:
    """``ARS 000000000000, PVOG-Suchdienst (CSV), Datenstand 20.01.2025, ars_000000000000.csv``."""
    scope = "vollständige Liste" if ref.complete else "Auswahl"
    return (f"{ars_label(ref)}, {FORMAT.get(ref.format, ref.format)}, Datenstand {_day(ref.as_of)}, {ref.origin} "
            f"(Einspielung {ref.release_id}, {scope}, {_counted(ref)})")


def source_line(ref: EvidenceRef) -> str:
    """The evidence as the council reads it: ``ARS … , PVOG-Suchdienst (CSV), Datenstand 20.01.2025, vollständige
    Liste, …``; an address it was fetched from stays, a local file's name and the import number do not."""
    fetched = f", {ref.origin}" if ref.origin.startswith(("https://", "http://")) else ""
    scope = "vollständige Liste" if ref.complete else "Auswahl"
    return (f"{ars_label(ref)}, {FORMAT.get(ref.format, ref.format)}, Datenstand {_day(ref.as_of)}{fetched} "
            f"({scope}, {_counted(ref)})")


def _counted(ref: EvidenceRef) -> str:
    """``933 Einträge zu 911 Leistungen, davon 352 mit Onlinedienst``: an entry is a description × online service."""
    if not ref.services:
        return f"{plural(ref.entries, 'Eintrag', 'Einträge')}, davon {number(ref.online)} mit Onlinedienst"
    return (f"{plural(ref.entries, 'Eintrag', 'Einträge')} zu {plural(ref.services, 'Leistung', 'Leistungen')}, "
            f"davon {number(ref.services_online)} mit Onlinedienst")


def summary_lines(result: PvogResult) -> list[str]:
    counts = ", ".join(f"{KIND[k]}: " + ("nicht prüfbar" if k is FindingKind.NOT_REGISTERED and not
                                          result.own_ars_covered else number(len(result.of(k)))) for k in FindingKind)
    reviewed = sum(1 for f in result.findings if f.review is not None)
    lines = [f"{result.municipality} ({result.ars}): eigene Leistungen online: {number(result.own_online)}, davon "
             f"mit Onlinedienst in den PVOG-Daten: {number(result.own_online_registered)}; {counts}.",
             f"Befunde sind Hinweise, bis die Stadt sie prüft (`ozgtrack pvog review`): {number(reviewed)} von "
             f"{number(len(result.findings))} geprüft."]
    if result.not_equivalent:
        lines.append(f"Nicht als Quick Win gewertet: {number(len(result.not_equivalent))} Onlinedienste, die für die "
                     "eigene Leistung nicht gleichwertig sind (Liste unten).")
    if result.dismissed:
        lines.append(f"Von der Stadt verworfen: {plural(len(result.dismissed), 'Befund', 'Befunde')}.")
    lines += [f"PVOG-Daten: {evidence_line(ref)}" for ref in result.evidence]
    if not result.own_ars_covered:
        lines.append(f"Keine vollständige Liste für den ARS {result.ars} selbst: „nicht gemeldet“ wird erst mit "
                     f"`ozgtrack pvog sync --ars {result.ars}` geprüft.")
    return lines


def findings_table(result: PvogResult | None, width: int | None = None) -> str:
    if result is None:
        return "Keine PVOG-Daten für diese Kommune; zuerst `ozgtrack pvog sync` ausführen.\n"
    rows = [[KIND[f.kind], f.key, f.name, f.town_stage or "nicht bewertet", f.pvog_url or "", _who(f),
             _day(f.evidence_date), "ungeprüft" if f.review is None else "bestätigt"] for f in result.findings]
    head = "\n".join(summary_lines(result)) + "\n\n"
    text = head + table(rows, ["Befund", "LeiKa-Schlüssel", "Leistung", "Stand (Stadt)", "URL (PVOG)",
                               "Eintrag/Vorschlag", "Datenstand", "Prüfung"], width)
    if result.not_equivalent:
        rejected = [[f.key, f.name, f.pvog_url or "", f.check or ""] for f in result.not_equivalent]
        text += ("\nNicht als Quick Win gewertet (der Onlinedienst kann die eigene Leistung nicht ersetzen):\n"
                 + table(rejected, ["LeiKa-Schlüssel", "Leistung", "URL (PVOG)", "Begründung"], width))
    return text


def _who(finding: Finding) -> str:
    if finding.kind is FindingKind.LEVEL:
        return f"{LEVEL.get(finding.town_level or '', '')} → {LEVEL.get(finding.pvog_level or '', '')}"
    return entry_text(finding)


ENTRY_WORDS = {"bund": "Bund (bundesweit)", "land": "Land (landesweit)", "kreis": "Kreis", "gemeinde": "Kommune"}


def entry_text(finding: Finding) -> str:
    """Who registered the entry a finding rests on (``Land (landesweit)``), and ``EfA`` where the source says so.

    Not the "provider": the PVOG names who released the description, not who runs the online service.
    """
    text = ENTRY_WORDS.get(finding.entry_level or "", finding.entry_level or "")
    return f"{text}, EfA" if finding.provider == "EfA" and text else text


def findings_json(result: PvogResult | None) -> str:
    if result is None:
        return dumps({"evidence": [], "findings": []})
    return dumps({"ars": result.ars, "municipality": result.municipality, "evidence": result.evidence,
                  "own_ars_covered": result.own_ars_covered, "own_applicable": result.own_applicable,
                  "own_online": result.own_online, "own_online_registered": result.own_online_registered,
                  "counts": {k.value: len(result.of(k)) for k in FindingKind},
                  "reviewed": sum(1 for f in result.findings if f.review is not None), "findings": result.findings,
                  "not_equivalent": result.not_equivalent, "dismissed": result.dismissed})


def findings_csv(result: PvogResult | None) -> str:
    return plain_csv(HEADERS, all_cells(result))


def findings_excel(result: PvogResult | None) -> str:
    return excel_csv(HEADERS, all_cells(result))


# --- pvog releases and remove ------------------------------------------------------------------------


def _release_state(row: ReleaseRow) -> str:
    if row.withdrawn_at is None:
        return "gilt"
    return f"zurückgezogen am {_day(row.withdrawn_at)} von {row.withdrawn_by or 'unbekannt'}"


def releases_table(rows: list[ReleaseRow], width: int | None = None) -> str:
    cells = [[r.ref.release_id, r.ref.ars, r.ref.ars_name, FORMAT.get(r.ref.format, r.ref.format),
              "vollständig" if r.ref.complete else "Auswahl", r.ref.origin, _day(r.ref.data_date) or "unbekannt",
              f"{number(r.ref.entries)} zu {plural(r.ref.services, 'Leistung', 'Leistungen')} "
              f"({number(r.ref.services_online)} mit Onlinedienst)", local_time(r.ref.imported_at),
              r.imported_by or "unbekannt", _release_state(r)] for r in rows]
    if not cells:
        return "Noch keine PVOG-Daten eingespielt; `ozgtrack pvog sync` spielt sie ein.\n"
    return table(cells, ["Nr.", "ARS", "Name", "Format", "Liste", "Herkunft", "Datenstand", "Einträge",
                         "eingespielt", "von", "Stand"], width)


def releases_json(rows: list[ReleaseRow]) -> str:
    return dumps([{"id": r.ref.release_id, "ars": r.ref.ars, "name": r.ref.ars_name, "format": r.ref.format,
                   "complete": r.ref.complete, "origin": r.ref.origin, "sha256": r.ref.sha256,
                   "data_date": r.ref.data_date, "imported_at": r.ref.imported_at, "imported_by": r.imported_by,
                   "rows": r.ref.rows, "entries": r.ref.entries, "online": r.ref.online,
                   "services": r.ref.services, "services_online": r.ref.services_online, "invalid": r.invalid,
                   "not_applicable": r.not_applicable, "withdrawn_at": r.withdrawn_at,
                   "withdrawn_by": r.withdrawn_by} for r in rows])


def removal_text(row: ReleaseRow, before: tuple[str, dict[str, int]] | None,
                 after: tuple[str, dict[str, int]] | None, dry_run: bool) -> str:
    """What withdrawing a release does: the release, and the findings of the town in use before and after."""
    ref = row.ref
    lines = [f"Einspielung {ref.release_id}: {evidence_line(ref)}, eingespielt am {local_time(ref.imported_at)}."]
    if before and after:
        changed = [f"{KIND[FindingKind(k)]} {number(before[1][k])} → {number(after[1][k])}" for k in before[1]
                   if before[1][k] != after[1][k]]
        lines.append(f"Befunde für {before[0]}: " + ("; ".join(changed) if changed else "unverändert") + ".")
    if dry_run:
        lines.append(f"Probelauf: die Einspielung würde zurückgezogen; {NOTHING_CHANGED}.")
    return printable("\n".join(lines)) + "\n"  # the file's name, the name of its ARS


# --- pvog sync and accept, for stderr and stdout -----------------------------------------------------


def sync_summary(result: SyncResult, shown: int = 20) -> str:
    """What a sync did, in German, for stderr: the release, its counts and the first changes."""
    ref = result.release
    what = f"PVOG-Daten für {ars_label(ref)}, {FORMAT.get(ref.format, ref.format)}, aus {ref.origin}"
    if result.unchanged_release is not None:
        return (f"{what}: unverändert seit Einspielung {result.unchanged_release}; nichts eingespielt "
                "(mit --force erneut einspielen).\n")
    counts = (f"{plural(result.added, 'Eintrag', 'Einträge')} neu, {number(result.removed)} entfernt, "
              f"{number(result.changed)} geändert; {_counted(ref)}, Datenstand {_day(ref.data_date) or 'unbekannt'}")
    counts += "; vollständige Liste für diesen ARS" if ref.complete else \
        "; eine Auswahl (keine vollständige Liste: „nicht gemeldet“ wird daraus nie abgeleitet)"
    if result.not_applicable:
        counts += f"; {number(result.not_applicable)} für andere ARS der Datei ausgelassen (--ars)"
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
    return printable("\n".join(lines)) + "\n"  # names and addresses from the PVOG file


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
    """The section "Portalverbund (PVOG)"; nothing when no evidence was imported.

    Every finding the town has not reviewed is worded as a hint ("Hinweis, ungeprüft"), never as a fact about
    what citizens can find; a confirmed one is stated with the date of its review.
    """
    if result is None:
        return []
    dates = ", ".join(_day(d) for d in sorted({e.as_of.date() for e in result.evidence}))
    blocks: list[doc.Block] = [doc.Heading(3, "Portalverbund (PVOG)"), _registered(result, dates), para(
        Strong(f"{UNREVIEWED}:"), " Die folgenden Befunde ergeben sich aus dem Abgleich mit den PVOG-Daten. Sie sind "
        "Hinweise, bis die Stadt sie geprüft hat; erst ein bestätigter Befund ist eine Feststellung über das Angebot "
        "für Bürgerinnen und Bürger.")]
    blocks.append(doc.Bullets(tuple(_bullets(result))))
    quick = result.of(FindingKind.QUICK_WIN)
    if quick:
        rows = tuple((f.key, f.name, entry_text(f), f.pvog_url or "", "ungeprüft" if f.review is None else
                      "bestätigt") for f in quick[:LISTED])
        blocks.append(doc.Table(("LeiKa-Schlüssel", "Leistung", "Eintrag im PVOG", "Onlinedienst", "Prüfung"), rows))
        if len(quick) > LISTED:
            blocks.append(para(f"… und {number(len(quick) - LISTED)} weitere mögliche Quick Wins (die vollständige "
                               "Liste hat die IT-Koordination)."))
    if result.not_equivalent:
        shown = result.not_equivalent[:LISTED]
        named = "; ".join(f"{f.name} ({f.pvog_url})" for f in shown)
        more = f" und {number(len(result.not_equivalent) - len(shown))} weitere" if len(result.not_equivalent) > len(
            shown) else ""
        blocks.append(para(f"Nicht als Quick Win gewertet: Für {plural(len(result.not_equivalent), 'eigene Leistung', 'eigene Leistungen')} "
                           f"nennen die PVOG-Daten einen Onlinedienst, der die Leistung der Stadt nicht ersetzt: {named}"
                           f"{more}."))
    blocks.append(para("Quellen: " + "; ".join(source_line(e) for e in result.evidence) + "."))
    return blocks


def _registered(result: PvogResult, dates: str) -> doc.Block:
    """How many own online services the evidence shows registered; without a complete listing for the town's own
    ARS, that nothing is known of the others."""
    services = "eigenen Leistung" if result.own_online == 1 else "eigenen Leistungen"
    if result.own_ars_covered:
        verb = "hat" if result.own_online_registered == 1 else "haben"
        return para(f"Laut der vollständigen PVOG-Liste für den ARS der Stadt (Datenstand {dates}) {verb} ",
                    Strong(f"{result.own_online_registered}"), " von ", Strong(f"{result.own_online}"),
                    f" {services}, die die Stadt als online führt, einen Onlinedienst im Portalverbund.")
    return para(f"Für den ARS der Stadt selbst liegt keine vollständige PVOG-Liste vor, nur Daten übergeordneter Ebenen "
                f"oder eine Auswahl von Leistungen (Datenstand {dates}). Ob die ", Strong(f"{result.own_online}"),
                f" {services}, die die Stadt als online führt, im Portalverbund gemeldet sind, ist daher nicht geprüft; "
                "in diesen Daten findet sich für ", Strong(f"{result.own_online_registered}"), " davon ein Onlinedienst.")


_HINTS = {
    FindingKind.QUICK_WIN: ("Mögliche Quick Wins", "eigene Leistungen ohne Online-Vermerk der Stadt, für die die "
                            "PVOG-Daten einen Onlinedienst nennen, der sie ersetzen könnte; ob die Stadt an ihn "
                            "angebunden ist, ist zu prüfen"),
    FindingKind.NOT_REGISTERED: ("Möglicherweise nicht gemeldet", "von der Stadt als online geführt, in der "
                                 "vollständigen PVOG-Liste für ihren ARS aber ohne Onlinedienst; ob der Dienst im "
                                 "Zuständigkeitsfinder des Landes eingetragen ist, prüft die Stadt"),
    FindingKind.LINK: ("Link weicht ab", "die Adresse der Stadt weicht von der in den PVOG-Daten ab (verglichen nur, "
                                         "wo die PVOG-Daten einen Onlinedienst nennen)"),
    FindingKind.LEVEL: ("Zuständigkeit", "der PVOG-Eintrag stammt von einer anderen Ebene als der, die die Stadt "
                        "nach Regel oder eigener Entscheidung für zuständig hält; er sagt, wer ihn angelegt hat, nicht "
                        "sicher, wer die Leistung erbringt (ein Vorschlag)"),
}
_CONFIRMED = {
    FindingKind.QUICK_WIN: ("Quick Wins, geprüft", "ein gleichwertiger Onlinedienst steht bereit"),
    FindingKind.NOT_REGISTERED: ("Nicht im Portalverbund gemeldet, geprüft", "für Bürgerinnen und Bürger über die "
                                 "Portale nicht auffindbar"),
    FindingKind.LINK: ("Link weicht ab, geprüft", "die Adresse ist zu berichtigen"),
    FindingKind.LEVEL: ("Zuständigkeit, geprüft", "die Einstufung ist zu ändern"),
}


def _bullets(result: PvogResult) -> list[tuple[Any, ...]]:
    items = []
    for kind in FindingKind:
        found = result.of(kind)
        confirmed = [f for f in found if f.confirmed]
        label, text = _HINTS[kind]
        if kind is FindingKind.NOT_REGISTERED and not result.own_ars_covered:
            items.append((Strong(f"{label}: nicht prüfbar"), " – dafür fehlt eine vollständige PVOG-Liste für den ARS "
                                                               "der Stadt"))
            continue
        own = "" if kind is not FindingKind.LEVEL else \
            f"; {number(sum(1 for f in found if f.own_service))} davon zu eigenen Leistungen"
        items.append((Strong(f"{label}: {number(len(found) - len(confirmed))}"), f" ({UNREVIEWED}{own}) – {text}"))
        if confirmed:
            label, text = _CONFIRMED[kind]
            items.append((Strong(f"{label}: {number(len(confirmed))}"), f" – {text}"))
    if result.dismissed:
        items.append((Strong(f"Von der Stadt geprüft und verworfen: {number(len(result.dismissed))}"), ""))
    return items
