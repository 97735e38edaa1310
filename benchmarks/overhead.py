"""Forward+backward of small layers against the bare numpy expression of the same math.

Each case builds a registered class on a small batch and times ``forward`` then ``backward``
against numpy code written out here that computes the same output and input gradient (and
parameter gradients, for layers that have them) with no checks, in the same process on the same
arrays.  Before timing, the two are run once and their results compared.  The two are timed
alternately, ``--repeats`` loops each, on one thread in process CPU time; the median of the
paired ratios ours / bare is reported (lower is better; the target for pointwise, transfer,
table and criterion layers is 1.5), at three sizes that span the issue's range (batch 8 of 16
features, 50 of 64, 64 of 256), with the time ours adds at the middle size.  Rows are sorted
worst first at the middle size.

    python benchmarks/overhead.py            # float64, print the table
    python benchmarks/overhead.py --float    # float32
    python benchmarks/overhead.py --record   # also rewrite the "## Per-layer overhead" section
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _harness import Step, environment, record
from threadpoolctl import threadpool_limits

import nncore
from nncore import nn

SECTION = "## Per-layer overhead"
TARGET = 1.5
#: (batch, features) of each column; the middle one sorts the rows and gives the added time
SIZES = ((8, 16), (50, 64), (64, 256))
Bare = Callable[[Any, Any], object]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _pointwise(f: Callable[[np.ndarray], np.ndarray], df: Bare) -> Bare:
    """Bare ``y = f(x)``, ``dx = dy * f'(x, y)``."""

    def bare(x: np.ndarray, g: np.ndarray) -> object:
        y = f(x)
        return y, g * df(x, y)

    return bare


def _bare_linear(module: Any) -> Bare:
    w, b, gw, gb = module.weight, module.bias, module.grad_weight, module.grad_bias

    def bare(x: np.ndarray, g: np.ndarray) -> object:
        y = x @ w.T
        y += b
        np.add(gw, g.T @ x, out=gw)
        np.add(gb, g.sum(axis=0), out=gb)
        return y, g @ w

    return bare


def _bare_cmul(module: Any) -> Bare:
    w, gw = module.weight.reshape(1, -1), module.grad_weight.reshape(1, -1)

    def bare(x: np.ndarray, g: np.ndarray) -> object:
        np.add(gw, (g * x).sum(axis=0), out=gw)
        return x * w, g * w

    return bare


def _table(forward: Callable[[list[np.ndarray]], np.ndarray], backward: Bare) -> Bare:
    def bare(x: list[np.ndarray], g: np.ndarray) -> object:
        return forward(x), backward(x, g)

    return bare


def _winners(pick: Callable[..., np.ndarray]) -> Bare:
    def bare(x: list[np.ndarray], g: np.ndarray) -> object:
        y = pick(x[0], x[1])
        first = x[0] == y
        return y, [np.where(first, g, 0), np.where(first, 0, g)]

    return bare


def _criterion(loss: Callable[[np.ndarray, Any], float], grad: Bare) -> Bare:
    def bare(x: np.ndarray, t: Any) -> object:
        return loss(x, t), grad(x, t)

    return bare


def _nll(x: np.ndarray, t: np.ndarray) -> float:
    return -float(x[np.arange(len(t)), t].mean())


def _nll_grad(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    g = np.zeros_like(x)
    g[np.arange(len(t)), t] = -1 / len(t)
    return g


def _cross_entropy_grad(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    p = np.exp(_log_softmax(x))
    p[np.arange(len(t)), t] -= 1
    return p / len(t)


def _softmax(x: np.ndarray, g: np.ndarray) -> object:
    y = np.exp(_log_softmax(x))
    return y, y * (g - (g * y).sum(axis=1, keepdims=True))


def cases(
    rng: np.random.Generator, dtype: type, size: tuple[int, int] = SIZES[1]
) -> list[tuple[str, Any, Any, Any, Bare]]:
    """``(label, module, input, grad_output or target, bare)`` for each case, in ``dtype``, on
    ``size = (batch, features)``."""
    B, F = size
    x = rng.standard_normal((B, F)).astype(dtype)
    pos = rng.uniform(0.1, 2, (B, F)).astype(dtype)
    unit = rng.uniform(0.05, 0.95, (B, F)).astype(dtype)
    g = rng.standard_normal((B, F)).astype(dtype)
    pair = [rng.standard_normal((B, F)).astype(dtype), rng.uniform(1, 2, (B, F)).astype(dtype)]
    classes = rng.integers(0, F, B)
    linear, cmul = nn.Linear(F, F).type(dtype), nn.CMul(F).type(dtype)
    relu_slope = 0.01
    return [
        # transfer and pointwise
        ("Sigmoid", nn.Sigmoid(), x, g, _pointwise(_sigmoid, lambda x, y: y * (1 - y))),
        ("Tanh", nn.Tanh(), x, g, _pointwise(np.tanh, lambda x, y: 1 - y * y)),
        ("ReLU", nn.ReLU(), x, g, _pointwise(lambda x: np.maximum(x, 0), lambda x, y: x > 0)),
        (
            "LeakyReLU",
            nn.LeakyReLU(relu_slope),
            x,
            g,
            _pointwise(
                lambda x: np.where(x > 0, x, relu_slope * x),
                lambda x, y: np.where(x > 0, 1, relu_slope),
            ),
        ),
        (
            "ELU",
            nn.ELU(),
            x,
            g,
            _pointwise(
                lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
                lambda x, y: np.where(x > 0, 1, y + 1),
            ),
        ),
        (
            "SoftPlus",
            nn.SoftPlus(),
            x,
            g,
            _pointwise(lambda x: np.logaddexp(0, x), lambda x, y: _sigmoid(x)),
        ),
        (
            "LogSigmoid",
            nn.LogSigmoid(),
            x,
            g,
            _pointwise(lambda x: -np.logaddexp(0, -x), lambda x, y: _sigmoid(-x)),
        ),
        (
            "HardTanh",
            nn.HardTanh(),
            x,
            g,
            _pointwise(lambda x: np.clip(x, -1, 1), lambda x, y: (x > -1) & (x < 1)),
        ),
        ("Abs", nn.Abs(), x, g, _pointwise(np.abs, lambda x, y: np.sign(x))),
        ("Exp", nn.Exp(), x, g, _pointwise(np.exp, lambda x, y: y)),
        ("Square", nn.Square(), x, g, _pointwise(np.square, lambda x, y: 2 * x)),
        ("Sqrt", nn.Sqrt(), pos, g, _pointwise(np.sqrt, lambda x, y: 0.5 / y)),
        ("Log", nn.Log(), pos, g, _pointwise(np.log, lambda x, y: 1 / x)),
        ("MulConstant", nn.MulConstant(3.0), x, g, lambda x, g: (x * 3.0, g * 3.0)),
        ("AddConstant", nn.AddConstant(3.0), x, g, lambda x, g: (x + 3.0, g.copy())),
        ("Identity", nn.Identity(), x, g, lambda x, g: (x, g)),
        ("SoftMax", nn.SoftMax(), x, g, _softmax),
        (
            "LogSoftMax",
            nn.LogSoftMax(),
            x,
            g,
            lambda x, g: (
                (y := _log_softmax(x)),
                g - np.exp(y) * g.sum(axis=1, keepdims=True),
            ),
        ),
        # with parameters
        ("Linear", linear, x, g, _bare_linear(linear)),
        ("CMul", cmul, x, g, _bare_cmul(cmul)),
        # tables
        (
            "CAddTable",
            nn.CAddTable(),
            pair,
            g,
            _table(lambda x: x[0] + x[1], lambda x, g: [g.copy(), g.copy()]),
        ),
        (
            "CSubTable",
            nn.CSubTable(),
            pair,
            g,
            _table(lambda x: x[0] - x[1], lambda x, g: [g.copy(), -g]),
        ),
        (
            "CMulTable",
            nn.CMulTable(),
            pair,
            g,
            _table(lambda x: x[0] * x[1], lambda x, g: [g * x[1], g * x[0]]),
        ),
        (
            "CDivTable",
            nn.CDivTable(),
            pair,
            g,
            _table(lambda x: x[0] / x[1], lambda x, g: [(d := g / x[1]), -d * x[0] / x[1]]),
        ),
        ("CMaxTable", nn.CMaxTable(), pair, g, _winners(np.maximum)),
        ("CMinTable", nn.CMinTable(), pair, g, _winners(np.minimum)),
        (
            "JoinTable(1)",
            nn.JoinTable(1),
            pair,
            np.concatenate([g, g], axis=1),
            lambda x, g: (np.concatenate(x, axis=1), [g[:, :F].copy(), g[:, F:].copy()]),
        ),
        (
            "SplitTable(1)",
            nn.SplitTable(1),
            x[:, :4],
            [g[:, k] for k in range(4)],
            lambda x, g: ([x[:, k] for k in range(4)], np.stack(g, axis=1)),
        ),
        (
            "SelectTable(0)",
            nn.SelectTable(0),
            pair,
            g,
            lambda x, g: (x[0], [g, np.zeros_like(x[1])]),
        ),
        # criteria: forward (a float) and backward (the input gradient)
        (
            "MSECriterion",
            nn.MSECriterion(),
            x,
            pair[0],
            _criterion(
                lambda x, t: float(np.mean((x - t) ** 2)), lambda x, t: 2 * (x - t) / x.size
            ),
        ),
        (
            "AbsCriterion",
            nn.AbsCriterion(),
            x,
            pair[0],
            _criterion(
                lambda x, t: float(np.mean(np.abs(x - t))), lambda x, t: np.sign(x - t) / x.size
            ),
        ),
        (
            "BCECriterion",
            nn.BCECriterion(),
            unit,
            (pair[0] > 0).astype(dtype),
            _criterion(
                lambda p, t: -float(np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))),
                lambda p, t: (p - t) / (p * (1 - p)) / p.size,
            ),
        ),
        ("ClassNLLCriterion", nn.ClassNLLCriterion(), x, classes, _criterion(_nll, _nll_grad)),
        (
            "CrossEntropyCriterion",
            nn.CrossEntropyCriterion(),
            x,
            classes,
            _criterion(lambda x, t: _nll(_log_softmax(x), t), _cross_entropy_grad),
        ),
    ]


def _bound(bare: Bare, x: Any, g: Any) -> Callable[[], object]:
    return lambda: bare(x, g)


def ours(module: Any, x: Any, g: Any) -> Callable[[], object]:
    if isinstance(module, nncore.Criterion):
        return lambda: (module.forward(x, g), module.backward(x, g))
    return lambda: (module.forward(x), module.backward(x, g))


def ratio(mine: Callable[[], object], bare: Callable[[], object], repeats: int) -> tuple:
    """Median seconds per call of each, and the median of the paired ratios."""
    for fn in (mine, bare):
        fn()
    calls = 1
    while True:
        start = time.process_time()
        for _ in range(calls):
            bare()
        if time.process_time() - start > 0.005:
            break
        calls *= 2
    a, b = [], []
    for _ in range(repeats):
        for fn, times in ((mine, a), (bare, b)):
            start = time.process_time()
            for _ in range(calls):
                fn()
            times.append((time.process_time() - start) / calls)
    paired = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(paired)


def same(mine: Any, bare: Any, dtype: type) -> bool:
    """Whether two results (arrays, numbers, or tables of them) agree to ``dtype``'s rounding."""
    if isinstance(mine, (list, tuple)):
        return (
            isinstance(bare, (list, tuple))
            and len(mine) == len(bare)
            and all(same(a, b, dtype) for a, b in zip(mine, bare, strict=True))
        )
    tolerance = 1e-4 if dtype == np.float32 else 1e-9
    a, b = np.asarray(mine, np.float64), np.asarray(bare, np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=tolerance, atol=tolerance)


def checked_cases(dtype: type, size: tuple[int, int]) -> list[tuple[str, Step, Step]]:
    """``(label, ours, bare)`` for each case, after checking that the two compute the same."""
    nncore.manual_seed(0)
    timed = []
    for label, module, x, g, bare in cases(np.random.default_rng(0), dtype, size):
        module.type(dtype)
        mine = ours(module, x, g)
        if not same(mine(), bare(x, g), dtype):
            raise AssertionError(f"{label}: ours and the bare expression disagree at {size}")
        timed.append((label, mine, _bound(bare, x, g)))
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--float", action="store_true", help="float32 instead of float64")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    dtype = np.float32 if args.float else np.float64
    ratios: dict[str, list[float]] = {}
    added: dict[str, float] = {}  # ours minus bare at the middle size, seconds
    with threadpool_limits(1):
        for size in SIZES:
            for label, mine, bare in checked_cases(dtype, size):
                mine_s, bare_s, r = ratio(mine, bare, args.repeats)
                ratios.setdefault(label, []).append(r)
                if size == SIZES[1]:
                    added[label] = mine_s - bare_s
                print(
                    f"{label} at {size}: {mine_s * 1e6:.1f} us, bare {bare_s * 1e6:.1f} us, "
                    f"{r:.2f}x",
                    file=sys.stderr,
                )
    rows = sorted(ratios.items(), key=lambda item: item[1][1], reverse=True)
    sizes = [f"{b}x{f}" for b, f in SIZES]
    command = "python benchmarks/overhead.py " + " ".join(sys.argv[1:])
    lines = [
        f"`{command.strip()}` ({np.dtype(dtype).name}, one thread, process CPU time, median of "
        f"{args.repeats} paired loops; sizes are batch x features)",
        "",
    ]
    lines += [f"- {line}" for line in environment(f"nncore {nncore.__version__}")]
    lines += [
        "",
        f"| layer | added at {sizes[1]} | " + " | ".join(f"ours / bare, {s}" for s in sizes) + " |",
        "|---|" + "---:|" * (1 + len(sizes)),
    ]
    for label, values in rows:
        cells = " | ".join(f"{r:.2f}" + ("" if r <= TARGET else " ✗") for r in values)
        lines.append(f"| {label} | {added[label] * 1e6:.1f} µs | {cells} |")
    met = [sum(values[k] <= TARGET for _, values in rows) for k in range(len(SIZES))]
    lines += [
        "",
        f"Target ours / bare <= {TARGET} (✗: missed); met by "
        + ", ".join(f"{m} of {len(rows)} at {s}" for m, s in zip(met, sizes, strict=True))
        + ".",
    ]
    print("\n".join(lines))
    if args.record:
        record(f"{SECTION} ({np.dtype(dtype).name})", lines)


if __name__ == "__main__":
    main()
