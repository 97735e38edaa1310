"""Rules about the code's structure that a machine checks: who may import what.

- The core (``nncore``) imports no plugin.
- A plugin's package imports nothing of nncore but ``nncore.plugin``, and nothing of another
  plugin (they meet through the registry: ``nncore.plugin.nn``).
- The core has no import cycle, counting imports inside functions too (``TYPE_CHECKING`` blocks
  excepted): each module can be read after the ones it imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PLUGIN_PACKAGES = {
    path.parent.name: path.parent
    for path in [*ROOT.glob("plugins/*/*/_plugin.py"), *ROOT.glob("examples/*/*/_plugin.py")]
}


def _imports(path: Path) -> list[tuple[str, int]]:
    """``(absolute module name, line)`` of every import in a file, ``TYPE_CHECKING`` aside."""
    tree = ast.parse(path.read_text(), str(path))
    package = ".".join(path.relative_to(_package_root(path)).with_suffix("").parts)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                is_package = path.name == "__init__.py"
                base = parts[: len(parts) - node.level + (1 if is_package else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _package_root(path: Path) -> Path:
    while (path.parent / "__init__.py").exists():
        path = path.parent
    return path.parent


def _sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "tests" not in p.relative_to(folder).parts)


def test_there_are_plugins_to_check():
    assert {"nn_basic", "nn_table", "nn_conv", "nn_graph", "nn_example_plugin"} <= set(
        PLUGIN_PACKAGES
    )


def test_the_core_imports_no_plugin():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _sources(ROOT / "nncore")
        for name, line in _imports(path)
        if name.split(".")[0] in PLUGIN_PACKAGES
    ]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(PLUGIN_PACKAGES))
def test_a_plugin_imports_only_the_public_api(package):
    offenders = []
    for path in _sources(PLUGIN_PACKAGES[package]):
        for name, line in _imports(path):
            top = name.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {name}"
            if top == "nncore" and not (name == "nncore" or name.startswith("nncore.plugin")):
                offenders.append(where)
            elif top == "nncore" and name == "nncore":
                continue
            elif top in PLUGIN_PACKAGES and top != package:
                offenders.append(where)
    assert offenders == []


def test_the_core_has_no_import_cycle():
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in _sources(ROOT / "nncore")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported, _ in _imports(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    cycles = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target) :] + [target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def _pyprojects() -> list[Path]:
    return [
        ROOT / "pyproject.toml",
        *ROOT.glob("plugins/*/pyproject.toml"),
        *ROOT.glob("examples/*/pyproject.toml"),
    ]


def _requirement_name(requirement: str) -> str:
    name = requirement
    for stop in "<>=!~;[ (":
        name = name.split(stop, 1)[0]
    return name.strip().lower().replace("_", "-").replace(".", "-")


def test_no_first_party_distribution_depends_on_a_name_it_does_not_own():
    tomllib = pytest.importorskip("tomllib")
    projects = [tomllib.loads(path.read_text())["project"] for path in _pyprojects()]
    ours = {_requirement_name(p["name"]) for p in projects}
    assert "nncore" not in ours  # the name belongs to an unrelated project on the index
    wrong = []
    for project in projects:
        requirements = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            requirements += extra
        for requirement in requirements:
            name = _requirement_name(requirement)
            if (name.startswith("nn-") or name.startswith("nncore")) and name not in ours:
                wrong.append(f"{project['name']} depends on {name}")
    assert wrong == []
