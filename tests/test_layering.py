"""Layering: the import graph of the whole package, imports inside functions and under TYPE_CHECKING included.

Granularity: one node per module (a file; a package's ``__init__.py`` is the package). ``from P import m``
is an edge to the module ``P.m`` when there is one, else to ``P``. The floors are ``ozgtrack.layers``.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ozgtrack
from ozgtrack.layers import LAYERS, PURE, layer_of, rank

PACKAGE = Path(ozgtrack.__file__).parent
TOP_FLOOR_LIMIT = 15
LINE_LIMIT = 400
# Over the limit today, to be split (the list only shrinks: no other module may pass the limit).


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            submodules = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES}
            found |= submodules | ({base} if len(submodules) < len(node.names) else set())
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        names = _imports(module, path)
        graph[module] = {_resolve(n) for n in names if n.split(".")[0] == "ozgtrack"} - {None, module}
        graph[module] = {m for m in graph[module] if m != "ozgtrack" or any(n == "ozgtrack" for n in names)}
    return graph


GRAPH = _graph()
EXTERNAL = {m: {n.split(".")[0] for n in _imports(m, p)} for m, p in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_sees_imports_inside_functions():
    # cli modules import the library inside their commands only; a graph without those would be nearly empty
    assert "ozgtrack.town.tracking" in GRAPH["ozgtrack.cli.status"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_has_a_floor():
    assert [m for m in MODULES if layer_of(m) is None] == []
    assert {name for name, _ in LAYERS} >= set(PURE)


def test_no_cycle():
    assert _cycles(GRAPH) == []


def test_no_import_points_up():
    placed = {m: layer_of(m) for m in MODULES if layer_of(m) is not None}  # the unplaced: the test above
    upward = sorted(f"{a} ({placed[a]}) -> {b} ({placed[b]})" for a, targets in GRAPH.items() for b in targets
                    if a in placed and b in placed and rank(placed[a]) < rank(placed[b]))
    assert upward == []


def test_pure_floors_never_reach_the_database():
    """No path to the store floor (ORM, engine) or Alembic, not even through a function-level import, followed to
    the end. A pure module may build SQL expressions inside a function; loading SQLAlchemy on import is what the
    fresh-interpreter probe below forbids."""
    pure = [m for m in MODULES if layer_of(m) in PURE]
    for module in pure:
        seen, todo = set(), [module]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo += GRAPH[current]
        touching = sorted(m for m in seen if layer_of(m) == "store" or "alembic" in EXTERNAL[m])
        assert touching == [], f"{module} reaches {touching}"


def test_few_modules_on_the_top_floor():
    top = [p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")]
    assert len(top) <= TOP_FLOOR_LIMIT, sorted(top)


def test_no_module_over_the_line_limit():
    lengths = {str(p.relative_to(PACKAGE.parent)): len(p.read_text(encoding="utf-8").splitlines())
               for p in MODULES.values()}
    assert sorted(f for f, n in lengths.items() if n > LINE_LIMIT) == []


PROBED = sorted(m for m in MODULES if layer_of(m) in PURE and m != "ozgtrack")
FORBIDDEN = ("sqlalchemy", "alembic", "ozgtrack.store")


def test_the_probe_covers_the_folders():
    assert {"ozgtrack.render.document", "ozgtrack.render.gaps", "ozgtrack.views.results", "ozgtrack.views.rollup",
            "ozgtrack.sources.pvog", "ozgtrack.cells"} <= set(PROBED)


@pytest.mark.parametrize("module", PROBED)
def test_importing_loads_no_orm(module):
    # A fresh interpreter: what an earlier test imported must not hide what this module pulls in.
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules "
            f"if any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"{module} loads {done.stdout.strip()}"
