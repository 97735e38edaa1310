"""``find_modules`` on a 10,000-module network: milliseconds per query (target: under 10 ms).

The network nests nn-basic and nn-table containers (Sequential, ConcatTable) around nn-basic and
nn-conv layers; each query kind (class, short name, qualified name, wildcard, provider wildcard,
predicate) runs on it repeatedly and the median and best times are printed.  Building the network
is not timed, nor the first call of each query (which caches the class names).  Times are the
median CPU time of the process (robust on a shared machine) and the best wall time.

    python benchmarks/find_modules.py [--modules 10000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

import nncore
from nncore import nn

TARGET_MS = 10.0


def network(size: int) -> nncore.Module:
    """A root Sequential of 16-module blocks around a ConcatTable of two small Sequentials."""
    nncore.manual_seed(0)
    linear, conv = nn["nn-basic:Linear"], nn["nn-conv:SpatialConvolution"]
    root = nn.Sequential()
    count = 1
    while count < size:
        left = nn.Sequential().add(linear(2, 2)).add(nn.Tanh()).add(linear(2, 2)).add(nn.ReLU())
        right = (
            nn.Sequential()
            .add(conv(1, 1, 1, 1))
            .add(nn.Sigmoid())
            .add(nn.Identity())
            .add(conv(1, 1, 1, 1))
            .add(nn.Tanh())
        )
        block = nn.Sequential().add(nn.ConcatTable().add(left).add(right)).add(nn.CAddTable())
        block.add(linear(2, 2)).add(nn.Tanh())
        root.add(block)
        count += 16
    return root


def queries() -> dict[str, object]:
    linear_class = nn["nn-basic:Linear"]
    return {
        "class (nn-basic Linear)": linear_class,
        "short name 'Linear'": "Linear",
        "qualified 'nn-basic:Linear'": "nn-basic:Linear",
        "wildcard '*Conv*'": "*Conv*",
        "provider 'nn-table:*'": "nn-table:*",
        "predicate (has parameters)": lambda m: bool(m.parameter_names),
    }


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median CPU time and best wall time of ``fn()``, in ms.

    CPU time (the process's own) is the figure of merit: on a shared machine wall time also
    counts the time other processes hold the core.
    """
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(cpu) * 1e3, min(wall) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args, _ = parser.parse_known_args()  # `nox -s bench` passes its arguments to every script

    net = network(args.modules)
    total = len(net.list_modules())
    print(
        f"find_modules on {total} modules ({platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}); {args.repeat} runs each"
    )
    print(f"{'query':32s} {'CPU ms (median)':>15s} {'wall ms (best)':>15s} {'matches':>8s}")
    cpu, wall = timed(lambda: sum(1 for _ in net.named_modules()), args.repeat)
    print(f"{'(named_modules walk only)':32s} {cpu:15.2f} {wall:15.2f} {total:8d}")
    slow = []
    for label, query in queries().items():
        matches = len(net.find_modules(query).modules)  # warm: class names are cached once
        cpu, wall = timed(lambda q=query: net.find_modules(q), args.repeat)
        print(f"{label:32s} {cpu:15.2f} {wall:15.2f} {matches:8d}")
        if cpu > TARGET_MS:
            slow.append(label)
    print(
        f"target: under {TARGET_MS:g} ms per query: "
        + ("met" if not slow else f"missed by {', '.join(slow)}")
    )


if __name__ == "__main__":
    main()
