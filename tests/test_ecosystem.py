"""A third-party plugin end to end, in a fresh virtual environment.

The example package ``examples/nn-example-plugin`` is built into a wheel and installed next to
nncore and nn-basic (both from this repository) in a new venv without system site packages;
a package made by ``nncore new-plugin`` is installed there too.  Everything a user does with
someone else's layers is then checked from that venv: discovery, name resolution and ambiguity,
swapping, saving, the conformance kit, the packages' own tests, and uninstalling.

Slow (about a minute, mostly pip): marked ``ecosystem``, run by ``nox -s ecosystem``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.ecosystem

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nn-example-plugin"


def _run(
    *args: str | Path,
    cwd: Path | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NNCORE_", "PYTHONPATH", "VIRTUAL_ENV"))
    }
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**clean, **(env or {})},
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


class Venv:
    """A virtual environment and the commands in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bin = path / ("Scripts" if os.name == "nt" else "bin")

    def python(self, code: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        return _run(self.bin / "python", "-c", textwrap.dedent(code), check=check, **kwargs)

    def nncore(
        self, *args: str | Path, check: bool = True, **kwargs
    ) -> subprocess.CompletedProcess:
        return _run(self.bin / "nncore", *args, check=check, **kwargs)

    def pip(self, *args: str | Path) -> subprocess.CompletedProcess:
        return _run(self.bin / "python", "-m", "pip", "--disable-pip-version-check", *args)

    def pytest(self, project: Path) -> subprocess.CompletedProcess:
        """Run ``project``'s tests, from inside it."""
        return _run(
            self.bin / "python",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            project / "tests",
            cwd=project,
        )


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ecosystem")


@pytest.fixture(scope="module")
def wheel(work) -> Path:
    """``pip wheel --no-deps`` of the example plugin, built outside the source tree."""
    source = work / "src"
    _copy_tree(EXAMPLE, source)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        *_no_isolation(sys.executable),
        "--wheel-dir",
        work / "wheels",
        source,
    )
    (found,) = (work / "wheels").glob("nn_example_plugin-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(work, wheel) -> Venv:
    """nncore and nn-basic from this repository, then the example plugin's wheel."""
    env = Venv(work / "venv")
    _run(sys.executable, "-m", "venv", env.path)  # no --system-site-packages: only what we install
    assert "include-system-site-packages = false" in (env.path / "pyvenv.cfg").read_text()
    # setuptools lets the local projects build without an isolated build env (much faster)
    env.pip("install", "--quiet", "setuptools>=77", "wheel", "pytest>=8")
    env.pip(
        "install",
        "--quiet",
        "--no-build-isolation",
        _copy_project(ROOT, work / "nncore"),
        _copy_project(ROOT / "plugins" / "nn-basic", work / "nn-basic"),
    )
    env.pip("install", "--quiet", wheel)
    return env


def _no_isolation(python: str) -> list[str]:
    """``--no-build-isolation`` when ``python`` already has a setuptools that reads our
    pyproject.toml files (77 or later: SPDX ``license``) and wheel (saves a download)."""
    code = "import setuptools, wheel; assert int(setuptools.__version__.split('.')[0]) >= 77"
    probe = subprocess.run([python, "-c", code], capture_output=True)
    return ["--no-build-isolation"] if probe.returncode == 0 else []


def _copy_tree(source: Path, target: Path) -> Path:
    """Copy a project without build leftovers, so building it never writes into the repo."""
    import shutil

    shutil.copytree(
        source,
        target,
        ignore=shutil.ignore_patterns(
            "*.egg-info",
            "build",
            "dist",
            "__pycache__",
            ".*",
            "tests",
            "*.so",
            "*.c",
            "plugins",
            "examples",
            "benchmarks",
            "docs",
        ),
    )
    return target


def _copy_project(source: Path, target: Path) -> Path:
    return _copy_tree(source, target)


# --------------------------------------------------------------------------- discovery
def test_venv_holds_only_what_was_installed(venv):
    listed = json.loads(venv.pip("list", "--format", "json").stdout)
    names = {p["name"].lower().replace("_", "-") for p in listed}
    assert {"nncore-torch7", "nn-basic", "nn-example-plugin"} <= names
    assert not names & {"nn-conv", "nn-table", "torch", "scipy"}


def test_a_class_of_an_absent_first_party_plugin_names_its_distribution(venv):
    # nn-table is not installed in this venv, as after `pip uninstall nn-table`
    out = venv.python("""
        from nncore import nn, UnknownNameError
        try:
            nn.JoinTable
        except UnknownNameError as error:
            print(error)
        print(nn["nn-basic:Tanh"].__name__)
    """).stdout
    assert "provided by the distribution 'nn-table' (pip install nn-table)" in out
    assert out.splitlines()[-1] == "Tanh"


def test_plugin_is_listed_by_nncore_plugins(venv):
    out = venv.nncore("plugins", "--classes").stdout
    row = next(line.split() for line in out.splitlines() if line.startswith("nn-example-plugin"))
    assert row[1:4] == ["0.1.0", "loaded", "3"]
    assert "classes: Linear, Swish, signsgd" in out


def test_modules_and_info_show_the_plugin(venv):
    out = venv.nncore("modules", "--provider", "nn-example-plugin", "--names").stdout
    assert out.split() == [
        "nn-example-plugin:Linear",
        "nn-example-plugin:Swish",
        "nn-example-plugin:signsgd",
    ]
    optimizers = venv.nncore("modules", "--kind", "optimizer", "--names").stdout
    assert optimizers.split() == ["nn-example-plugin:signsgd"]  # nn-optim is not installed
    assert venv.nncore("info", "signsgd").stdout.startswith(
        "nn-example-plugin:signsgd (optimizer, nn-example-plugin 0.1.0)"
    )
    both = venv.nncore("modules", "Linear").stdout
    assert "nn-basic" in both and "nn-example-plugin" in both
    assert "nn.Linear is nn-basic:Linear; nn-example-plugin:Linear shadowed" in both
    described = venv.nncore("info", "Swish").stdout
    assert described.startswith("nn-example-plugin:Swish (module, nn-example-plugin 0.1.0)")
    assert "Swish(beta=1.0)" in described


def test_a_third_party_optimiser_is_found_in_nncore_optim(venv):
    venv.python("""
        import numpy as np
        import nncore
        from nncore import nn, optim

        net = nn.Sequential(nn.Linear(3, 1))
        params, grads = net.get_parameters()
        # the initial output is within 1 of 0 and 20 steps move it by 0.8 at most: every step
        # goes towards 5, so the loss falls whatever the random initial weights
        x, y = np.ones((4, 3)), np.full((4, 1), 5.0)

        def feval(p):
            grads.fill(0)
            loss = nn.MSECriterion().forward(net.forward(x), y)
            net.backward(x, nn.MSECriterion().backward(net.output, y))
            return loss, grads

        state = {}
        losses = [optim.signsgd(feval, params, {"learning_rate": 0.01}, state)[1][0]
                  for _ in range(20)]
        assert all(b < a for a, b in zip(losses, losses[1:])), losses
        assert state["m"].shape == params.shape
        import os, tempfile
        path = os.path.join(tempfile.mkdtemp(), "state.nncore")
        nncore.save(state, path)
        assert np.array_equal(nncore.load(path)["m"], state["m"])
    """)


def test_swish_resolves_and_linear_keeps_its_meaning_unless_chosen(venv, work):
    venv.python("""
        import numpy as np
        import nncore
        from nncore import nn

        assert nn.Swish.__module__ == "nn_example_plugin.swish"
        np.testing.assert_allclose(nn.Swish().forward(np.array([0.0, 1.0])),
                                   [0.0, 1 / (1 + np.exp(-1.0))], rtol=1e-12)
        # installing a plugin with its own Linear changes nothing: torch/nn's name keeps nn-basic
        assert nn.Linear.__module__ == "nn_basic.linear"
        assert nn["nn-example-plugin:Linear"].__module__ == "nn_example_plugin.linear"
        nncore.prefer("Linear", "nn-example-plugin")
        assert nn.Linear.__module__ == "nn_example_plugin.linear"
    """)
    chosen = venv.python(
        "from nncore import nn; print(nn.Linear.__module__)",
        env={"NNCORE_PREFER": "Linear=nn-example-plugin"},
    )
    assert chosen.stdout.strip() == "nn_example_plugin.linear"
    project = work / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.nncore.prefer]\nLinear = "nn-example-plugin"\n')
    per_project = venv.python("from nncore import nn; print(nn.Linear.__module__)", cwd=project)
    assert per_project.stdout.strip() == "nn_example_plugin.linear"


def test_listing_imports_no_layer(venv):
    venv.python("""
        import sys
        import nncore
        entries = nncore.registry().list("*")
        assert any(e.distribution == "nn-example-plugin" for e in entries)
        loaded = [m for m in sys.modules if m.startswith(("nn_example_plugin.", "nn_basic."))]
        assert sorted(loaded) == ["nn_basic._plugin", "nn_example_plugin._plugin"], loaded
    """)


# --------------------------------------------------------------------------- swap and save
def test_swapping_nn_basic_linear_for_the_plugin_keeps_outputs_and_gradients(venv, work):
    venv.python(f"""
        import numpy as np
        import nncore
        from nncore import nn

        nncore.manual_seed(0)
        basic = nn["nn-basic:Linear"]
        net = (nn.Sequential().add(basic(5, 4)).add(nn.Tanh())
               .add(nn.Sequential().add(basic(4, 3, bias=False)).add(nn.Swish())))
        rng = np.random.default_rng(0)
        x, dy = rng.standard_normal((6, 5)), rng.standard_normal((6, 3))
        before = net.forward(x).copy()
        net.zero_grad_parameters()
        grad_before = net.backward(x, dy).copy()
        flat_before = net.get_parameters()[1].copy()

        planned = nncore.swap(net, "nn-basic:Linear", "nn-example-plugin:Linear", dry_run=True)
        assert [c.path for c in planned] == ["0", "2.0"], planned
        assert type(net.get(0)).__module__ == "nn_basic.linear"  # a dry run changes nothing
        changes = nncore.swap(net, "nn-basic:Linear", "nn-example-plugin:Linear")
        assert [type(c.new).__module__ for c in changes] == ["nn_example_plugin.linear"] * 2
        assert net.find_modules("nn-basic:Linear").paths == []
        assert net.find_modules("nn-example-plugin:Linear").paths == ["0", "2.0"]

        np.testing.assert_allclose(net.forward(x), before, rtol=1e-12, atol=1e-14)
        net.zero_grad_parameters()
        np.testing.assert_allclose(net.backward(x, dy), grad_before, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(net.get_parameters()[1], flat_before, rtol=1e-12, atol=1e-14)

        nncore.save(net, {str(work / "swapped.nncore")!r})
        again = nncore.load({str(work / "swapped.nncore")!r})
        assert type(again.get(0)).__module__ == "nn_example_plugin.linear"
        np.testing.assert_allclose(again.forward(x), before, rtol=1e-12, atol=1e-14)
    """)


def test_swapping_into_an_incompatible_layout_is_a_clear_error(venv):
    venv.python("""
        import nncore
        from nncore import nn
        from nncore.errors import NNCoreError

        net = nn.Sequential().add(nn["nn-basic:Linear"](3, 2))
        try:
            nncore.swap(net, "nn-basic:Linear", "nn-example-plugin:Swish")
        except NNCoreError as error:
            assert "'0'" in str(error), error
        else:
            raise AssertionError("Linear's config cannot build a Swish")
        assert type(net.get(0)).__module__ == "nn_basic.linear"
    """)


# --------------------------------------------------------------------------- the kit
def test_nncore_check_passes_on_the_plugin(venv):
    out = venv.nncore("check", "nn-example-plugin").stdout
    summary = out.splitlines()[-1]
    assert summary.startswith("nn-example-plugin 0.1.0: 3 class(es), 8 example(s)"), out
    assert " 0 failed" in summary and "0 class(es) without examples" in summary


def test_nncore_check_rejects_an_unknown_package(venv):
    result = venv.nncore("check", "nn-not-installed", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "nncore check: error: unknown plugin distribution 'nn-not-installed' "
        "(installed: nn-basic, nn-example-plugin)"
    ]


def test_the_plugin_passes_its_own_tests(venv, work):
    venv.pytest(_copy_tree_with_tests(EXAMPLE, work / "example-tests"))


def _copy_tree_with_tests(source: Path, target: Path) -> Path:
    """The tests only, run against the installed wheel (not the source tree)."""
    import shutil

    shutil.copytree(
        source / "tests", target / "tests", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(source / "pyproject.toml", target / "pyproject.toml")
    return target


# --------------------------------------------------------------------------- new-plugin
def test_new_plugin_installs_and_passes_its_own_tests(venv, work):
    target = work / "nn-scaffolded"
    out = venv.nncore("new-plugin", "nn-scaffolded", "--path", target, "--class-name", "Gain")
    assert "created nn-scaffolded" in out.stdout
    venv.pip("install", "--quiet", "--no-build-isolation", "--no-deps", target)
    venv.pytest(target)
    assert (
        "nn-scaffolded 0.1.0: 1 class(es), 2 example(s)"
        in venv.nncore("check", "nn-scaffolded").stdout
    )
    again = venv.nncore("new-plugin", "nn-scaffolded", "--path", target, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = venv.nncore("new-plugin", "not a name", "--path", work / "bad", check=False)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    venv.pip("uninstall", "--yes", "nn-scaffolded")


# --------------------------------------------------------------------------- uninstalling
def test_uninstalling_the_plugin_leaves_everything_working(venv, work):
    venv.python(f"""
        import nncore
        from nncore import nn
        net = nn.Sequential().add(nn["nn-basic:Linear"](3, 2)).add(nn.Swish())
        nncore.save(net, {str(work / "with-swish.nncore")!r})
        nncore.save(nn.Sequential().add(nn["nn-basic:Linear"](3, 2)).add(nn.Tanh()),
                    {str(work / "basic-only.nncore")!r})
    """)
    venv.pip("uninstall", "--yes", "nn-example-plugin")
    out = venv.nncore("plugins").stdout
    assert "nn-example-plugin" not in out and "nn-basic" in out
    venv.python(f"""
        import numpy as np
        import nncore
        from nncore import nn, LoadError, UnknownNameError

        assert nn.Linear.__module__ == "nn_basic.linear"  # no longer ambiguous
        try:
            nn.Swish
        except UnknownNameError:
            pass
        else:
            raise AssertionError("nn.Swish still resolves")
        net = nncore.load({str(work / "basic-only.nncore")!r})
        assert net.forward(np.ones((2, 3))).shape == (2, 2)
        try:
            nncore.load({str(work / "with-swish.nncore")!r})
        except LoadError as error:
            assert "nn-example-plugin" in str(error), error
        else:
            raise AssertionError("a file needing the uninstalled plugin loaded")
    """)
    assert " 0 failed" in venv.nncore("check", "nn-basic", "-k", "Linear").stdout
    assert venv.nncore("info", "Swish", check=False).returncode == 1
