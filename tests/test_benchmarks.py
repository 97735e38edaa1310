"""The benchmark scripts still run: each imports (as ``python benchmarks/x.py`` would), and the
cases that check themselves against PyTorch are built and checked at a small size.

Most benchmarks need PyTorch (``pip install torch==2.13.0``), which is no dependency: without
it their tests skip.  They time nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="needs torch==2.13.0 (the CPU wheel)"
)

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("[!_]*.py"))


@pytest.fixture
def benchmarks_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def test_every_script_is_listed():
    assert {"rnn", "lookup_step", "overhead", "conv", "convnet"} <= set(SCRIPTS)


@needs_torch
@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_starts(script):
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{script}.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


@needs_torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_char_rnn_cases_run_and_the_floor_agrees_with_pytorch(benchmarks_on_path, dtype):
    """The numpy floor checks itself against PyTorch's gradients as it is built; ours runs the
    example's feval, whose loss before training is about log(65), the loss of uniform guesses
    (its weights start in [-0.08, 0.08])."""
    rnn = importlib.import_module("rnn")
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, rnn.VOCAB, (rnn.BATCH, 3)), rng.integers(0, rnn.VOCAB, (rnn.BATCH, 3))
    ops = rnn.TorchOps(8)
    rnn.pytorch(ops, dtype, x, y)()
    rnn.numpy_floor(ops, dtype, x, y)()  # raises if its gradients are not PyTorch's
    loss = rnn.ours(8, 3, dtype, x, y)()
    assert abs(loss - np.log(rnn.VOCAB)) < 0.05


@needs_torch
def test_the_lookup_step_cases_agree_with_pytorch(benchmarks_on_path):
    lookup_step = importlib.import_module("lookup_step")
    timed, names = lookup_step.steps()  # one step of each, checked against PyTorch's dense step
    assert len(timed) == len(names) == 4


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_overhead_cases_compute_what_their_bare_expressions_do(benchmarks_on_path, dtype):
    """Every layer of overhead.py, at every size, gives the output and gradients of the numpy
    expression it is timed against (the benchmark checks this itself before timing)."""
    overhead = importlib.import_module("overhead")
    for size in overhead.SIZES:
        assert len(overhead.checked_cases(dtype, size)) >= 30


def test_the_overhead_check_catches_a_bare_expression_that_differs(benchmarks_on_path):
    overhead = importlib.import_module("overhead")
    x = np.linspace(-1, 1, 12).reshape(3, 4)
    assert overhead.same([x, 2 * x], [x, 2 * x], np.float64)
    assert not overhead.same([x, 2 * x], [x, 2 * x + 1e-6], np.float64)
    assert not overhead.same([x], [x, x], np.float64)
    assert not overhead.same(x, x[:2], np.float64)
