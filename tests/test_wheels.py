"""The sdists and wheels of ``nox -s wheels``, installed where no C compiler can be reached.

``nox -s wheels`` builds an sdist and a wheel of every distribution into ``dist/`` (nn-conv's
wheel repaired to a manylinux tag) and runs this module with ``NNCORE_WHEELHOUSE`` pointing
there.  A fresh venv (no system site packages) gets the third-party requirements that the
wheels declare from the package index, as wheels only, and our distributions from that folder
alone (``--no-index``), with ``CC=/bin/false`` and a ``PATH`` that holds nothing but the venv's
``bin``.  From that venv: ``nncore --version``, ``nncore plugins`` in strict mode (nn-conv on its
compiled kernels), ``nncore demo`` (LeNet, whose convolutions and poolings run on them), and
nn-conv's own tests run as cibuildwheel runs them on each release wheel (the settings under
``[tool.cibuildwheel]`` in its pyproject.toml).  Last, installing nn-conv's sdist in that
venv fails at the compiler: without the wheel, nn-conv could not have been installed there.

Slow (about two minutes): marked ``ecosystem``; skipped when ``dist/`` holds no wheels and
``NNCORE_WHEELHOUSE`` is not set.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.ecosystem,
    pytest.mark.skipif(sys.platform != "linux", reason="manylinux wheels and /bin/false"),
]
tomllib = pytest.importorskip("tomllib")
Requirement = pytest.importorskip("packaging.requirements").Requirement

ROOT = Path(__file__).resolve().parents[1]
CONV = ROOT / "plugins" / "nn-conv"
#: every distribution: {name: its project folder}
PROJECTS = {
    tomllib.loads(path.read_text())["project"]["name"]: path.parent
    for path in [
        ROOT / "pyproject.toml",
        *sorted(ROOT.glob("plugins/*/pyproject.toml")),
        *sorted(ROOT.glob("examples/*/pyproject.toml")),
    ]
}
#: the extras installed with each distribution (nncore demo needs the core's)
EXTRAS = {"nncore-torch7": ["demo"], "nn-conv": ["test"]}
#: what a compiler could be called, none of which may be found on the venv's PATH
COMPILERS = ["gcc", "cc", "c99", "clang", "icx", "tcc", f"{platform.machine()}-linux-gnu-gcc"]


def _project(name: str) -> dict:
    return tomllib.loads((PROJECTS[name] / "pyproject.toml").read_text())


def _file_name(name: str) -> str:
    """The distribution name as sdist and wheel file names spell it."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _run(*args: str | Path, env: dict[str, str], cwd: Path | None = None, check: bool = True):
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} exited {result.returncode}:\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    given = os.environ.get("NNCORE_WHEELHOUSE")
    folder = Path(given) if given else ROOT / "dist"
    if not given and not list(folder.glob("*.whl")):
        pytest.skip("no wheels in dist/: `nox -s wheels` builds them and runs these tests")
    return folder


@pytest.fixture(scope="module")
def wheels(wheelhouse) -> dict[str, Path]:
    """``{distribution: its wheel}``; exactly one of each."""
    found = {}
    for name in PROJECTS:
        matches = sorted(wheelhouse.glob(f"{_file_name(name)}-*.whl"))
        assert len(matches) == 1, f"{name}: {[m.name for m in matches]}"
        found[name] = matches[0]
    return found


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """The environment of every command in the venv: no compiler on PATH, CC=/bin/false."""
    venv = tmp_path_factory.mktemp("wheels") / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NNCORE_", "PYTHONPATH", "VIRTUAL_ENV", "PYTEST_", "CIBW_"))
    }
    bin_dir = str(venv / "bin")
    return {
        **clean,
        "VIRTUAL_ENV": str(venv),
        "PATH": bin_dir,
        "CC": "/bin/false",
        "CXX": "/bin/false",
        "LDSHARED": "/bin/false",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def _pip(env: dict[str, str], *args: str | Path, check: bool = True):
    return _run("python", "-m", "pip", *args, env=env, check=check)


@pytest.fixture(scope="module")
def installed(wheels, wheelhouse, env) -> dict[str, str]:
    """Every wheel installed: third-party requirements from the index (wheels only), then
    ours from the wheelhouse alone."""
    ours = {_file_name(name) for name in PROJECTS}
    needed: set[str] = set()
    for name, wheel in wheels.items():
        with zipfile.ZipFile(wheel) as archive:
            (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
            lines = archive.read(metadata).decode().splitlines()
        for line in lines:
            if not line.startswith("Requires-Dist: "):
                continue
            requirement = Requirement(line.removeprefix("Requires-Dist: "))
            wanted = [{"extra": extra} for extra in ["", *EXTRAS.get(name, [])]]
            if _file_name(requirement.name) in ours:
                continue
            if requirement.marker is None or any(requirement.marker.evaluate(w) for w in wanted):
                requirement.marker = None
                needed.add(str(requirement))
    assert {"numpy>=1.24", "scipy>=1.11"} <= needed, needed
    _pip(env, "install", "--quiet", "--only-binary=:all:", *sorted(needed))
    targets = [f"{n}[{','.join(EXTRAS[n])}]" if n in EXTRAS else n for n in PROJECTS]
    _pip(
        env,
        "install",
        "--quiet",
        "--no-index",
        "--find-links",
        wheelhouse,
        "--only-binary=:all:",
        *targets,
    )
    return env


# --------------------------------------------------------------------------- the files
def test_an_sdist_and_a_wheel_of_every_distribution(wheelhouse):
    expected = set()
    for name in PROJECTS:
        version = _project(name)["project"]["version"]
        expected.add(f"{_file_name(name)}-{version}.tar.gz")
        if name != "nn-conv":
            expected.add(f"{_file_name(name)}-{version}-py3-none-any.whl")
    found = {path.name for path in wheelhouse.iterdir()}
    (conv,) = found - expected
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    machine = platform.machine()
    version = re.escape(_project("nn-conv")["project"]["version"])
    platforms = rf"manylinux\w+_{machine}(\.manylinux\w+_{machine})*"
    assert re.fullmatch(rf"nn_conv-{version}-{tag}-{tag}-{platforms}\.whl", conv), conv
    assert found == expected | {conv}


def test_each_sdist_holds_its_changelog_and_a_plugin_its_whole_tests_folder(wheelhouse):
    for name, folder in PROJECTS.items():
        version = _project(name)["project"]["version"]
        top = f"{_file_name(name)}-{version}"
        with tarfile.open(wheelhouse / f"{top}.tar.gz") as archive:
            members = {m.name.removeprefix(f"{top}/") for m in archive.getmembers() if m.isfile()}
        assert {"CHANGELOG.md", "README.md", "pyproject.toml"} <= members, name
        tests = {m for m in members if m.startswith("tests/")}
        if name == "nncore-torch7":
            assert tests == set(), "the core's tests need every plugin: not in its sdist"
        else:
            expected = {
                str(path.relative_to(folder))
                for path in (folder / "tests").rglob("*.py")
                if "__pycache__" not in path.parts
            }
            assert tests == expected, name


def test_nn_conv_wheel_holds_every_extension_linked_against_the_c_library_only(wheels):
    elffile = pytest.importorskip("elftools.elf.elffile")
    allowed = {"libc.so.6", "libm.so.6", "libpthread.so.0"}
    kernels = sorted(p.stem for p in (CONV / "nn_conv").glob("*.pyx"))
    with zipfile.ZipFile(wheels["nn-conv"]) as archive:
        names = archive.namelist()
        libraries = sorted(n for n in names if n.endswith(".so"))
        assert [n.split("/")[-1].split(".")[0] for n in libraries] == kernels
        assert not [n for n in names if n.endswith((".c", ".o")) or ".libs/" in n]
        for library in libraries:
            with archive.open(library) as stream:
                elf = elffile.ELFFile(stream)
                dynamic = elf.get_section_by_name(".dynamic")
                tags = [(t.entry.d_tag, getattr(t, "needed", None)) for t in dynamic.iter_tags()]
                assert not elf.get_section_by_name(".debug_info"), f"{library} is not stripped"
            needed = {value for tag, value in tags if tag == "DT_NEEDED"}
            assert needed <= allowed, f"{library} needs {needed - allowed}"
            assert not {tag for tag, _ in tags} & {"DT_RPATH", "DT_RUNPATH"}, library


# --------------------------------------------------------------------------- the venv
def test_no_compiler_is_reachable(env):
    assert [c for c in COMPILERS if shutil.which(c, path=env["PATH"])] == []
    assert _run("python", "-c", "print(1)", env=env).stdout.strip() == "1"


def test_nncore_reports_its_version_and_every_plugin_loads(installed):
    version = _project("nncore-torch7")["project"]["version"]
    assert _run("nncore", "--version", env=installed).stdout.strip() == f"nncore {version}"
    out = _run("nncore", "plugins", env={**installed, "NNCORE_STRICT": "1"}).stdout
    # one row a distribution; indented lines are notes (such as a slow registration)
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line[:1].strip()}
    assert set(rows) == set(PROJECTS) - {"nncore-torch7"}, out
    for name, row in rows.items():
        assert row[1:3] == [_project(name)["project"]["version"], "loaded"], out
        backend = ["compiled", "(Cython)"] if name == "nn-conv" else ["-"]
        assert row[4:] == backend, out


def test_nncore_demo_trains_lenet(installed, tmp_path):
    # nn-example-plugin provides a Linear too: the demo's nn.Linear is nn-basic's
    demo_env = {**installed, "NNCORE_STRICT": "1", "NNCORE_PREFER": "Linear=nn-basic"}
    out = _run(
        "nncore",
        "demo",
        "--epochs",
        "1",
        "--seed",
        "0",
        "--no-progress",
        "--out",
        tmp_path,
        env=demo_env,
    ).stdout
    accuracy = float(re.search(r"test accuracy: ([0-9.]+)", out).group(1))
    assert accuracy > 0.2, out  # one epoch; ten classes
    assert list(tmp_path.glob("*.png")), out


def test_nn_conv_tests_pass_as_cibuildwheel_runs_them(installed, tmp_path):
    settings = _project("nn-conv")["tool"]["cibuildwheel"]
    assert settings["test-extras"] == EXTRAS["nn-conv"]
    for source in settings["test-sources"]:
        shutil.copytree(
            CONV / source, tmp_path / source, ignore=shutil.ignore_patterns("__pycache__")
        )
    command = " && ".join(settings["test-command"])
    # cibuildwheel's venv has no second Linear, this one has nn-example-plugin's
    test_env = {**installed, "NNCORE_PREFER": "Linear=nn-basic"}
    _run("/bin/sh", "-c", command, env=test_env, cwd=tmp_path)


def test_installing_nn_conv_from_its_sdist_fails_there(installed, wheelhouse):
    """Its build requirements present, the build stops at the compiler, /bin/false."""
    build_requires = _project("nn-conv")["build-system"]["requires"]
    _pip(installed, "install", "--quiet", "--only-binary=:all:", *build_requires)
    (sdist,) = wheelhouse.glob("nn_conv-*.tar.gz")
    result = _pip(installed, "install", "--no-deps", "--no-build-isolation", sdist, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(r"error: command '\[?'?/bin/false", output, re.IGNORECASE), output[-3000:]
    # the wheel's nn-conv is still the one installed
    code = "from nn_conv import _backend; assert _backend.is_compiled(), _backend.REASON"
    _run("python", "-c", code, env=installed)
