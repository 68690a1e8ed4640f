"""The floors of the package, lowest first: a module imports only from its own floor and the ones below.

Each floor names the modules and packages on it (a package stands for everything inside it). The
rooms are the stages of the flow: outside data is read (``sources``), kept (``store``, ``catalogue``,
``town``, ``evidence``), analysed and planned, assembled into reports, rendered and delivered; the
command line sits on top and only it reads the configuration file. ``tests/test_layering.py`` walks
the whole import graph, imports inside functions included, against this table.
"""

from __future__ import annotations

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ground", ("ozgtrack", "ozgtrack.errors", "ozgtrack.wording", "ozgtrack.text", "ozgtrack.numbers",
                "ozgtrack.numbers", "ozgtrack.values", "ozgtrack.records", "ozgtrack.fields", "ozgtrack.cells",
                "ozgtrack.leika", "ozgtrack.resources", "ozgtrack.layers", "ozgtrack.ars", "ozgtrack.clock")),
    ("views", ("ozgtrack.views", "ozgtrack.settings")),  # pure result, view and settings types
    ("sources", ("ozgtrack.sources",)),  # fetch, local files, readers: bytes in, records out, no database
    ("store", ("ozgtrack.store",)),  # tables, engine, migrations
    ("catalogue", ("ozgtrack.catalogue",)),
    ("town", ("ozgtrack.town", "ozgtrack.bundle")),
    ("evidence", ("ozgtrack.evidence",)),
    ("analysis", ("ozgtrack.analysis",)),
    ("plan", ("ozgtrack.plan",)),
    ("report", ("ozgtrack.report",)),
    ("render", ("ozgtrack.render",)),
    ("delivery", ("ozgtrack.delivery",)),
    ("config", ("ozgtrack.config",)),  # reads config.toml and the environment into settings
    ("cli", ("ozgtrack.cli", "ozgtrack.__main__")),
)

# Floors that never touch the database, not even through a function-level import.
PURE = ("ground", "views", "sources", "render")


def layer_of(module: str) -> str | None:
    """The floor of a dotted module name: its most specific entry (the root package counts only as itself)."""
    best, length = None, -1
    for name, entries in LAYERS:
        for entry in entries:
            inside = module == entry or (entry != "ozgtrack" and module.startswith(entry + "."))
            if inside and len(entry) > length:
                best, length = name, len(entry)
    return best


def rank(layer: str) -> int:
    return [name for name, _ in LAYERS].index(layer)
