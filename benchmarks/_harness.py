"""The timing harness of ``conv.py``: medians of calls timed round-robin, thread budgets, the
machine's description, and rewriting one section of RESULTS.md.

It imports none of the libraries compared: the script imports them (PyTorch before nn-conv) and
hands over what the harness has to set or report.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

RESULTS = Path(__file__).with_name("RESULTS.md")
Step = Callable[[], object]


def calls_for(fn: Step, budget: float) -> int:
    """How many calls of ``fn`` take about ``budget`` seconds (at least one)."""
    fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= budget or calls >= 1 << 16:
            return calls
        calls *= 2


#: pause before each timed loop: BLAS and OpenMP worker threads keep spinning for a while
#: after a call, and would otherwise steal the cores from the next library timed
SETTLE = 0.25


def medians(
    steps: list[Step],
    repeats: int,
    budget: float = 0.02,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Median seconds per call of each step, timed round-robin so that the noise of a shared
    machine falls on all of them alike.  ``clock`` is wall time unless given (process CPU
    time, ``time.process_time``, is steadier for single-threaded work on a busy machine).

    Only wall-time loops pause (:data:`SETTLE`) before each step: in process CPU time other
    threads' spinning is not counted, and the pause would only make the loop start on cold
    caches (a char-rnn iteration in numpy measured 25-35% slower after it, PyTorch's 5-10%).
    """
    settle = SETTLE if clock is time.perf_counter else 0.0
    counts = [calls_for(step, budget) for step in steps]
    samples: list[list[float]] = [[] for _ in steps]
    for _ in range(repeats):
        for step, calls, times in zip(steps, counts, samples, strict=True):
            time.sleep(settle)
            step()  # warm again after the pause
            start = clock()
            for _ in range(calls):
                step()
            times.append((clock() - start) / calls)
    return [statistics.median(times) for times in samples]


def per_call(fn: Step, calls: int = 200) -> float:
    """Median of five timings of ``calls`` calls of ``fn``, in seconds per call."""
    fn()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


@contextlib.contextmanager
def thread_budget(threads: int, *libraries: Any) -> Iterator[None]:
    """``threads`` threads for each of ``libraries`` (modules with ``get_num_threads`` and
    ``set_num_threads``: PyTorch, nn-conv) and for the BLAS/OpenMP pools; 0 leaves every
    library at its default."""
    before = [library.get_num_threads() for library in libraries]
    if threads:
        for library in libraries:
            library.set_num_threads(threads)
    try:
        with threadpool_limits(threads or None):
            yield
    finally:
        for library, count in zip(libraries, before, strict=True):
            library.set_num_threads(count)


def environment(libraries: str) -> list[str]:
    """The date, the machine, the versions (``libraries`` describes the compared ones after
    Python's and numpy's), the thread pools in use and the load average."""
    pools = "; ".join(
        f"{p['internal_api']} {p.get('version') or ''} ({p['user_api']}, "
        f"{p['num_threads']} threads, "
        f"{p.get('architecture') or '?'})"
        for p in threadpool_info()
    )
    cpu = platform.machine()
    for line in (
        Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    ):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return [
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"machine: {cpu}, {len(os.sched_getaffinity(0))} cores, "
        f"{platform.system()} {platform.release()}",
        f"python {platform.python_version()}, numpy {np.__version__}, {libraries}",
        f"thread pools: {pools}",
        f"load average at start (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}",
    ]


def preamble(repeats: int, unit: str, libraries: str) -> list[str]:
    """A results section's first lines: the command as run, how it was timed (``repeats``
    round-robin loops, in ``unit``) and the :func:`environment` as a list."""
    command = " ".join(["python", f"benchmarks/{Path(sys.argv[0]).name}", *sys.argv[1:]])
    lines = [f"`{command}` (medians of {repeats} round-robin loops, {unit})", ""]
    return lines + [f"- {line}" for line in environment(libraries)]


def record(section: str, lines: list[str]) -> None:
    """Replace (or append) ``section`` of RESULTS.md, leaving other sections alone."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section_text = "\n".join([section, "", *lines]).rstrip() + "\n"
    pattern = re.compile(rf"^{re.escape(section)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section_text + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section_text
    RESULTS.write_text(text)
