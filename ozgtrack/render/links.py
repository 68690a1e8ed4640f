"""Link checks as text: the run's table and JSON, the summary line, and the "Defekte Links" section of the reports."""

from __future__ import annotations

from ozgtrack.render import document as doc
from ozgtrack.render.common import dumps, table
from ozgtrack.render.document import Link, Strong, para
from ozgtrack.render.german import day, number
from ozgtrack.views.links import STATE_LABEL, BrokenLink, LinkCheckView, LinkReport, LinkRun, LinkState

LISTED = 15  # broken links named in the mail before "… and N more"


def run_table(run: LinkRun, width: int | None = None) -> str:
    """The links that are not ok, broken first: what someone has to look at."""
    shown = sorted((c for c in run.links if c.result.state is not LinkState.OK),
                   key=lambda c: (c.result.state is not LinkState.BROKEN, c.key))
    return table([[c.key, c.name, STATE_LABEL[c.result.state], c.result.http_status or "", c.url,
                   c.result.error or ""] for c in shown],
                 ["Schlüssel", "Leistung", "Befund", "HTTP", "Link", "Grund"], width)


def run_json(run: LinkRun) -> str:
    """Every link of the run, ok ones included (scripts filter themselves)."""
    return dumps(run)


def summary(run: LinkRun) -> str:
    """``47 Links geprüft: 40 in Ordnung, 3 kaputt, 4 nicht prüfbar.``"""
    total = len(run.links)
    counts = ", ".join(f"{number(run.count(s))} {STATE_LABEL[s]}" for s in LinkState)
    addresses = len({c.url for c in run.links})
    shared = f" ({number(addresses)} verschiedene Adressen)" if addresses != total else ""
    return f"{number(total)} {'Link' if total == 1 else 'Links'} geprüft{shared}: {counts}."


def check_text(check: LinkCheckView) -> str:
    """``kaputt: nicht gefunden (HTTP 404), geprüft am 25.11.2026`` for `status show`."""
    why = f": {check.error}" if check.error else ""
    moved = f", weitergeleitet nach {check.final_url}" if check.final_url else ""
    return f"{STATE_LABEL[check.state]}{why}{moved}, geprüft am {day(check.checked_at)}"


def chapter_blocks(links: LinkReport | None) -> list[doc.Block]:
    """The chapter's section: the broken links as a table; nothing when links were never checked."""
    if links is None:
        return []
    blocks: list[doc.Block] = [doc.Heading(3, "Defekte Links"), para(_intro(links))]
    if links.broken:
        rows = tuple((b.key, b.name, Link(b.url, b.url), _finding(b)) for b in links.broken)
        blocks.append(doc.Table(("LeiKa-Schlüssel", "Leistung", "Link", "Befund"), rows))
    return blocks


def mail_blocks(links: LinkReport | None, department: str | None = None) -> list[doc.Block]:
    """The weekly mail's section (only the Fachbereich's links in its own mail); nothing when never checked."""
    if links is None:
        return []
    broken = [b for b in links.broken if department is None or (b.department or "").casefold() == department.casefold()]
    heading = doc.Heading(3, "Defekte Links")
    if not broken:
        return [heading, para(f"Keine – die letzte Prüfung vom {day(links.last_checked_at)} fand keinen kaputten "
                              "Link.")]
    items = [(Strong(f"{b.name} ({b.key})"), ": ", Link(b.url, b.url), f" – {_finding(b)}") for b in broken[:LISTED]]
    if len(broken) > LISTED:
        items.append((f"… und {len(broken) - LISTED} weitere (die vollständige Liste hat die IT-Koordination)",))
    return [heading, doc.Bullets(tuple(items))]


def _intro(links: LinkReport) -> str:
    broken = len(links.broken)
    found = ("keiner davon ist kaputt" if not broken else
             f"{'einer' if broken == 1 else number(broken)} davon {'ist' if broken == 1 else 'sind'} kaputt")
    blocked = (f"; {number(links.unverifiable)} ließen sich nicht prüfen (Zugriff gesperrt, keine Antwort oder "
               "Serverfehler) und gelten nicht als defekt" if links.unverifiable else "")
    return (f"Die Online-Links von {number(links.checked)} {'Leistung' if links.checked == 1 else 'Leistungen'} "
            f"wurden zuletzt am {day(links.last_checked_at)} geprüft: {found}{blocked}.")


def _finding(link: BrokenLink) -> str:
    return f"{link.check.error or STATE_LABEL[link.check.state]}, geprüft am {day(link.check.checked_at)}"
