"""``nncore demo``: train a small network on scikit-learn's bundled 8x8 digits.

The training loop is the classic Torch one: flatten every parameter and gradient once with
``get_parameters()``, then for each minibatch give ``optim.sgd`` (or ``--optim adam``, ...) a
``feval`` that zeroes the gradients and runs forward and backward through the network and the
criterion; the optimiser updates the parameters in place (:func:`train_epoch`, which
docs/index.md shows).  Layers come only through
``from nncore import nn`` and the algorithms through ``from nncore import optim``, so whichever
installed plugin provides them is used.

Needs the ``demo`` extra (scikit-learn, tqdm, matplotlib): ``pip install 'nncore-torch7[demo]'``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._module import Module
from .._registry import registry
from ..errors import ArgumentError
from ..random import manual_seed
from ._arguments import plot_destination, positive_float, positive_int
from .demo_models import MODELS
from .demo_plot import plot_curves, plot_path


@dataclass
class DemoResult:
    """What one training run produced."""

    accuracy: float
    plot: Path
    model: Module
    losses: list[float] = field(default_factory=list)
    train_accuracies: list[float] = field(default_factory=list)
    test_accuracies: list[float] = field(default_factory=list)
    #: the MPI rank that ran it (``--parallel``); rank 0 alone reports and saves the plot
    rank: int = 0


def load_digits_split(seed: int, test_size: float = 0.25) -> tuple[np.ndarray, ...]:
    """``(x_train, x_test, y_train, y_test)``: pixels scaled to [0, 1], 0-based class targets."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    return tuple(train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y))


def accuracy(model: Module, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose highest-scoring class is the target (model in eval mode)."""
    model.evaluate()
    predicted = model.forward(x).argmax(axis=1)
    model.training()
    return float(np.mean(predicted == y))


#: the optimisers ``--optim`` offers, with the learning rate each trains the demo with
LEARNING_RATES = {
    "sgd": 0.1,
    "nag": 0.05,
    "adagrad": 0.05,
    "adam": 0.002,
    "adamax": 0.004,
    "rmsprop": 0.001,
}


def train_epoch(
    model: Module,
    criterion: Any,
    params: np.ndarray,
    grads: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    batch_size: int,
    step: Any,
    config: dict[str, Any],
    state: dict[str, Any],
    backward: Callable[[Any, Any], Any] | None = None,
) -> float:
    """One pass of minibatch training over ``x[order]``, ``y[order]``; returns its mean loss.

    ``params, grads = model.get_parameters()``; ``criterion`` averages over a batch; ``step`` is
    an optimiser (``optim.sgd``, ``optim.adam``, ...) with its ``config`` and ``state``.  Each
    gradient is scaled by its batch's share of a full one, so that every example weighs the
    same: the last batch of a pass is short (1347 training digits are 84 batches of 16 and one
    of 3), and a full step on its few examples throws a trained LeNet off (test accuracy 0.95
    to 0.57).  ``backward`` replaces ``model.backward`` (a data-parallel one averages the
    gradients over the ranks).
    """
    backward = model.backward if backward is None else backward
    total = 0.0
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]

        def feval(
            _: np.ndarray, batch: np.ndarray = batch, share: float = len(batch) / batch_size
        ) -> tuple[float, np.ndarray]:
            inputs, targets = x[batch], y[batch]
            grads.fill(0.0)  # or model.zero_grad_parameters()
            output = model.forward(inputs)
            loss = criterion.forward(output, targets)
            backward(inputs, criterion.backward(output, targets))
            return loss, grads * share

        _, (loss, *_) = step(feval, params, config, state)  # updates params in place
        total += loss * len(batch)
    return total / len(order)


def train(
    model: Module,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    on_epoch: Callable[[int, float], None] | None = None,
    progress: bool = True,
    optimizer: str = "sgd",
    parallel: Any = None,
) -> list[float]:
    """Minibatch training on ``ClassNLLCriterion`` with ``nncore.optim.<optimizer>`` (learning
    rate ``lr``); returns the mean training loss of each epoch.

    With ``parallel`` (a data-parallel wrapper of ``model``, see :func:`run`), each rank trains
    on its shard of every epoch's order, ``batch_size / ranks`` examples a step, so that the
    ranks' batches together make the global batch of ``batch_size``; the losses are the ranks'
    mean.
    """
    from tqdm import tqdm

    from .._namespace import nn, optim

    criterion = nn.ClassNLLCriterion()
    params, grads = model.get_parameters()
    backward = None
    if parallel is not None:
        if batch_size % parallel.size:
            raise ArgumentError(
                f"expected a batch size divisible by the {parallel.size} ranks, got {batch_size}"
            )
        batch_size //= parallel.size
        backward = parallel.backward
    step = optim[optimizer]
    config: dict[str, Any] = {"learning_rate": lr}
    state: dict[str, Any] = {}
    order_rng = np.random.default_rng(seed)
    losses = []
    with tqdm(total=epochs, unit="epoch", desc="training", disable=not progress) as bar:
        for epoch in range(epochs):
            order = order_rng.permutation(len(x))  # the same on every rank
            if parallel is not None:
                order = parallel.shard(order)
            loss = train_epoch(
                model,
                criterion,
                params,
                grads,
                x,
                y,
                order,
                batch_size,
                step,
                config,
                state,
                backward,
            )
            losses.append(loss if parallel is None else parallel.mean(loss))
            if on_epoch is not None:
                on_epoch(epoch, losses[-1])
            bar.set_postfix(loss=f"{losses[-1]:.4f}")
            bar.update(1)
    return losses


def run(
    model: str = "lenet",
    epochs: int = 20,
    seed: int = 0,
    out: str | Path = ".",
    hidden: int = 64,
    lr: float | None = None,
    batch_size: int = 16,
    progress: bool = True,
    optimizer: str = "sgd",
    parallel: bool = False,
) -> DemoResult:
    """Train ``MODELS[model]`` on the digits, plot the curves, return the test accuracy.

    Deterministic for a given ``seed``: it seeds nncore's generator (initial weights), the
    train/test split and the minibatch order.  With ``parallel``, every rank of the MPI job
    (``mpiexec -n 4 nncore demo --parallel``) trains on its shard of the training set through
    the data-parallel wrapper a plugin provides (nn-parallel); only rank 0 shows progress and
    saves the plot (``result.plot`` is then its path on rank 0 alone).  An error on one rank
    ends the whole job.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {sorted(MODELS)}")
    if optimizer not in LEARNING_RATES:
        raise ValueError(
            f"unknown optimizer {optimizer!r}; expected one of {sorted(LEARNING_RATES)}"
        )
    wrapper = registry().data_parallel() if parallel else None
    manual_seed(seed)
    network = MODELS[model](hidden)
    if wrapper is None:
        return _run(network, model, epochs, seed, out, lr, batch_size, progress, optimizer)
    network.get_parameters()
    data_parallel = wrapper(network)
    with data_parallel.abort_on_error():
        return _run(
            network,
            model,
            epochs,
            seed,
            out,
            lr,
            batch_size,
            progress and data_parallel.is_root,
            optimizer,
            data_parallel,
        )


def _run(
    network: Module,
    model: str,
    epochs: int,
    seed: int,
    out: str | Path,
    lr: float | None,
    batch_size: int,
    progress: bool,
    optimizer: str,
    parallel: Any = None,
) -> DemoResult:
    """:func:`run` once the network is built (and distributed, with ``parallel``)."""
    rank = 0 if parallel is None else parallel.rank
    x_train, x_test, y_train, y_test = load_digits_split(seed)
    where = plot_path(out, model) if rank == 0 else Path(out)
    result = DemoResult(accuracy=0.0, plot=where, model=network, rank=rank)

    def evaluate(epoch: int, loss: float) -> None:
        result.train_accuracies.append(accuracy(network, x_train, y_train))
        result.test_accuracies.append(accuracy(network, x_test, y_test))

    result.losses = train(
        network,
        x_train,
        y_train,
        epochs,
        LEARNING_RATES[optimizer] if lr is None else lr,
        batch_size,
        seed,
        on_epoch=evaluate,
        progress=progress,
        optimizer=optimizer,
        parallel=parallel,
    )
    result.accuracy = result.test_accuracies[-1]
    if rank == 0:
        ranks = "" if parallel is None else f", {parallel.size} ranks"
        title = f"nncore demo: {model} on digits ({len(x_train)} train / {len(x_test)} test{ranks})"
        plot_curves(
            result.plot, result.losses, result.train_accuracies, result.test_accuracies, title
        )
    return result


def add_to(commands: Any) -> None:
    """Add ``nncore demo`` to the subcommands."""
    demo = commands.add_parser(
        "demo",
        help="train a small network on scikit-learn's digits",
        description="Train a network on scikit-learn's bundled 8x8 digits with plain SGD over "
        "get_parameters(), print the test accuracy and save a loss/accuracy plot.",
    )
    demo.add_argument(
        "--model",
        choices=sorted(MODELS),
        default="lenet",
        help="network to train (default: %(default)s)",
    )
    demo.add_argument(
        "--epochs",
        type=positive_int,
        default=20,
        help="passes over the training set (default: %(default)s)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds initialisation, split and shuffling (default: %(default)s)",
    )
    demo.add_argument(
        "--out",
        type=plot_destination,
        default=".",
        help="directory for the plot (nncore-demo-MODEL.png), or a .png file name "
        "(default: %(default)s)",
    )
    demo.add_argument(
        "--hidden",
        type=positive_int,
        default=64,
        help="hidden units of the fully connected layer (default: %(default)s)",
    )
    demo.add_argument(
        "--optim",
        choices=sorted(LEARNING_RATES),
        default="sgd",
        help="the nncore.optim algorithm (default: %(default)s)",
    )
    demo.add_argument(
        "--lr",
        type=positive_float,
        help="learning rate (default: 0.1 for sgd, the algorithm's own otherwise)",
    )
    demo.add_argument(
        "--batch-size", type=positive_int, default=16, help="minibatch size (default: %(default)s)"
    )
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    demo.add_argument(
        "--parallel",
        action="store_true",
        help="data-parallel training over the ranks of an MPI job, each on its shard of the "
        "training set (mpiexec -n 4 nncore demo --parallel; needs nn-parallel)",
    )
    demo.set_defaults(run=run_command)


def run_command(args: argparse.Namespace) -> int:
    result = run(
        model=args.model,
        epochs=args.epochs,
        seed=args.seed,
        out=args.out,
        hidden=args.hidden,
        lr=args.lr,
        batch_size=args.batch_size,
        progress=not args.no_progress,
        optimizer=args.optim,
        parallel=args.parallel,
    )
    if result.rank == 0:
        print(f"test accuracy: {result.accuracy:.4f}")
        print(f"plot: {result.plot.absolute()}")
    return 0
