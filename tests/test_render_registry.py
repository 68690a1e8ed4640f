"""The registry of output formats per view: complete, every renderer runs, the CLI offers exactly its formats."""

from datetime import date, datetime

import click
import pytest

from ozgtrack.cli import COMMANDS, cli
from ozgtrack.records import ChangeKind
from ozgtrack.render.gaps import RENDERERS
from ozgtrack.render.registry import DOCUMENTS, FORMATS, formats, render, renderer
from ozgtrack.values import Level
from ozgtrack.views.blockers import (
    BlockedService, BlockerReport, BlockerView, Cause, LegalGroup, MeasureRef, Origin,
)
from ozgtrack.views.catalog import (
    DiffEntry, DiffView, HistoryEntry, Membership as CatalogueMembership, OzgHit, ReleaseView, SearchHit, SearchResult,
    ServiceView,
)
from ozgtrack.views.citizens import CitizenArea, CitizenService, CitizensPage
from ozgtrack.views.links import CheckedLink, LinkResult, LinkRun, LinkState
from ozgtrack.views.online import (
    Account, BlockerCode, CoveredService, Delivery, Intake, OnlineDetail, OnlineEntryView, OnlineServiceView, Payment,
    Reply,
)
from ozgtrack.views.plan import EntryView, MeasureView, ProposalView
from ozgtrack.views.priorities import Priority, ScorePart
from ozgtrack.views.pvog import EvidenceRef, Finding, FindingKind, PvogResult, ReleaseRow
from ozgtrack.views.reliability import Dated, Reliability
from ozgtrack.views.results import (
    Applicability, BaselineView, Category, GapAnalysis, GapReport, GroupBy, GroupRow, Membership, ModelUse, ReleaseRef,
    ServiceGap, Targets, Trend, ozg_counts, tally,
)
from ozgtrack.views.rollup import (
    RollupBy, RollupResult, Scope, TaskScope, Thresholds, TownFigures, UnitFigures, definitions,
)
from ozgtrack.views.stages import (
    Compared, MeasureSnapshot, PlanComparison, PlanVersionView, ProgressReport, Stage, TargetPoint, VersionEntry,
)
from ozgtrack.views.tracking import (
    Assignment, HistoryView, MunicipalityView, Orphan, RuleFileView, RuleMatch, RulesView, StatusView, TriageDetail,
    Waiting,
)


AT = datetime(2026, 11, 25, 8, 30)
RELEASE = ReleaseView(2, "ozg", "ozg.csv", "ab" * 32, AT, None, None, 10, 8, 3, 0, 1, 1, 0, 0, 7)
GAP = ServiceGap(1, "99115005104000", "Anmeldung", "gemeinde", Applicability.APPLICABLE, Category.OFFLINE, "rgm1",
                 2, "2027-Q2", "FB 2", "https://example.org/a", date(2025, 1, 15),
                 (Membership("10124", "Meldebestätigung", "Umzug", "Familie & Kind", "Familie"),))
COUNTS = tally([GAP])
ANALYSIS = GapAnalysis(
    ars="150830565565", municipality="Wolmirstedt", data_date=AT, today=date(2026, 11, 25),
    catalogue=(ReleaseRef(2, "ozg", AT, None),), targets=Targets(), default_model="rgm1",
    rules_origin="rules.toml", lebensbereiche_origin="lebensbereiche.toml", totals=COUNTS, out_of_scope=0,
    models=(ModelUse("rgm1", "Reifegradmodell 1.1", 3, 1, 0),), services=(GAP,),
    groups={g: (GroupRow("Familie", "Familie", None, COUNTS),) for g in GroupBy if g is not GroupBy.SERVICE},
    ozg=ozg_counts([GAP]), stale_months=12, stale=(GAP,),
    reliability=Reliability(1, 1, 1, 1, 0, Dated("150830000000", AT, AT), (Dated("ozg", None, AT),), date(2026, 11, 25)),
)
BASELINE = BaselineView("IST-2026", AT, "Test", 1, 1, 1.0)
REPORT = GapReport(ANALYSIS, GroupBy.LEBENSBEREICH, Trend("IST-2026", AT, COUNTS, (), (GAP,), (), (), ()),
                   (BASELINE,))
STATUS = StatusView("99115005104000", "Anmeldung", "gemeinde", True, "Meldebehörde", "rgm1", 2, None, None, None,
                    "FB 2", None, "2027-Q2", None, None, None, AT, "Test", False, ("10124",))
SERVICE = ServiceView("99115005104000", "Anmeldung", None, "leistung", "5", ("5",), "99115", "005", "104", (), (),
                      None, None, 1, 2, None, None, {"leika": True}, (CatalogueMembership(
                          "10124", "Meldebestätigung", "Umzug", "Familie & Kind", ("ozg",), False),),
                      (HistoryEntry(1, "leika", AT, ChangeKind.ADDED, None),))

PVOG_REF = EvidenceRef(1, "000000000000", "suchdienst-csv", "ars.csv", "ab" * 32, AT, AT, 3, 3, 1)
PVOG = PvogResult("150830565565", "Wolmirstedt", (PVOG_REF,), False, 1, 1, 0, (Finding(
    FindingKind.QUICK_WIN, "99115005104000", "Anmeldung", "gemeinde", None, None, "https://example.org/a", "Dienst",
    "Land", None, None, 1, AT),))

# One small value per view; a new view needs one here.
MEASURE = MeasureView("M-001", "Online-Terminvergabe", "Bürgerservice & Dokumente", ("99115005104000",), "FB 2",
                      "Zukunftswerkstatt", ("I-0123456789",), None, "2027-Q1", "2027", "beschlossen", 20, 1, 12000,
                      "Eigenmittel", AT, "Test", date(2026, 11, 25),
                      (EntryView(AT, "Test", {"state": ["vorgeschlagen", "beschlossen"]}, "Ausschreibung", None),))
ROLLUP = RollupResult(
    "Kreis 15083", Scope(kreis="15083"), RollupBy.SERVICE, AT, Targets(), Thresholds(), ("Sachsen-Anhalt",),
    (TownFigures("150830565565", "Wolmirstedt", "15", TaskScope.GEMEINDE, "kreisangehörige Gemeinde (verbandsfrei)",
                 10, 0, 6, 4, 2, 1, 1, 0, 4, 2, True, None, 1, 1),),
    (UnitFigures("99115005104000", "Anmeldung", None, 1, 1, 1, 1, 1, 1, 1, 1),), definitions(Targets(), Thresholds()),
    Reliability(4, 4, 2, 10, 0, None, (Dated("ozg", None, AT),), date(2026, 11, 25), towns=1, towns_with_evidence=0))
SNAPSHOT = MeasureSnapshot(1, "M-001", "Online-Terminvergabe", "Bürgerservice & Dokumente", "beschlossen", 20, 1,
                           12000, ("99115005104000",), "2027-Q1", "2027")
VERSION = PlanVersionView("Entwurf 2027-2030", 2027, 2030, 5, "beschlossen", AT, "Test", date(2027, 3, 12), "Test",
                          "Beschluss des Stadtrats vom 12.03.2027", (Stage(1, 2027, None, True, "eigener Termin",
                                                                           SNAPSHOT),),
                          (VersionEntry(AT, "Test", "adopt", {"state": ["Entwurf", "beschlossen"]}, "Beschluss"),))
PROGRESS = ProgressReport("Wolmirstedt", "150830565565", False, 2027, AT, PlanComparison(VERSION, AT, (
    Compared("M-001", "Online-Terminvergabe", None, 2027, None, SNAPSHOT, SNAPSHOT, 2027, False, False, False, False),)),
    (TargetPoint(2027, None, 40, 35.5),))
ONLINE = OnlineServiceView(3, "Wohnsitz anmelden", "https://wohnsitz.example.de", Delivery.EFA, "Dataport", "rgm2", 3,
                           "FB 2", date(2025, 3, 31), Account.BUNDID, Payment.NICHT_NOETIG, Reply.POSTFACH,
                           Intake.FIT_CONNECT, "VOIS", "2025-01-15", None, 2, AT, "Test", None,
                           (CoveredService("99115005104000", "Anmeldung", True, 3, False),
                            CoveredService("99036008007000", "Zulassung", False, None, False)))
ONLINE_ENTRY = OnlineEntryView(AT, "Test", "add", {"stage": [None, 3], "covers": {"added": ["99115005104000"],
                                                                                   "removed": []}}, None)
EPAYMENT = BlockerView(BlockerCode.EPAYMENT, "ePayment fehlt", Origin.DERIVED, source="O-003 Hundesteuer")
BLOCKERS = BlockerReport(
    "Wolmirstedt", "150830565565", AT, 3,
    (Cause(BlockerCode.EPAYMENT, "ePayment fehlt", "Gebühr, aber keine Online-Zahlung.", "ePayBL einführen.",
           (BlockedService("99102013010000", "Hundesteuer Befreiung", ("10160",), EPAYMENT, ("M-001",)),),
           (MeasureRef("M-001", "ePayBL anbinden", "beschlossen", BlockerCode.EPAYMENT, ()),)),),
    (LegalGroup("Personalausweis: Ausstellung", "§ 9 Abs. 1 PAuswG", "Persönlich erscheinen.", (BlockedService(
        "99008001012000", "Personalausweis Ausstellung", ("10119",),
        BlockerView(BlockerCode.RECHTSLAGE, "Rechtslage", Origin.LAW, "Personalausweis", source="§ 9 PAuswG")),)),),
    (("99115005104000", "Wohnsitz Anmeldung"),), "blockers.toml")
SAMPLES = {
    "online list": [ONLINE],
    "online show": OnlineDetail(ONLINE, (ONLINE_ENTRY,)),
    "online history": [ONLINE_ENTRY],
    "catalog diff": DiffView(RELEASE, {k: [DiffEntry("99115005104000", "Anmeldung", {"name": ["A", "B"]})]
                                       for k in ChangeKind}, {k: [] for k in ChangeKind}),
    "catalog releases": [RELEASE],
    "catalog show": SERVICE,
    "catalog search": SearchResult([OzgHit("10124", "Meldebestätigung", "Familie & Kind", "Umzug", 2, False)],
                                   [SearchHit("99115005104000", "Anmeldung", "5", False, ("10124",))]),
    "municipality list": [MunicipalityView("150830565565", "15083565", "Wolmirstedt, Stadt", None, "15",
                                           "150830000000")],
    "triage list": [Assignment(1, "99115005104000", "Anmeldung", "5", Level.GEMEINDE, False, "rule", None, None,
                               False)],
    "triage show": TriageDetail("99115005104000", "Anmeldung", "2/3", "gemeinde", "decision", "Meldebehörde",
                                RuleMatch(Level.UNKLAR, "Regel: Typisierung 2/3", "triage_rules.toml", "allgemein"),
                                {"key": "99115005104000", "by": "Test", "at": AT, "reason": "Meldebehörde"}),
    "triage rules": RulesView("Wolmirstedt, Stadt", "150830565565", (RuleFileView("allgemein", "triage_rules.toml", "", 21),),
                              ("Kreisfreie Stadt.",), {"triage_rules.toml": {"gemeinde": 1, "unklar": 2}},
                              {"gemeinde": 1, "unklar": 2}),
    "status show": [STATUS],
    "status list": [STATUS],
    "status history": [HistoryView(AT, "Test", "status", {"stage": [None, 2]}, None)],
    "status check-links": LinkRun("150830565565", "Wolmirstedt", AT, (CheckedLink(
        "99115005104000", "Anmeldung", "FB 2", "https://example.org/a",
        LinkResult("https://example.org/a", LinkState.BROKEN, 404, None, 0, "nicht gefunden (HTTP 404)")),), True),
    "status orphans": [Orphan("99115005104000", "Anmeldung", 2, AT, 2, "rgm1", "FB 2", "gemeinde")],
    "report gaps": REPORT,
    "report chapter": REPORT,
    "report blockers": BLOCKERS,
    "report baselines": [BASELINE],
    "report rollup": ROLLUP,
    "pvog diff": PVOG,
    "pvog releases": [ReleaseRow(PVOG.evidence[0], 0, 0, "Test", AT, "Test")],
    "plan proposals list": [ProposalView("I-0123456789", "Rufbus online bestellen", None, "Mobilität", "Farsleben", 17,
                                         "Zukunftswerkstatt", date(2026, 3, 1))],
    "plan measure list": [MEASURE],
    "plan measure show": [MEASURE],
    "plan priorities": [Priority(1, "99115005104000", "Wohnsitz Anmeldung", 4.6, (
        ScorePart("cases", 1.0, 3.0, 3.0, "1.240 Fälle 2025"), ScorePart("effort", 0.4, 1.0, -0.4, "4.000 € (M-001)")))],
    "plan build": VERSION,
    "plan version show": VERSION,
    "plan versions": [VERSION],
    "report progress": PROGRESS,
    "report online": CitizensPage("150830565565", "Stadt Wolmirstedt", "Sachsen-Anhalt", "Landkreis Börde", False, AT, (
        CitizenArea("Bürgerservice & Dokumente", (CitizenService(1, "Wohnsitz anmelden", "https://example.org/w",
                                                                 Delivery.EFA, None, Account.BUNDID, Payment.EPAYBL),)),)),
    "report outbox": [Waiting(1, AT, ("it@wolmirstedt.example",), "[ozgtrack] Digitales Rathaus", 2, "refused")],
}


def test_every_view_has_a_sample():
    assert set(SAMPLES) == set(FORMATS)


@pytest.mark.parametrize("view", sorted(FORMATS))
def test_every_view_has_the_formats_its_kind_promises(view):
    needed = {"markdown", "html"} if view in DOCUMENTS else {"table", "json"}
    assert needed <= set(formats(view))


@pytest.mark.parametrize(("view", "fmt"), [(v, f) for v in sorted(FORMATS) for f in FORMATS[v]])
def test_every_renderer_renders_a_small_value(view, fmt):
    text = render(view, fmt, SAMPLES[view])
    if fmt == "xlsx":  # a workbook: the bytes of a zip file
        assert isinstance(text, bytes) and text[:2] == b"PK"
        return
    assert isinstance(text, str) and text.endswith("\n") and len(text.strip()) > 20


def test_the_gap_formats_are_the_gap_renderers():
    assert {fmt: renderer("report gaps", fmt) for fmt in formats("report gaps")} == {
        str(fmt): function for fmt, function in RENDERERS.items()}


def _format_choices() -> dict[str, tuple[str, ...]]:
    """Every command with --format, by its path ("status list"), and the choices it offers in order."""
    found = {}
    for group_name in COMMANDS:
        group = cli.get_command(click.Context(cli), group_name)
        found.update(_choices_of(group, group_name))
    return found


def _choices_of(command: click.Command, path: str) -> dict[str, tuple[str, ...]]:
    """The --format choices of ``command`` and, for a group, of every command below it (`plan measure list`)."""
    if isinstance(command, click.Group):
        return {k: v for name, sub in command.commands.items() for k, v in _choices_of(sub, f"{path} {name}").items()}
    found = {}
    for param in command.params:
        if param.name == "fmt":
            assert param.default is None  # decided by -o's ending, else the first choice (cli._common.output_format)
            found[path] = tuple(param.type.choices)
    return found


def test_the_cli_offers_exactly_the_registered_formats():
    offered = _format_choices()
    assert set(offered) == set(FORMATS)
    assert {view: offered[view] for view in FORMATS} == {view: formats(view) for view in FORMATS}
