"""Linear forward+backward and the per-call overhead of tiny modules, against PyTorch on CPU.

Both libraries are measured in the same process with the same thread pools (printed with
``threadpoolctl``).  Each case is timed as ``--repeats`` batches of enough calls to last a few
milliseconds, ours and PyTorch's alternately; the median time per call is reported, with the
median of the paired ratios ours / PyTorch (lower is better for us).  The Linear case runs with
the default thread pools and again with one thread (on a shared machine the single-threaded
ratio is the steadier one).

    python benchmarks/linear.py            # print the table
    python benchmarks/linear.py --record   # also rewrite this section of benchmarks/RESULTS.md

Needs ``pip install torch==2.13.0`` (the CPU wheel) next to nncore and nn-basic.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_info, threadpool_limits

import nncore
from nncore import nn

SECTION = "## Linear and per-call overhead"
RESULTS = Path(__file__).with_name("RESULTS.md")
TARGETS = {"Linear": 1.1, "tiny": 0.3}


Clock = Callable[[], float]


def _loop(fn: Callable[[], object], calls: int, clock: Clock, settle: float = 0.0) -> float:
    time.sleep(settle)
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def _calls_for(fn: Callable[[], object], budget: float, clock: Clock) -> int:
    """How many calls of ``fn`` last about ``budget`` seconds (after a warm-up)."""
    for _ in range(3):
        fn()
    calls = 1
    while _loop(fn, calls, clock) * calls < budget:
        calls *= 2
    return calls


def paired(
    ours: Callable[[], object],
    theirs: Callable[[], object],
    repeats: int,
    clock: Clock = time.perf_counter,
    settle: float = 0.0,
    budget: float = 0.005,
) -> tuple[float, float, float]:
    """Median seconds per call of each, and the median of the paired ratios ours / theirs.

    The two are timed alternately, loop after loop, so both see the same load on a shared
    machine; the ratio of each pair cancels what drifts between pairs.  Single-threaded cases
    use the process's CPU time (``time.process_time``), which other processes' load does not
    inflate; multi-threaded ones use wall time, and sleep ``settle`` seconds before each loop:
    a thread pool keeps spinning for a while after its last call (OpenBLAS for up to ~0.1 s),
    which would steal the cores from the other library's threads.
    """
    calls_ours, calls_theirs = _calls_for(ours, budget, clock), _calls_for(theirs, budget, clock)
    samples = [
        (_loop(ours, calls_ours, clock, settle), _loop(theirs, calls_theirs, clock, settle))
        for _ in range(repeats)
    ]
    return (
        statistics.median(o for o, _ in samples),
        statistics.median(t for _, t in samples),
        statistics.median(o / t for o, t in samples),
    )


def linear_cases(dtype: type, batch: int = 64, n_in: int = 784, n_out: int = 512):
    """Forward+backward of Linear(784, 512) on a batch, ours and PyTorch's, same values."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, n_in)).astype(dtype)
    grad_output = rng.standard_normal((batch, n_out)).astype(dtype)
    ours = nn.Linear(n_in, n_out).type(dtype)

    def ours_step() -> None:
        ours.forward(x)
        ours.backward(x, grad_output)

    theirs = torch.nn.Linear(n_in, n_out).to(getattr(torch, np.dtype(dtype).name))
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight))
        theirs.bias.copy_(torch.from_numpy(ours.bias))
    tx = torch.from_numpy(x).requires_grad_(True)
    tgrad = torch.from_numpy(grad_output)

    def torch_step() -> None:
        tx.grad = None  # grad_input is recomputed each call, as ours is
        theirs(tx).backward(tgrad)

    _check_same(ours, theirs, x, grad_output, tx, ours_step, torch_step)
    return ours_step, torch_step


def _check_same(ours, theirs, x, grad_output, tx, ours_step, torch_step) -> None:
    """One step of each gives the same output and gradients (so the timings compare like work)."""
    ours.zero_grad_parameters()
    theirs.zero_grad()
    ours_step()
    torch_step()
    tol = dict(rtol=1e-4, atol=1e-4) if x.dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    with torch.no_grad():
        np.testing.assert_allclose(ours.output, theirs(tx).numpy(), **tol)
    np.testing.assert_allclose(ours.grad_input, tx.grad.numpy(), **tol)
    np.testing.assert_allclose(ours.grad_weight, theirs.weight.grad.numpy(), **tol)
    np.testing.assert_allclose(ours.grad_bias, theirs.bias.grad.numpy(), **tol)


def tiny_cases():
    """Single-example calls where the arithmetic is negligible: the cost is the call itself."""
    x10 = np.random.default_rng(1).standard_normal(10)
    g10 = np.ones(10)
    t10, tg10 = torch.from_numpy(x10), torch.from_numpy(g10)
    t10_grad = t10.clone().requires_grad_(True)

    def ours_step(module) -> Callable[[], object]:
        def step() -> None:
            module.forward(x10)
            module.backward(x10, g10)

        return step

    def torch_step(module) -> Callable[[], object]:
        def step() -> None:
            t10_grad.grad = None
            module(t10_grad).backward(tg10)

        return step

    def no_grad(fn: Callable[[], object]) -> Callable[[], object]:
        def call() -> object:
            with torch.no_grad():
                return fn()

        return call

    linear, tlinear = nn.Linear(10, 10), torch.nn.Linear(10, 10).double()
    tanh, ttanh = nn.Tanh(), torch.nn.Tanh()
    return {
        "Linear(10, 10) forward": (lambda: linear.forward(x10), lambda: tlinear(t10)),
        "Linear(10, 10) forward, torch.no_grad": (
            lambda: linear.forward(x10),
            no_grad(lambda: tlinear(t10)),
        ),
        "Linear(10, 10) forward+backward": (ours_step(linear), torch_step(tlinear)),
        "Tanh(10) forward": (lambda: tanh.forward(x10), lambda: ttanh(t10)),
        "Tanh(10) forward+backward": (ours_step(tanh), torch_step(ttanh)),
    }


@contextlib.contextmanager
def threads(count: int | None):
    """Limit numpy's BLAS and PyTorch to ``count`` threads (None: leave them as they are)."""
    if count is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        with threadpool_limits(limits=count):
            yield
    finally:
        torch.set_num_threads(before)


def measure(repeats: int) -> list[tuple[str, str, float, float, float]]:
    """``[(group, case, ours_seconds, torch_seconds, median_ratio)]``."""
    rows = []
    for count in (None, 1):
        label = (
            f"{torch.get_num_threads()} threads, wall" if count is None else "1 thread, CPU time"
        )
        clock = time.perf_counter if count is None else time.process_time
        settle = 0.2 if count is None else 0.0
        with threads(count):
            for dtype in (np.float32, np.float64):
                ours, theirs = linear_cases(dtype)
                name = f"Linear(784, 512) fwd+bwd, batch 64, {np.dtype(dtype).name}, {label}"
                rows.append(("Linear", name, *paired(ours, theirs, repeats, clock, settle)))
    with threads(1):
        for name, (ours, theirs) in tiny_cases().items():
            rows.append(("tiny", name, *paired(ours, theirs, repeats, time.process_time)))
    return rows


def _time(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.3f} ms"


def environment() -> list[str]:
    pools = [
        f"{p['internal_api']} {p.get('version') or ''} ({p['user_api']}, "
        f"{p['num_threads']} threads, {p.get('architecture') or '?'}) from "
        f"{Path(p['filepath']).name}"
        for p in threadpool_info()
    ]
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    return [
        f"date: {datetime.date.today().isoformat()}",
        f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), nncore {nncore.__version__}",
        "thread pools: " + "; ".join(pools),
    ]


def table(rows: list[tuple[str, str, float, float, float]]) -> list[str]:
    lines = ["| case | nncore | PyTorch | ours / PyTorch | target |", "|---|---:|---:|---:|---:|"]
    for group, name, ours, theirs, ratio in rows:
        target = TARGETS[group]
        verdict = "met" if ratio <= target else "missed"
        lines.append(
            f"| {name} | {_time(ours)} | {_time(theirs)} | {ratio:.2f} | <= {target} ({verdict}) |"
        )
    return lines


BEGIN = "<!-- begin: benchmarks/linear.py output -->"
END = "<!-- end: benchmarks/linear.py output -->"


def record(measured: list[str]) -> None:
    """Put ``measured`` between the markers of this benchmark's section of RESULTS.md.

    The prose around the markers (the analysis) and the other benchmarks' sections are kept.
    """
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = "\n".join([BEGIN, *measured, END])
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + f"\n\n{SECTION}\n\n{block}\n"
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed loops per case")
    parser.add_argument(
        "--record",
        action="store_true",
        help=f"update the measurements in {SECTION!r} of RESULTS.md",
    )
    args = parser.parse_args()
    nncore.manual_seed(0)
    torch.manual_seed(0)
    rows = measure(args.repeats)
    env = environment()
    lines = table(rows)
    print("\n".join(env + [""] + lines))
    if args.record:
        how = f"`python benchmarks/linear.py --record` (medians of {args.repeats} paired loops)"
        record([how, "", *[f"- {line}" for line in env], "", *lines])
        print(f"recorded in {RESULTS}")


if __name__ == "__main__":
    main()
