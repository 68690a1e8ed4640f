"""The page for citizens (`report online`): the town's online services in plain German, as HTML, Markdown, JSON, CSV.

Everything from the database is outside input: names and addresses go through the document model, which escapes
once; only http(s) addresses become links, in every format (a ``javascript:`` address stays text in HTML and Markdown
and is left out of JSON and CSV, where a web CMS would make a link of it).
"""

from __future__ import annotations

from typing import Any

from ozgtrack.cells import plain_csv
from ozgtrack.render import document as doc
from ozgtrack.render.common import dumps
from ozgtrack.render.document import Frame, Link, para, safe_url
from ozgtrack.render.german import day
from ozgtrack.views.citizens import CitizenService, CitizensPage
from ozgtrack.views.online import Account, Delivery, Payment, number_text

DEMO_MARK = "DEMO – erfundene Daten"
DEMO_NOTE = ("DEMO – erfundene Daten: Diese Seite ist ein Beispiel aus mitgelieferten Beispieldaten. Die "
             "Onlinedienste und Links sind erfunden und nicht die der Kommune.")
COLUMNS = ("Onlinedienst", "Wer ihn anbietet", "Was Sie brauchen")
CSV_COLUMNS = ("Lebensbereich", "Nummer", "Onlinedienst", "Link", "Wer ihn anbietet", "Umfang", "Nutzerkonto",
               "Bezahlung")
PARTLY = "Teilweise online: einen Teil erledigen Sie hier, den Rest auf Papier oder in der Verwaltung."
INFORMATION = "Nur Informationen online: das Anliegen selbst erledigen Sie noch auf Papier oder in der Verwaltung."
BUNDID_URL = "https://id.bund.de/"

# On paper a link cannot be clicked: its address is printed after it; the service column gets the most room. On a
# narrow screen each row becomes a card, its cells one below the other, each named by its column (for the eye:
# the table head stays there for screen readers).
CSS = """
main table { table-layout: fixed; }
main th:nth-child(1) { width: 36%; } main th:nth-child(2) { width: 28%; }
td { overflow-wrap: break-word; }
footer { margin-top: 2.5rem; border-top: 1px solid #bbb; }
@media screen and (max-width: 40rem) {
  main table, main tbody, main tr, main td { display: block; width: auto; }
  main thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  main tr { border: 1px solid #bbb; margin-bottom: 0.8rem; }
  main td { border: none; }
  main td:nth-child(2)::before { content: "COLUMN_2: "; font-weight: 600; }
  main td:nth-child(3)::before { content: "COLUMN_3: "; font-weight: 600; }
}
@media print {
  main a[href]::after { content: " (" attr(href) ")"; font-size: 8.5pt; overflow-wrap: anywhere; }
  footer { margin-top: 1.5rem; }
}
""".replace("COLUMN_2", COLUMNS[1]).replace("COLUMN_3", COLUMNS[2])


def title(page: CitizensPage) -> str:
    mark = f" ({DEMO_MARK})" if page.demo else ""
    return f"Onlinedienste – {page.municipality}{mark}"


def offered_by(service: CitizenService, page: CitizensPage) -> str:
    """Who offers the service, in plain words: the provider if recorded, and the kind of service."""
    land = f"Land {page.land}" if page.land else "Land"
    kind = {
        Delivery.EIGEN: page.municipality,
        Delivery.EFA: "ein Dienst „Einer für Alle“, den ein Bundesland für alle entwickelt hat",
        Delivery.LAND: land,
        Delivery.ZSA: f"{land}, gemeinsam für Städte und Gemeinden",
        Delivery.KREIS: page.kreis or "Landkreis",
        Delivery.ANBIETER: "ein Anbieter",
    }[service.delivery]
    provider = (service.provider or "").strip()
    if service.delivery is Delivery.ANBIETER and provider:
        return provider  # who it is, nothing more: a vendor or an authority of its own (the Bundesamt für Justiz)
    return kind if not provider or provider == kind else f"{provider} – {kind}"


def account_text(service: CitizenService, page: CitizensPage) -> str:
    land = f" {page.land}" if page.land else ""
    return {Account.BUNDID: "Sie melden sich mit der BundID an, dem Nutzerkonto des Bundes.",
            Account.SERVICEKONTO: f"Sie melden sich mit dem Servicekonto des Landes{land} an.",
            Account.KEINS: "Sie brauchen kein Nutzerkonto.", None: ""}[service.account]


def payment_text(service: CitizenService) -> str:
    # "Was zu zahlen ist": a fee or a tax; the register knows only whether something is paid, not what.
    return {Payment.EPAYBL: "Was zu zahlen ist, bezahlen Sie online.",
            Payment.ANDERES: "Was zu zahlen ist, bezahlen Sie online.",
            Payment.NICHT_NOETIG: "Der Dienst ist kostenfrei.",
            Payment.KEINS: "Was zu zahlen ist, bezahlen Sie nicht online, sondern auf anderem Weg.",
            None: ""}[service.payment]


def scope_text(service: CitizenService) -> str:
    """Whether the matter can be done online as a whole; a partly online service says so, and one that offers
    only information (stage 0 or 1) says that the matter itself is still done at the administration."""
    if service.complete is False:
        return INFORMATION if service.information_only else PARTLY
    return ""


def needs(service: CitizenService, page: CitizensPage) -> str:
    """What a citizen needs: the account, the payment; where neither is recorded, where to look. A service that is
    only partly online says so first."""
    said = " ".join(filter(None, (scope_text(service), account_text(service, page), payment_text(service))))
    return said or "Näheres steht im Onlinedienst."


def link(service: CitizenService) -> Link | str:
    """The service's name as the link to it; a name without a usable address says so."""
    url = safe_url(service.url) if service.url else None
    return Link(service.name, url) if url else f"{service.name} (noch ohne Link)"


def parts(page: CitizensPage) -> tuple[list[doc.Block], list[doc.Block], list[doc.Block]]:
    """The page's header, main part and footer."""
    demo = [doc.Notice(DEMO_NOTE)] if page.demo else []
    count = len(page.services)
    header: list[doc.Block] = [doc.Heading(1, title(page)), *demo]
    if count:
        partly = any(s.complete is False for s in page.services)
        header.append(para(
            ("Hier finden Sie die Onlinedienste der Verwaltung. Was nicht anders vermerkt ist, erledigen Sie ganz "
             "online, ohne ins Rathaus zu kommen; bei „teilweise online“ einen Teil, bei „nur Informationen "
             "online“ finden Sie online, was Sie wissen müssen." if partly else
             "Diese Anliegen können Sie online erledigen, ohne ins Rathaus zu kommen.") +
            " Die Dienste sind nach Lebensbereichen geordnet; zu jedem steht, wer ihn anbietet und was Sie dafür "
            "brauchen."))
    main = _areas(page) if count else _none(page)
    footer: list[doc.Block] = [
        para(f"Stand: {day(page.data_date)}. Herausgeber: {page.municipality}. "
             "Fehlt ein Dienst oder funktioniert ein Link nicht? Bitte sagen Sie es der Verwaltung."),
        *demo]
    return header, main, footer


def _areas(page: CitizensPage) -> list[doc.Block]:
    blocks: list[doc.Block] = []
    for area in page.areas:
        rows = tuple((link(s), offered_by(s, page), needs(s, page)) for s in area.services)
        blocks += [doc.Heading(2, area.name), doc.Table(COLUMNS, rows)]
    return blocks + _good_to_know(page)


def _good_to_know(page: CitizensPage) -> list[doc.Block]:
    """What the accounts are, for the accounts the page names."""
    accounts = {s.account for s in page.services}
    items: list[tuple[doc.Inline, ...]] = []
    if Account.BUNDID in accounts:
        items.append(("Die BundID ist das kostenlose Nutzerkonto des Bundes. Sie legen es einmal an und melden sich "
                      "damit bei vielen Onlinediensten an. ", Link("Mehr über die BundID", BUNDID_URL), "."))
    if Account.SERVICEKONTO in accounts:
        land = f" {page.land}" if page.land else ""
        items.append((f"Das Servicekonto ist das Nutzerkonto des Landes{land} für seine Onlinedienste.",))
    if not items:
        return []
    return [doc.Heading(2, "Gut zu wissen"), doc.Bullets(tuple(items))]


def _none(page: CitizensPage) -> list[doc.Block]:
    return [doc.Heading(2, "Noch keine Onlinedienste eingetragen"),
            para(f"Für {page.municipality} sind in dieser Übersicht noch keine Onlinedienste eingetragen. Ihre "
                 "Anliegen erledigen Sie bis dahin wie gewohnt bei der Verwaltung.")]


def render_html(page: CitizensPage) -> str:
    header, main, footer = parts(page)
    frame = Frame(running_head="Onlinedienste", header=tuple(header), footer=tuple(footer), css=CSS)
    return doc.to_html(main, title(page), frame)


def render_markdown(page: CitizensPage) -> str:
    header, main, footer = parts(page)
    return doc.to_markdown([*header, *main, *footer])


def _service_json(service: CitizenService, page: CitizensPage) -> dict[str, Any]:
    return {"number": number_text(service.number), "name": service.name,
            "url": safe_url(service.url) if service.url else None,
            "delivery": service.delivery, "provider": service.provider, "offered_by": offered_by(service, page),
            "complete": service.complete, "information_only": service.information_only, "account": service.account, "account_text": account_text(service, page),
            "payment": service.payment, "payment_text": payment_text(service), "needs": needs(service, page)}


def render_json(page: CitizensPage) -> str:
    return dumps({
        "municipality": {"ars": page.ars, "name": page.municipality}, "demo": page.demo, "data_date": page.data_date,
        "count": len(page.services),
        "areas": [{"lebensbereich": area.name, "services": [_service_json(s, page) for s in area.services]}
                  for area in page.areas],
    })


def _scope_cell(service: CitizenService) -> str:
    if service.complete is False and service.information_only:
        return "nur Informationen online"
    return {True: "vollständig online", False: "teilweise online", None: ""}[service.complete]


def render_csv(page: CitizensPage) -> str:
    """One row per Lebensbereich and online service (RFC 4180, UTF-8; cells that would start a formula neutralised);
    a demo town's rows say in a last column that they are invented."""
    demo = (DEMO_MARK,) if page.demo else ()
    rows = [(area.name, number_text(s.number), s.name, safe_url(s.url) if s.url else None, offered_by(s, page),
             _scope_cell(s), account_text(s, page), payment_text(s), *demo) for area in page.areas for s in area.services]
    return plain_csv([*CSV_COLUMNS, *(("Hinweis",) if demo else ())], rows)
