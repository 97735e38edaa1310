"""The torch tutorials' convnet (LP pooling, subtractive normalization) against PyTorch on CPU.

The network of the torch7 supervised-learning tutorial (``2_model.lua``, 3x32x32 images): two
stages of a 5x5 convolution (64 planes), Tanh, 2x2 LP pooling (p = 2) and subtractive
normalization over a 7-tap Gaussian, then Linear(1600, 128), Tanh, Linear(128, 10) and
LogSoftMax.  One training step: zero the gradients, forward, ClassNLL, backward (the images need
no gradient), SGD update.  PyTorch runs the same network written with its ops (``lp_pool2d``,
and the normalization as two ``conv2d`` over all planes, as torch/nn computes it), both in
float32, timed round-robin on one thread (process CPU time) and with the libraries' defaults
(wall time).

    python benchmarks/convnet.py             # print the table
    python benchmarks/convnet.py --record    # also rewrite the "## Tutorial convnet" section

Needs ``pip install torch==2.13.0`` (the CPU wheel).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _harness import Step, medians, preamble, record, thread_budget

import nncore
from nncore import nn

SECTION = "## Tutorial convnet"
TARGET = 1.0
PLANES, HIDDEN, CLASSES = 64, 128, 10
#: the tutorial's ``image.gaussian1D(7)``: amplitude 1, sigma 0.25 of the width
GAUSSIAN = np.exp(-0.5 * ((np.arange(7) - 3) / (0.25 * 7)) ** 2)


def ours_net() -> nn.Sequential:
    net = nn.Sequential()
    for n_in in (3, PLANES):
        net.add(nn.SpatialConvolutionMM(n_in, PLANES, 5, 5))
        net.add(nn.Tanh())
        net.add(nn.SpatialLPPooling(PLANES, 2, 2, 2, 2, 2))
        net.add(nn.SpatialSubtractiveNormalization(PLANES, GAUSSIAN))
    for layer in (
        nn.Reshape(PLANES * 5 * 5),
        nn.Linear(PLANES * 5 * 5, HIDDEN),
        nn.Tanh(),
        nn.Linear(HIDDEN, CLASSES),
        nn.LogSoftMax(),
    ):
        net.add(layer)
    return net.float()


class TorchNet(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.convs = torch.nn.ModuleList(torch.nn.Conv2d(n, PLANES, 5) for n in (3, PLANES))
        self.fc1 = torch.nn.Linear(PLANES * 5 * 5, HIDDEN)
        self.fc2 = torch.nn.Linear(HIDDEN, CLASSES)
        kernel = torch.from_numpy(np.outer(GAUSSIAN, GAUSSIAN)).float()
        # torch/nn's normalized kernel: summing it over all planes and taps gives 1
        self.register_buffer("mean", (kernel / (kernel.sum() * PLANES)).expand(1, PLANES, 7, 7))

    def subtractive(self, x: torch.Tensor) -> torch.Tensor:
        local = torch.nn.functional.conv2d(x, self.mean, padding=3)
        coef = torch.nn.functional.conv2d(torch.ones_like(x[:1]), self.mean, padding=3)
        return x - local / coef

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            x = torch.tanh(conv(x))
            x = self.subtractive(torch.nn.functional.lp_pool2d(x, 2, 2))
        x = torch.tanh(self.fc1(x.flatten(1)))
        return torch.log_softmax(self.fc2(x), dim=1)


def steps(batch: int) -> list[Step]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
    labels = rng.integers(0, CLASSES, batch)
    nncore.manual_seed(0)
    net, criterion = ours_net(), nn.ClassNLLCriterion().float()
    net.get(0).needs_grad_input = False
    params, grads = net.get_parameters()

    def ours() -> None:
        grads.fill(0)
        out = net.forward(x)
        criterion.forward(out, labels)
        net.backward(x, criterion.backward(out, labels))
        np.subtract(params, 0.01 * grads, out=params)

    theirs = TorchNet()
    tx, ty = torch.from_numpy(x), torch.from_numpy(labels)
    sgd = torch.optim.SGD(theirs.parameters(), lr=0.01)

    def pytorch() -> None:
        sgd.zero_grad()
        torch.nn.functional.nll_loss(theirs(tx), ty).backward()
        sgd.step()

    return [ours, pytorch]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 0], help="0: defaults")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    import nn_conv  # after torch: its OpenMP runtime starts with its own settings

    lines = preamble(args.repeats, "float32", f"torch {torch.__version__}")
    lines += [
        "",
        "| case | nncore | PyTorch | ours / PyTorch | target |",
        "|---|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    for batch in args.batches:
        for threads in args.threads:
            clock = time.process_time if threads == 1 else time.perf_counter
            with thread_budget(threads, torch, nn_conv):
                ours_s, theirs_s = medians(steps(batch), args.repeats, budget=0.05, clock=clock)
            ratio = ours_s / theirs_s
            verdict = "met" if ratio <= TARGET else "missed"
            label = f"training step, batch {batch}, " + (
                "1 thread (CPU time)" if threads == 1 else "default threads (wall)"
            )
            row = (
                f"| {label} | {ours_s * 1e3:.2f} ms | {theirs_s * 1e3:.2f} ms | {ratio:.2f} | "
                f"<= {TARGET} ({verdict}) |"
            )
            lines.append(row)
            print(row, flush=True)
    if args.record:
        record(SECTION, lines)


if __name__ == "__main__":
    main()
