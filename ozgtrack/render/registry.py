"""Output formats per view: each command that shows a view → {format: renderer}, the CLI's `--format` choices."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ozgtrack.text import printable

# A renderer is "module:function", a pure function of the view's value that returns the text.
# They load when used, so `ozgtrack --help` imports none of them. The first format is the default.
# Data views offer at least table and json; documents offer markdown and html.
FORMATS: dict[str, dict[str, str]] = {
    "catalog diff": {"table": "ozgtrack.render.catalog:diff_table", "json": "ozgtrack.render.catalog:diff_json"},
    "catalog releases": {"table": "ozgtrack.render.catalog:releases_table",
                         "json": "ozgtrack.render.catalog:releases_json"},
    "catalog show": {"table": "ozgtrack.render.catalog:service_table", "json": "ozgtrack.render.catalog:service_json"},
    "catalog search": {"table": "ozgtrack.render.catalog:search_table", "json": "ozgtrack.render.catalog:search_json"},
    "municipality list": {"table": "ozgtrack.render.tracking:municipalities_table",
                          "json": "ozgtrack.render.tracking:municipalities_json"},
    "triage list": {"table": "ozgtrack.render.tracking:assignments_table",
                    "json": "ozgtrack.render.tracking:assignments_json"},
    "triage show": {"table": "ozgtrack.render.tracking:triage_detail_table",
                    "json": "ozgtrack.render.tracking:triage_detail_json"},
    "triage rules": {"table": "ozgtrack.render.tracking:rules_table", "json": "ozgtrack.render.tracking:rules_json"},
    "status show": {"table": "ozgtrack.render.tracking:status_details",
                    "json": "ozgtrack.render.tracking:statuses_json"},
    "status list": {"table": "ozgtrack.render.tracking:statuses_table",
                    "json": "ozgtrack.render.tracking:statuses_json", "xlsx": "ozgtrack.render.tables:statuses_xlsx"},
    "status history": {"table": "ozgtrack.render.tracking:history_table",
                       "json": "ozgtrack.render.tracking:history_json"},
    "status check-links": {"table": "ozgtrack.render.links:run_table", "json": "ozgtrack.render.links:run_json"},
    "status orphans": {"table": "ozgtrack.render.tracking:orphans_table",
                       "json": "ozgtrack.render.tracking:orphans_json"},
    "report gaps": {"table": "ozgtrack.render.gaps:render_table", "csv": "ozgtrack.render.gaps:render_csv",
                    "excel": "ozgtrack.render.gaps:render_excel", "json": "ozgtrack.render.gaps:render_json",
                    "markdown": "ozgtrack.render.gaps:render_markdown", "html": "ozgtrack.render.gaps:render_html",
                    "xlsx": "ozgtrack.render.gaps:render_xlsx"},
    "report rollup": {"table": "ozgtrack.render.rollup:render_table", "csv": "ozgtrack.render.rollup:render_csv",
                      "excel": "ozgtrack.render.rollup:render_excel", "json": "ozgtrack.render.rollup:render_json",
                      "markdown": "ozgtrack.render.rollup:render_markdown",
                      "html": "ozgtrack.render.rollup:render_html", "xlsx": "ozgtrack.render.rollup:render_xlsx"},
    "pvog diff": {"table": "ozgtrack.render.pvog:findings_table", "json": "ozgtrack.render.pvog:findings_json",
                  "csv": "ozgtrack.render.pvog:findings_csv", "excel": "ozgtrack.render.pvog:findings_excel",
                  "xlsx": "ozgtrack.render.tables:findings_xlsx"},
    "pvog releases": {"table": "ozgtrack.render.pvog:releases_table", "json": "ozgtrack.render.pvog:releases_json"},
    "report blockers": {"table": "ozgtrack.render.blockers:render_table", "csv": "ozgtrack.render.blockers:render_csv",
                        "xlsx": "ozgtrack.render.blockers:render_xlsx", "json": "ozgtrack.render.blockers:render_json"},
    "report chapter": {"markdown": "ozgtrack.render.chapter:render_markdown",
                       "html": "ozgtrack.render.chapter:render_html"},
    "report outbox": {"table": "ozgtrack.render.tracking:outbox_table", "json": "ozgtrack.render.tracking:outbox_json"},
    "report baselines": {"table": "ozgtrack.render.baselines:baselines_table",
                         "json": "ozgtrack.render.baselines:baselines_json"},
    "plan proposals list": {"table": "ozgtrack.render.plan:proposals_table", "json": "ozgtrack.render.plan:proposals_json",
                            "csv": "ozgtrack.render.plan:proposals_csv", "excel": "ozgtrack.render.plan:proposals_excel",
                            "xlsx": "ozgtrack.render.tables:proposals_xlsx"},
    "plan measure list": {"table": "ozgtrack.render.plan:measures_table", "json": "ozgtrack.render.plan:measures_json",
                          "csv": "ozgtrack.render.plan:measures_csv", "excel": "ozgtrack.render.plan:measures_excel",
                          "xlsx": "ozgtrack.render.tables:measures_xlsx"},
    "plan measure show": {"table": "ozgtrack.render.plan:measure_details",
                          "json": "ozgtrack.render.plan:measure_details_json"},
    "plan priorities": {"table": "ozgtrack.render.priorities:priorities_table",
                        "json": "ozgtrack.render.priorities:priorities_json",
                        "csv": "ozgtrack.render.priorities:priorities_csv",
                        "excel": "ozgtrack.render.priorities:priorities_excel",
                        "xlsx": "ozgtrack.render.tables:priorities_xlsx"},
    "plan build": {"table": "ozgtrack.render.plan_stages:stages_table", "json": "ozgtrack.render.plan_stages:stages_json",
                   "csv": "ozgtrack.render.plan_stages:stages_csv",
                   "markdown": "ozgtrack.render.plan_stages:stages_markdown"},
    "plan version show": {"table": "ozgtrack.render.plan_stages:stages_table",
                          "json": "ozgtrack.render.plan_stages:stages_json",
                          "csv": "ozgtrack.render.plan_stages:stages_csv",
                          "markdown": "ozgtrack.render.plan_stages:stages_markdown"},
    "plan versions": {"table": "ozgtrack.render.plan_stages:versions_table",
                      "json": "ozgtrack.render.plan_stages:versions_json"},
    "report progress": {"markdown": "ozgtrack.render.progress:render_markdown",
                        "html": "ozgtrack.render.progress:render_html", "text": "ozgtrack.render.progress:render_text"},
    "online list": {"table": "ozgtrack.render.online:list_table", "json": "ozgtrack.render.online:list_json",
                    "csv": "ozgtrack.render.online:list_csv", "xlsx": "ozgtrack.render.online:list_xlsx"},
    "online show": {"table": "ozgtrack.render.online:show_table", "json": "ozgtrack.render.online:show_json",
                    "csv": "ozgtrack.render.online:show_csv", "xlsx": "ozgtrack.render.online:show_xlsx"},
    "online history": {"table": "ozgtrack.render.online:history_table",
                       "json": "ozgtrack.render.online:history_json"},
    "report online": {"html": "ozgtrack.render.citizens:render_html",
                      "markdown": "ozgtrack.render.citizens:render_markdown",
                      "json": "ozgtrack.render.citizens:render_json", "csv": "ozgtrack.render.citizens:render_csv"},
}
DOCUMENTS = frozenset({"report chapter", "report progress", "report online"})
# Formats whose renderers return the bytes of a file (a workbook) and take the Stand it names (``stand=``).
WORKBOOKS = frozenset({"xlsx"})
# Formats for a person at a terminal: their renderers take ``width`` (the terminal's columns, None: no limit).
TERMINAL = frozenset({"table"})
# Plain text has no markup that escapes what it quotes: whatever outside text a renderer joins into it, no
# control character leaves (their cells are cleaned by render.common.table already; this catches prose lines).
PLAIN = frozenset({"table", "text"})


def formats(view: str) -> tuple[str, ...]:
    """The formats ``view`` can be shown in, the default first."""
    return tuple(FORMATS[view])


def renderer(view: str, fmt: str) -> Callable[[Any], str]:
    """The function that renders ``view`` as ``fmt``; KeyError for a format the view does not have."""
    module, name = FORMATS[view][fmt].split(":")
    return getattr(importlib.import_module(module), name)


def render(view: str, fmt: str, value: Any, width: int | None = None, stand: Any = None) -> Any:
    """``value`` (the view's result) in ``fmt``: text, or the bytes of a workbook; a terminal format fits ``width``
    columns if given; a workbook names ``stand`` (ozgtrack.views.stand.Stand) in its sheet "Erläuterungen"."""
    function = renderer(view, fmt)
    if fmt in TERMINAL:
        text = function(value, width=width)
    else:
        text = function(value, stand=stand) if fmt in WORKBOOKS and stand is not None else function(value)
    return printable(text) if fmt in PLAIN else text
