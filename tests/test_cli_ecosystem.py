"""``nncore modules``, ``info``, ``check``, ``new-plugin``: output, exit codes, one-line errors."""

from __future__ import annotations

import ast
import sys

import pytest

import nncore
from nncore.cli import main

LAYERS = {
    "toy_layers/__init__.py": "",
    "toy_layers/_plugin.py": """
        from nncore.plugin import hookimpl, specs

        @hookimpl
        def nncore_classes():
            return specs("toy_layers", "module", {"Double": "layers", "WrongGrad": "layers",
                                                  "Untested": "layers", "Linear": "layers"})
    """,
    "toy_layers/layers.py": """
        import numpy as np
        from nncore.plugin import Case, Module, expect_float

        class Double(Module):
            '''y = 2 x.'''

            def update_output(self, input):
                return 2.0 * expect_float(input)

            def update_grad_input(self, input, grad_output):
                return 2.0 * grad_output

        class WrongGrad(Double):
            '''y = 2 x with a gradient off by a factor of 3/2.'''

            def update_grad_input(self, input, grad_output):
                return 3.0 * grad_output

        class Untested(Double):
            '''No example: ``nncore check`` must fail on it.'''

        class Linear(Double):
            '''A second provider of the short name Linear.'''

            def __init__(self, input_size: int, output_size: int, bias: bool = True):
                super().__init__()

        def examples():
            return [
                Case(Double(), input_shape=(3, 2), batched=True),
                Case(WrongGrad(), input_shape=(3, 2), batched=True),
                Case(Linear(2, 2), input_shape=(3, 2), batched=True),
            ]
    """,
}


@pytest.fixture
def toy(make_distribution):
    make_distribution("toy-layers", LAYERS, entry_point="toy_layers._plugin", version="0.2.0")
    nncore.reload()


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.strip()


# --------------------------------------------------------------------------- modules
def test_modules_lists_names_providers_and_kinds_without_importing(toy, capsys):
    assert main(["modules", "*", "--provider", "toy-layers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["class", "provider", "version", "kind"]
    assert [line.split()[:2] for line in lines[1:-2]] == [
        ["Double", "toy-layers"],
        ["Linear", "toy-layers"],
        ["Untested", "toy-layers"],
        ["WrongGrad", "toy-layers"],
    ]
    assert lines[-2] == "4 class(es)"
    assert lines[-1] == (
        "Linear: nn.Linear is nn-basic:Linear; toy-layers:Linear shadowed (use its qualified name)"
    )
    assert "toy_layers.layers" not in sys.modules


def test_modules_pattern_exclude_kind_and_names(toy, capsys):
    assert main(["modules", "Linear", "--names"]) == 0
    assert capsys.readouterr().out.split() == ["nn-basic:Linear", "toy-layers:Linear"]
    assert (
        main(["modules", "toy-layers:*", "--exclude", "*Grad", "--exclude", "L*", "--names"]) == 0
    )
    assert capsys.readouterr().out.split() == ["toy-layers:Double", "toy-layers:Untested"]
    assert main(["modules", "--kind", "container", "--provider", "nn-basic", "--names"]) == 0
    containers = capsys.readouterr().out.split()
    assert "nn-basic:Sequential" in containers and "nn-basic:Linear" not in containers


def test_modules_without_match_or_with_unknown_provider_fails(toy, capsys):
    assert main(["modules", "NoSuchThing*"]) == 1
    assert capsys.readouterr().err == "no registered class matches 'NoSuchThing*'\n"
    assert main(["modules", "--provider", "nn-nowhere"]) == 1
    assert _one_line_error(capsys).startswith(
        "nncore modules: error: unknown plugin distribution 'nn-nowhere' (installed: "
    )


def test_bad_arguments_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["modules", "--kind", "layer"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'layer'" in _one_line_error(capsys)
    with pytest.raises(SystemExit) as exit_info:
        main(["check"])
    assert exit_info.value.code == 2
    assert "PACKAGE" in _one_line_error(capsys)


@pytest.mark.parametrize(
    "command, words",
    [
        ("modules", ["PATTERN", "--provider", "--exclude", "--kind"]),
        ("info", ["NAME", "qualified"]),
        ("check", ["PACKAGE", "conformance", "status 1"]),
        ("new-plugin", ["NAME", "--path", "entry point"]),
    ],
)
def test_help(command, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert all(word in out for word in words), out


# --------------------------------------------------------------------------- info
def test_info_describes_a_class(toy, capsys):
    assert main(["info", "toy-layers:Double"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("toy-layers:Double (module, toy-layers 0.2.0)\n  Double()\n")
    assert "y = 2 x." in out


def test_info_errors_are_one_line(toy, capsys):
    assert main(["info", "Linear"]) == 0  # torch/nn's Linear keeps its meaning
    assert capsys.readouterr().out.startswith("nn-basic:Linear ")
    assert main(["info", "NoSuchLayer"]) == 1
    assert _one_line_error(capsys) == (
        "nncore info: error: nn.NoSuchLayer is not registered by any installed nncore plugin"
    )


# --------------------------------------------------------------------------- check
def test_check_passes_on_good_classes(toy, capsys):
    assert main(["check", "toy-layers", "-k", "Double"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ok   toy-layers:Double [nn.Double]: ")
    assert " 0 failed" in lines[0]
    assert lines[-1].startswith("toy-layers 0.2.0: 1 class(es), 1 example(s), ")


def test_check_fails_on_a_wrong_gradient_and_a_class_without_examples(toy, capsys):
    assert main(["check", "toy_layers"]) == 1  # the distribution name in any spelling
    out = capsys.readouterr().out
    assert "FAIL toy-layers:WrongGrad [nn.WrongGrad]" in out
    assert "failed check_input_jacobian: AssertionError: Not equal to tolerance" in out
    # the reason: what differed, and by how much (3 x where 2 x is right: half as much again)
    assert "grad_input (input leaf 0) differs from finite differences" in out
    assert "Max relative difference among violations: 0.5" in out
    assert "ACTUAL: array(" not in out  # the arrays themselves only with --verbose
    assert "FAIL toy-layers:Untested: no conformance example" in out
    assert out.splitlines()[-1] == "FAILED: toy-layers:WrongGrad, toy-layers:Untested"
    assert "ok   toy-layers:Double" in out


def test_check_verbose_lists_every_check(toy, capsys):
    assert main(["check", "toy-layers", "-k", "Double", "-v"]) == 0
    out = capsys.readouterr().out
    assert "passed check_input_jacobian" in out and "passed check_clone" in out
    assert main(["check", "toy-layers", "-k", "WrongGrad", "-v"]) == 1
    out = capsys.readouterr().out
    assert "Mismatched elements: 6 / 6 (100%)" in out and "ACTUAL: array(" in out


def test_check_unknown_package_or_pattern_is_a_one_line_error(toy, capsys):
    assert main(["check", "nn-nowhere"]) == 1
    assert "unknown plugin distribution 'nn-nowhere'" in _one_line_error(capsys)
    assert main(["check", "toy-layers", "-k", "Nothing*"]) == 1
    assert _one_line_error(capsys) == (
        "nncore check: error: toy-layers registers no class matching 'Nothing*'"
    )


def test_check_a_disabled_plugin_is_an_error(toy, capsys, monkeypatch):
    monkeypatch.setenv("NNCORE_DISABLE_PLUGINS", "toy-layers")
    nncore.reload()
    assert main(["check", "toy-layers"]) == 1
    assert _one_line_error(capsys) == "nncore check: error: plugin toy-layers is disabled"


def test_check_a_real_plugin():
    assert main(["check", "nn-basic", "-k", "Tanh"]) == 0


# --------------------------------------------------------------------------- new-plugin
def test_new_plugin_writes_a_complete_package(tmp_path, capsys):
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = tmp_path / "nn-fancy-layers"
    assert (
        main(["new-plugin", "nn-fancy-layers", "--path", str(root), "--class-name", "SoftGate"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith(f"created nn-fancy-layers in {root}:")
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "nn-fancy-layers"
    assert pyproject["project"]["entry-points"]["nncore"] == {
        "nn-fancy-layers": "nn_fancy_layers._plugin"
    }
    assert "nncore-torch7>=0.1" in pyproject["project"]["dependencies"]
    package = root / "nn_fancy_layers"
    for path in [*package.glob("*.py"), *(root / "tests").glob("*.py")]:
        ast.parse(path.read_text(), str(path))  # valid Python, every template variable filled
        assert "$" not in path.read_text()
    assert "class SoftGate(Module):" in (package / "soft_gate.py").read_text()
    assert '"SoftGate": "soft_gate"' in (package / "_plugin.py").read_text()
    assert "parametrize_with_checks" in (root / "tests" / "test_conformance.py").read_text()
    assert "nncore check nn-fancy-layers" in (root / "README.md").read_text()


def test_new_plugin_package_registers_and_passes_the_kit(tmp_path, make_distribution, capsys):
    root = tmp_path / "made"
    assert main(["new-plugin", "nn-made-here", "--path", str(root)]) == 0
    files = {str(p.relative_to(root)): p.read_text() for p in (root / "nn_made_here").glob("*.py")}
    make_distribution("nn-made-here", files, entry_point="nn_made_here._plugin")
    nncore.reload()
    capsys.readouterr()
    assert main(["check", "nn-made-here"]) == 0
    assert "nn-made-here 1.0: 1 class(es), 2 example(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["new-plugin", "2fast"], "expected a distribution name"),
        (["new-plugin", "nn--x"], "expected a distribution name"),
        (["new-plugin", "nn-basic"], "would shadow another module"),
        (["new-plugin", "nn-ok", "--class-name", "lower"], "expected a CamelCase class name"),
    ],
)
def test_new_plugin_bad_names(args, message, tmp_path, capsys):
    assert main([*args, "--path", str(tmp_path / "x")]) == 1
    assert message in _one_line_error(capsys)
    assert not (tmp_path / "x").exists()


def test_new_plugin_never_overwrites(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["new-plugin", "nn-ok", "--path", str(tmp_path)]) == 1
    assert "already exists and is not an empty directory" in _one_line_error(capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
