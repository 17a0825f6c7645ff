"""The import graph of gonghui/: dependencies point one way (DESIGN.md, "Layout").

Every module under gonghui/ is parsed with ``ast``; an import anywhere in it counts — at module level,
inside a function, under ``TYPE_CHECKING``. The rules:

- ``core`` imports no other part of gonghui (domain apps register with core, never the reverse);
- no two apps import each other, directly or round a longer circle;
- no two modules import each other, directly or round a longer circle (also inside one app);
- nothing imports the ``demo`` app (it imports everything).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

import gonghui

# The only edges (importing module, imported module) the rules above leave out of the graph: none since
# imports was split (issue 10 point 4). An edge added here must say why it cannot go the other way.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name (a package by its ``__init__``)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_edges(root: Path, package: str) -> set[tuple[str, str]]:
    """(importer, imported) for every import of a module of the package, wherever it is written.

    ``from a import b`` points at the module ``a.b`` when there is one, else at ``a``."""
    modules = module_files(root, package)
    edges = set()
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    source = ".".join([*base, node.module] if node.module else base)
                else:
                    source = node.module or ""
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                    for alias in node.names
                ]
            for target in targets:
                # `import a.b.c` of a module we hold; anything else (Django, the standard library) is not ours.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add((name, target))
    return edges


def app_of(module: str) -> str:
    """``gonghui.members.services`` → ``members``; the project's own modules (settings, urls) by name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def circles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    nodes = sorted({n for edge in edges for n in edge})
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in nodes:
        if v not in index:
            visit(v)
    return sorted(found)


def core_imports(edges, core="core") -> list[tuple[str, str]]:
    return sorted((a, b) for a, b in edges if app_of(a) == core and app_of(b) != core)


def app_circles(edges) -> list[str]:
    """Each circle of apps with the module imports that close it."""
    app_edges = {(app_of(a), app_of(b)) for a, b in edges if app_of(a) != app_of(b)}
    out = []
    for component in circles(app_edges):
        why = sorted(
            f"{a} → {b}"
            for a, b in edges
            if {app_of(a), app_of(b)} <= set(component) and app_of(a) != app_of(b)
        )
        out.append(f"{' ↔ '.join(component)}: {'; '.join(why)}")
    return out


def module_circles(edges) -> list[str]:
    out = []
    for component in circles(edges):
        why = sorted(f"{a} → {b}" for a, b in edges if a in component and b in component)
        out.append(f"{' ↔ '.join(component)}: {'; '.join(why)}")
    return out


ROOT = Path(gonghui.__file__).parent


@pytest.fixture(scope="module")
def graph() -> set[tuple[str, str]]:
    return import_edges(ROOT, "gonghui")


@pytest.fixture(scope="module")
def checked(graph) -> set[tuple[str, str]]:
    return graph - KNOWN_EXCEPTIONS


def test_core_imports_no_domain_app(checked):
    assert core_imports(checked) == [], (
        "core 不得导入业务应用：改为由业务应用在 AppConfig.ready() 中向 core 注册"
    )


def test_no_two_apps_import_each_other_in_a_circle(checked):
    assert app_circles(checked) == []


def test_no_two_modules_import_each_other_in_a_circle(checked):
    assert module_circles(checked) == []


def test_nothing_imports_the_demo_app(checked):
    assert sorted((a, b) for a, b in checked if app_of(b) == "demo" and app_of(a) != "demo") == []


_URL_NAMESPACE = re.compile(r"""(?:\{%\s*url\s+|reverse(?:_lazy)?\(\s*)["'](\w+):""")


def test_core_names_no_page_of_a_domain_app():
    """Nor through a URL name: core's code and templates reverse only ``core:`` URLs (an app's page on the
    home page or in the menu is registered by that app)."""
    named = set()
    for path in (ROOT / "core").rglob("*"):
        if path.suffix in {".py", ".html"}:
            named |= {(path.name, ns) for ns in _URL_NAMESPACE.findall(path.read_text(encoding="utf-8"))}
    assert sorted((name, ns) for name, ns in named if ns != "core") == []


def test_every_known_exception_is_still_an_import(graph):
    """An exception whose import is gone must leave the list, so that the import cannot come back."""
    assert sorted(KNOWN_EXCEPTIONS - graph) == []


def test_the_walker_finds_function_level_imports_and_longer_circles(tmp_path):
    """The rules catch what they claim to on a small package: an import inside a function, a relative
    import, a circle of three apps, a circle of two modules in one app, core importing an app."""
    files = {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/views.py": "def f():\n    from pkg.members.models import Member\n",
        "members/__init__.py": "",
        "members/models.py": "from ..orgs import models\n",
        "orgs/__init__.py": "",
        "orgs/models.py": "from pkg.regions.models import Region\n",
        "regions/__init__.py": "",
        "regions/models.py": "import typing\nif typing.TYPE_CHECKING:\n    import pkg.members.models\n",
        "targets/__init__.py": "",
        "targets/a.py": "def g():\n    from . import b\n",
        "targets/b.py": "from pkg.targets.a import g\n",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    edges = import_edges(tmp_path / "pkg", "pkg")
    assert core_imports(edges) == [("pkg.core.views", "pkg.members.models")]
    assert [c.split(":")[0] for c in app_circles(edges)] == ["members ↔ orgs ↔ regions"]
    assert [c.split(":")[0] for c in module_circles(edges)] == [
        "pkg.members.models ↔ pkg.orgs.models ↔ pkg.regions.models",
        "pkg.targets.a ↔ pkg.targets.b",
    ]
