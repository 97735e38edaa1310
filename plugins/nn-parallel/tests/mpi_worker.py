"""What each rank runs in the tests: ``mpiexec -n N python mpi_worker.py SCENARIO ARGS...``.

Rank 0 writes what the test compares to an ``.npz`` file; the test itself is the other side.
"""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
from nn_parallel import DataParallel, abort_on_error, fit, world

from nncore import manual_seed, nn, optim

N_IN, N_HIDDEN, N_OUT = 6, 5, 3
BATCH, STEPS = 8, 20


def network(hidden: int = N_HIDDEN) -> nn.Sequential:
    """The same initial weights on every rank and in the test's single process."""
    manual_seed(0)
    return nn.Sequential(
        nn.Linear(N_IN, hidden), nn.Tanh(), nn.Linear(hidden, N_OUT), nn.LogSoftMax()
    )


def shared_network() -> nn.Sequential:
    """A chain whose third child shares the first one's parameters: their gradient is final
    only once the first child has run its backward."""
    manual_seed(0)
    first = nn.Linear(N_IN, N_IN)
    return nn.Sequential(
        first,
        nn.Tanh(),
        first.clone("weight", "bias"),
        nn.Tanh(),
        nn.Linear(N_IN, N_OUT),
        nn.LogSoftMax(),
    )


def data(n: int = BATCH * STEPS) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.standard_normal((n, N_IN)), rng.integers(0, N_OUT, n)


def steps(parallel: DataParallel, algorithm: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """STEPS steps, each rank on its contiguous part of each batch of BATCH examples."""
    criterion = nn.ClassNLLCriterion()
    local = BATCH // parallel.size
    config: dict = {"learning_rate": 0.1 if algorithm == "sgd" else 0.01}
    state: dict = {}
    for step in range(STEPS):
        part = slice(
            step * BATCH + parallel.rank * local, step * BATCH + (parallel.rank + 1) * local
        )

        def feval(_: np.ndarray, part: slice = part) -> tuple[float, np.ndarray]:
            parallel.grads.fill(0.0)
            output = parallel.network.forward(x[part])
            loss = criterion.forward(output, y[part])
            parallel.backward(x[part], criterion.backward(output, y[part]))
            return loss, parallel.grads

        optim[algorithm](feval, parallel.params, config, state)
    return parallel.params.copy()


def equivalence(out: str) -> None:
    x, y = data()
    results = {}
    for algorithm in ("sgd", "adam"):
        for overlap, bucket in ((True, 0), (True, 1 << 20), (False, 0)):
            net = network()
            net.get_parameters()
            parallel = DataParallel(net, overlap=overlap, bucket_bytes=bucket)
            results[f"{algorithm}-{overlap}-{bucket}"] = steps(parallel, algorithm, x, y)
            results[f"buckets-{overlap}-{bucket}"] = np.array(parallel.reducer.buckets)
    for algorithm in ("sgd", "adam"):
        net = shared_network()
        net.get_parameters()
        parallel = DataParallel(net, bucket_bytes=0)
        results[f"shared-{algorithm}"] = steps(parallel, algorithm, x, y)
        results["buckets-shared"] = np.array(parallel.reducer.buckets)
    if world().Get_rank() == 0:
        np.savez(out, **results)


def mismatch(kind: str) -> None:
    rank = world().Get_rank()
    net = network(hidden=4 if kind == "layout" and rank == 1 else N_HIDDEN)
    if not (kind == "unflattened" and rank == 1):
        net.get_parameters()
    try:
        DataParallel(net)
    except Exception as error:
        print(f"rank {rank}: {type(error).__name__}: {error}", flush=True)
        raise SystemExit(3) from None


def failure(kind: str) -> None:
    """Rank 1 fails in the middle of training while the others wait in an allreduce."""
    x, y = data()
    net = network()
    net.get_parameters()
    parallel = DataParallel(net)
    with abort_on_error():
        for step in range(1000):
            if step == 3 and parallel.rank == 1:
                if kind == "raise":
                    raise RuntimeError("rank 1 fails on purpose")
                os.kill(os.getpid(), signal.SIGKILL)
            steps(parallel, "sgd", x, y)


def resume(checkpoint: str, epochs: str, out: str) -> None:
    x, y = data(48)  # whole global batches of 12, equal shards on 1, 2 or 4 ranks
    net = network()
    net.get_parameters()
    parallel = DataParallel(net)
    state: dict = {}
    with abort_on_error():
        fit(
            parallel,
            nn.ClassNLLCriterion(),
            x,
            y,
            optim.adam,
            {"learning_rate": 0.01},
            state,
            epochs=int(epochs),
            batch_size=12,
            seed=5,
            checkpoint=checkpoint,
        )
    if parallel.is_root:
        np.savez(out, params=parallel.params)


if __name__ == "__main__":
    scenario, *arguments = sys.argv[1:]
    {"equivalence": equivalence, "mismatch": mismatch, "failure": failure, "resume": resume}[
        scenario
    ](*arguments)
