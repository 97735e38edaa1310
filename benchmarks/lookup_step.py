"""A LookupTable training step against PyTorch's embedding on CPU, in the same process.

``LookupTable(50000, 128)`` in float32 on a batch of 64x64 ids: zero the gradient, forward,
backward, SGD update.  Four ways, timed round-robin:

- ours with a gradient buffer: ``zero_grad_parameters``, ``forward``, ``backward``,
  ``update_parameters`` - the dense step, which clears and reads all 25 MB of the gradient;
- ours in acc-update-only mode (torch/nn's ``accUpdateOnly``): no gradient buffer, ``forward``
  then ``acc_update_grad_parameters`` subtracts ``lr`` times each looked-up row's gradient
  from that row, so the step touches only those rows;
- PyTorch's dense ``nn.Embedding`` with ``torch.optim.SGD`` (the issue's reference);
- PyTorch's ``nn.Embedding(sparse=True)`` with SGD, its own answer to the same problem.

Before timing, one step of each from the same weights is checked against PyTorch's dense step.
A cleared gradient cannot be cleared row by row in the dense mode without knowing that nothing
else wrote into it (an optimiser's weight decay, or a user holding the flat gradient vector,
writes every row), so the sound fast step is the mode that keeps no gradient at all.

    python benchmarks/lookup_step.py             # print the table
    python benchmarks/lookup_step.py --record    # also rewrite "## LookupTable training step"

Needs ``pip install torch==2.13.0`` (the CPU wheel).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _harness import Step, medians, preamble, record, thread_budget

SECTION = "## LookupTable training step"
TARGET = 0.5
ROWS, WIDTH, LR = 50_000, 128, 0.01


def steps() -> tuple[list[Step], list[str]]:
    from nn_conv.lookup_table import LookupTable

    rng = np.random.default_rng(2)
    ids = rng.integers(0, ROWS, (64, 64))
    grad = rng.standard_normal((64, 64, WIDTH)).astype(np.float32)
    dense = LookupTable(ROWS, WIDTH).float()
    sparse = LookupTable(ROWS, WIDTH, acc_update_only=True).float()
    sparse.weight[...] = dense.weight

    def ours_dense() -> None:
        dense.zero_grad_parameters()
        dense.forward(ids)
        dense.backward(ids, grad)
        dense.update_parameters(LR)

    def ours_acc_update() -> None:
        sparse.forward(ids)
        sparse.acc_update_grad_parameters(ids, grad, LR)

    tids, tgrad = torch.from_numpy(ids), torch.from_numpy(grad)
    embeddings = [
        torch.nn.Embedding(ROWS, WIDTH, sparse=sparse_grad) for sparse_grad in (False, True)
    ]
    optimisers = [torch.optim.SGD(e.parameters(), lr=LR) for e in embeddings]
    for embedding in embeddings:
        with torch.no_grad():
            embedding.weight.copy_(torch.from_numpy(dense.weight))

    def torch_step(k: int) -> Step:
        def step() -> None:
            optimisers[k].zero_grad()
            embeddings[k](tids).backward(tgrad)
            optimisers[k].step()

        return step

    timed = [ours_dense, ours_acc_update, torch_step(0), torch_step(1)]
    for step in timed:
        step()
    expected = embeddings[0].weight.detach().numpy()
    for name, weight in (
        ("dense", dense.weight),
        ("acc-update-only", sparse.weight),
        ("PyTorch sparse", embeddings[1].weight.detach().numpy()),
    ):
        np.testing.assert_allclose(weight, expected, rtol=1e-6, atol=1e-6, err_msg=name)
    names = ["ours, dense gradient", "ours, acc-update-only", "PyTorch dense", "PyTorch sparse"]
    return timed, names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 0], help="0: defaults")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    import nn_conv  # after torch: its OpenMP runtime starts with its own settings

    lines = preamble(args.repeats, "float32", f"torch {torch.__version__}")
    lines += [
        "",
        "| threads | ours, dense gradient | ours, acc-update-only | PyTorch dense | "
        "PyTorch sparse | dense / PyTorch dense | acc-update-only / PyTorch dense | "
        "acc-update-only / PyTorch sparse | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    for threads in args.threads:
        clock = time.process_time if threads == 1 else time.perf_counter
        timed, _ = steps()
        with thread_budget(threads, torch, nn_conv):
            dense, acc, theirs, theirs_sparse = medians(timed, args.repeats, clock=clock)
        verdict = "met" if acc / theirs <= TARGET else "missed"
        label = "1 (CPU time)" if threads == 1 else "defaults (wall)"
        row = (
            f"| {label} | {dense * 1e3:.2f} ms | {acc * 1e3:.2f} ms | {theirs * 1e3:.2f} ms | "
            f"{theirs_sparse * 1e3:.2f} ms | {dense / theirs:.2f} | {acc / theirs:.2f} | "
            f"{acc / theirs_sparse:.2f} | <= {TARGET} ({verdict}) |"
        )
        lines.append(row)
        print(row, flush=True)
    if args.record:
        record(SECTION, lines)


if __name__ == "__main__":
    main()
