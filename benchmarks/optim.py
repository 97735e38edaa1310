"""One update of a 10-million-parameter flat vector: nn-optim against torch.optim on the CPU.

For each algorithm both libraries have, the same float32 parameters, gradient and optimiser
state (after a warm-up step) are updated back to back in one process; the ratio is of medians
(ours / PyTorch's, below 1 is faster).  ``python benchmarks/optim.py [--size N] [--repeat R]``;
needs PyTorch (``nox -s bench``).
"""

from __future__ import annotations

import argparse
import platform
import time

import nn_optim
import numpy as np
import torch
from threadpoolctl import threadpool_info

from nncore import optim

#: (our name, our config, PyTorch's optimiser for the same update)
CASES = [
    ("sgd", {"learning_rate": 0.01}, lambda p: torch.optim.SGD(p, lr=0.01)),
    (
        "sgd",
        {"learning_rate": 0.01, "momentum": 0.9, "dampening": 0.0, "weight_decay": 1e-4},
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, weight_decay=1e-4),
    ),
    ("asgd", {"eta0": 0.01}, lambda p: torch.optim.ASGD(p, lr=0.01)),
    ("adagrad", {"learning_rate": 0.01}, lambda p: torch.optim.Adagrad(p, lr=0.01)),
    ("adadelta", {}, lambda p: torch.optim.Adadelta(p, lr=1.0)),
    ("adam", {"learning_rate": 1e-3}, lambda p: torch.optim.Adam(p, lr=1e-3)),
    ("adamax", {"epsilon": 1e-8}, lambda p: torch.optim.Adamax(p, lr=2e-3)),
    ("rmsprop", {}, lambda p: torch.optim.RMSprop(p, lr=1e-2)),
    ("rprop", {}, lambda p: torch.optim.Rprop(p, lr=0.1)),
    (
        "lbfgs",
        {"max_iter": 1, "tol_fun": 0.0, "tol_x": 0.0},
        lambda p: torch.optim.LBFGS(p, max_iter=1, tolerance_grad=0.0, tolerance_change=0.0),
    ),
]


def median(times: list[float]) -> float:
    return sorted(times)[len(times) // 2]


def measure(size: int, repeat: int) -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(0)
    gradient = rng.standard_normal(size).astype(np.float32)
    rows = []
    for name, config, make in CASES:
        x = rng.standard_normal(size).astype(np.float32)
        g = gradient.copy()
        state: dict = {}

        def feval(_, g=g):
            return 0.0, g

        p = torch.nn.Parameter(torch.from_numpy(x.copy()))
        opt = make([p])
        grad = torch.from_numpy(gradient.copy())

        def closure(p=p, grad=grad):
            p.grad = grad
            return torch.zeros((), dtype=torch.float64)

        optim[name](feval, x, config, state)  # warm-up: the state exists
        closure()
        opt.step(closure)
        ours, theirs = [], []
        for _ in range(repeat):  # back to back, alternating
            start = time.perf_counter()
            optim[name](feval, x, config, state)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            closure()
            opt.step(closure)
            theirs.append(time.perf_counter() - start)
        label = name + (" (momentum)" if config.get("momentum") else "")
        rows.append((label, median(ours) * 1e3, median(theirs) * 1e3))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(
        f"{platform.processor() or platform.machine()}, numpy {np.__version__}, torch "
        f"{torch.__version__} ({torch.get_num_threads()} threads), nn-optim "
        f"({nn_optim.get_num_threads()} threads), float32, n={args.size}"
    )
    print([(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()])
    print(f"{'update':20} {'ours ms':>9} {'torch ms':>9} {'ratio':>6}")
    for label, ours, theirs in measure(args.size, args.repeat):
        print(f"{label:20} {ours:9.1f} {theirs:9.1f} {ours / theirs:6.2f}")


if __name__ == "__main__":
    main()
