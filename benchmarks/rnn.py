"""A char-rnn training iteration against PyTorch on CPU, in the same process.

One iteration of karpathy/char-rnn's ``train.lua`` (``feval`` of ``examples/char_rnn``): a
2-layer LSTM over one-hot characters, forward through ``steps`` clones sharing the flattened
parameters, the ClassNLL loss of every step, backward through time, the gradient clipped to
[-5, 5].  PyTorch runs the same network twice: written with torch ops (one cell per step,
autograd through time) and with ``torch.nn.LSTM``; both zero the gradients, run forward and
backward and clip as ours does.  The three are timed round-robin (``_harness.medians``) and the
ratios ours / PyTorch reported (lower is better for us): process CPU time on one thread, wall
time otherwise.  A fourth column times the same iteration in bare numpy (``_numpy_lstm``, checked
against PyTorch's gradients): the floor of any numpy implementation of this per-step
computation.

    python benchmarks/rnn.py                       # every case, printed
    python benchmarks/rnn.py --units 64 --steps 16 --threads 1
    python benchmarks/rnn.py --contended           # also with a competing CPU-bound process
    python benchmarks/rnn.py --record              # rewrite the "## char-rnn" section
                                                   # (--contended: its own section)

Needs ``pip install torch==2.13.0`` (the CPU wheel).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from _harness import Step, medians, preamble, record, thread_budget
from _numpy_lstm import NumpyLSTM

import nncore

SECTION = "## char-rnn"
VOCAB, BATCH, LAYERS, CLIP = 65, 50, 2, 5.0
#: target ratio ours / PyTorch (torch ops) for the 64-unit case on one thread
TARGET = 0.6

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
from char_rnn import train as char_rnn  # noqa: E402


class OneBatch:
    """A loader that hands ``feval`` the same batch every time."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.vocab_size, self.x, self.y = VOCAB, x, y

    def next_batch(self, split_index: int) -> tuple[np.ndarray, np.ndarray]:
        return self.x, self.y


def ours(units: int, steps: int, dtype: type, x: np.ndarray, y: np.ndarray) -> Step:
    nncore.manual_seed(0)
    options = ["--rnn_size", str(units), "--num_layers", str(LAYERS), "--seq_length", str(steps)]
    options += ["--batch_size", str(BATCH), "--grad_clip", str(CLIP)]
    options += ["--float"] if dtype == np.float32 else []
    with contextlib.redirect_stdout(io.StringIO()):  # its progress lines
        model = char_rnn.CharRNN(char_rnn.parse_options(options), cast(Any, OneBatch(x, y)))

    def step() -> float:
        return model.feval(model.params)[0]  # forward, backward through time, clipped gradient

    return step


class TorchOps(torch.nn.Module):
    """char-rnn's LSTM written with torch ops: ``i2h(x) + h2h(h)``, four gates, one cell per
    step, ``log_softmax`` of the decoder's output."""

    def __init__(self, units: int) -> None:
        super().__init__()
        sizes = [VOCAB] + [units] * (LAYERS - 1)
        self.i2h = torch.nn.ModuleList(torch.nn.Linear(n, 4 * units) for n in sizes)
        self.h2h = torch.nn.ModuleList(torch.nn.Linear(units, 4 * units) for _ in sizes)
        self.decoder = torch.nn.Linear(units, VOCAB)
        self.units = units

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        batch, steps = x.shape
        state = [torch.zeros(batch, self.units, dtype=self.decoder.weight.dtype)] * (2 * LAYERS)
        onehot = torch.nn.functional.one_hot(x, VOCAB).to(self.decoder.weight.dtype)
        loss = torch.zeros((), dtype=self.decoder.weight.dtype)
        for t in range(steps):
            h_in = onehot[:, t]
            for layer in range(LAYERS):
                c, h = state[2 * layer], state[2 * layer + 1]
                sums = self.i2h[layer](h_in) + self.h2h[layer](h)
                i, f, o, g = sums.view(batch, 4, self.units).unbind(1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                state[2 * layer], state[2 * layer + 1] = c, h
                h_in = h
            log_probs = torch.log_softmax(self.decoder(h_in), dim=1)
            loss = loss + torch.nn.functional.nll_loss(log_probs, y[:, t])
        return loss


class TorchLSTM(torch.nn.Module):
    """The same network on ``torch.nn.LSTM`` (its fused cell, one call for all steps)."""

    def __init__(self, units: int) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(VOCAB, units, LAYERS, batch_first=True)
        self.decoder = torch.nn.Linear(units, VOCAB)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        onehot = torch.nn.functional.one_hot(x, VOCAB).to(self.decoder.weight.dtype)
        out, _ = self.lstm(onehot)
        log_probs = torch.log_softmax(self.decoder(out), dim=2)
        # the sum over steps of each step's mean over the batch, as ours
        return torch.nn.functional.nll_loss(log_probs.flatten(0, 1), y.flatten()) * x.shape[1]


def pytorch(net: torch.nn.Module, dtype: type, x: np.ndarray, y: np.ndarray) -> Step:
    net = net.to(torch.float64 if dtype == np.float64 else torch.float32)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    params = list(net.parameters())

    def step() -> None:
        net.zero_grad()
        net(tx, ty).backward()
        torch.nn.utils.clip_grad_value_(params, CLIP)

    return step


@contextlib.contextmanager
def competitor(enabled: bool) -> Iterator[None]:
    """A CPU-bound process beside the benchmark while the block runs (``--contended``)."""
    if not enabled:
        yield
        return
    process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        process.kill()
        process.wait()


def numpy_floor(ops: TorchOps, dtype: type, x: np.ndarray, y: np.ndarray) -> Step:
    """The same iteration in bare numpy (``_numpy_lstm``), checked once against PyTorch's
    gradients of ``ops`` (whose parameters it starts from)."""
    floor = NumpyLSTM(ops, VOCAB, dtype)
    loss = floor.step(x, y, CLIP)
    ops.zero_grad()
    expected = ops(torch.from_numpy(x), torch.from_numpy(y))
    expected.backward()
    torch.nn.utils.clip_grad_value_(list(ops.parameters()), CLIP)
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    theirs = [
        [i2h.weight, i2h.bias, h2h.weight, h2h.bias]
        for i2h, h2h in zip(ops.i2h, ops.h2h, strict=True)
    ] + [[ops.decoder.weight, ops.decoder.bias]]
    assert abs(loss - float(expected.detach())) <= tolerance * x.shape[1], "numpy floor: loss"
    for group, reference in zip(floor.grads, theirs, strict=True):
        for got, want in zip(group, reference, strict=True):
            np.testing.assert_allclose(got, want.grad.numpy(), rtol=tolerance, atol=tolerance)
    return lambda: floor.step(x, y, CLIP)


def run_case(
    units: int, steps: int, dtype: type, threads: int, repeats: int
) -> tuple[float, float, float, float]:
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, VOCAB, (BATCH, steps)), rng.integers(0, VOCAB, (BATCH, steps))
    torch.manual_seed(0)
    ops = TorchOps(units)
    timed = [
        ours(units, steps, dtype, x, y),
        pytorch(ops, dtype, x, y),
        pytorch(TorchLSTM(units), dtype, x, y),
        numpy_floor(ops, dtype, x, y),
    ]
    with thread_budget(threads, torch):
        # one thread: process CPU time, which other processes on the machine disturb less
        clock = time.process_time if threads == 1 else time.perf_counter
        ours_s, ops_s, lstm_s, floor_s = medians(timed, repeats, budget=0.05, clock=clock)
    return ours_s, ops_s, lstm_s, floor_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--steps", type=int, nargs="+", default=[16, 50])
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 0], help="0: defaults")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--contended", action="store_true", help="also time beside a busy process")
    parser.add_argument("--record", action="store_true", help="rewrite RESULTS.md's section")
    args = parser.parse_args()

    lines = preamble(args.repeats, "ms", f"torch {torch.__version__}")
    header = (
        "| case | nncore | torch ops | torch.nn.LSTM | numpy floor | ours / torch ops "
        "| ours / LSTM | floor / torch ops |"
    )
    lines += ["", header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    print("\n".join(lines), flush=True)
    modes = [False, True] if args.contended else [False]
    for units in args.units:
        for steps in args.steps:
            for dtype_name in args.dtypes:
                for threads in args.threads:
                    times = []
                    for contended in modes:
                        with competitor(contended):
                            times.append(
                                run_case(
                                    units, steps, np.dtype(dtype_name).type, threads, args.repeats
                                )
                            )
                        label = (
                            f"{units} units, {steps} steps, {dtype_name}, "
                            f"{threads or 'default'} thread{'s' if threads != 1 else ''}"
                            + (", contended" if contended else "")
                        )
                        ours_s, ops_s, lstm_s, floor_s = times[-1]
                        row = (
                            f"| {label} | {ours_s * 1e3:.1f} | {ops_s * 1e3:.1f} | "
                            f"{lstm_s * 1e3:.1f} | {floor_s * 1e3:.1f} | {ours_s / ops_s:.2f} | "
                            f"{ours_s / lstm_s:.2f} | {floor_s / ops_s:.2f} |"
                        )
                        lines.append(row)
                        print(row, flush=True)
                    if args.contended:
                        (o0, p0, l0, f0), (o1, p1, l1, f1) = times
                        row = (
                            f"| {units} units, {steps} steps, {dtype_name}, "
                            f"{threads or 'default'} thread{'s' if threads != 1 else ''}: "
                            "slowdown when contended | "
                            f"{o1 / o0:.2f}x | {p1 / p0:.2f}x | {l1 / l0:.2f}x | {f1 / f0:.2f}x "
                            "| | | |"
                        )
                        lines.append(row)
                        print(row, flush=True)
    lines.append("")
    lines.append(f"Target: ours / torch ops <= {TARGET} for 64 units on one thread.")
    if args.record:
        record(SECTION + (", beside a busy process" if args.contended else ""), lines)


if __name__ == "__main__":
    main()
