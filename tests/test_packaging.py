"""What a release relies on (docs/releasing.md): versions, changelogs, pins, build settings.

The wheels themselves are built and installed by ``nox -s wheels`` (tests/test_wheels.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import importlib_metadata
import pytest

import nncore

tomllib = pytest.importorskip("tomllib")
SpecifierSet = pytest.importorskip("packaging.specifiers").SpecifierSet
Requirement = pytest.importorskip("packaging.requirements").Requirement

ROOT = Path(__file__).resolve().parents[1]
#: {distribution: its folder}, the core first
FOLDERS = {
    tomllib.loads(path.read_text())["project"]["name"]: path.parent
    for path in [
        ROOT / "pyproject.toml",
        *sorted(ROOT.glob("plugins/*/pyproject.toml")),
        *sorted(ROOT.glob("examples/*/pyproject.toml")),
    ]
}
CORE = "nncore-torch7"


def _pyproject(name: str) -> dict:
    return tomllib.loads((FOLDERS[name] / "pyproject.toml").read_text())


def _pythons(name: str) -> list[str]:
    prefix = "Programming Language :: Python :: "
    classifiers = _pyproject(name)["project"].get("classifiers", [])
    return [c.removeprefix(prefix) for c in classifiers if re.fullmatch(r".*:: 3\.\d+", c)]


def test_seven_distributions():
    assert list(FOLDERS) == [
        CORE,
        "nn-basic",
        "nn-conv",
        "nn-graph",
        "nn-optim",
        "nn-table",
        "nn-example-plugin",
    ]


@pytest.mark.parametrize("name", list(FOLDERS))
def test_each_distribution_has_a_changelog_shipped_in_its_sdist(name):
    folder = FOLDERS[name]
    text = (folder / "CHANGELOG.md").read_text()
    assert text.startswith(f"# Changelog of {name}\n")
    assert "\n## [Unreleased]\n" in text
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", text, re.MULTILINE)
    version = _pyproject(name)["project"]["version"]
    assert all(
        tuple(map(int, v.split("."))) <= tuple(map(int, version.split("."))) for v in released
    )
    assert "include CHANGELOG.md" in (folder / "MANIFEST.in").read_text().splitlines()


def test_nncore_version_comes_from_the_installed_metadata():
    assert nncore.__version__ == importlib_metadata.version(CORE)
    if ROOT in Path(nncore.__file__).resolve().parents:  # installed from this tree
        assert nncore.__version__ == _pyproject(CORE)["project"]["version"]


@pytest.mark.parametrize("name", [n for n in FOLDERS if n != CORE])
def test_each_plugin_requires_a_core_this_tree_provides(name):
    core_version = _pyproject(CORE)["project"]["version"]
    requirements = [Requirement(r) for r in _pyproject(name)["project"]["dependencies"]]
    (core,) = [r for r in requirements if r.name == CORE]
    assert core.specifier and core_version in core.specifier, core
    assert all(s.operator == ">=" for s in core.specifier), f"{core}: a lower bound only"


def test_every_distribution_names_the_same_pythons():
    expected = _pythons(CORE)
    assert expected == ["3.10", "3.11", "3.12", "3.13"]
    for name in FOLDERS:
        project = _pyproject(name)["project"]
        assert _pythons(name) == expected, name
        assert project["requires-python"] == f">={expected[0]}", name
        assert project["license"] == "BSD-3-Clause", name


def test_cibuildwheel_builds_nn_conv_for_those_pythons_and_tests_each_wheel():
    pyproject = _pyproject("nn-conv")
    settings = pyproject["tool"]["cibuildwheel"]
    assert settings["build"] == [f"cp{v.replace('.', '')}-*" for v in _pythons("nn-conv")]
    assert set(settings["test-extras"]) <= set(pyproject["project"]["optional-dependencies"])
    for source in settings["test-sources"]:
        assert (FOLDERS["nn-conv"] / source).is_dir(), source
    assert "_backend.is_compiled()" in settings["test-command"][0]
    assert "auditwheel repair" in settings["linux"]["repair-wheel-command"]
