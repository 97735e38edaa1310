"""fit: minibatch training of a DataParallel network with any optimiser, resumable."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from nncore.plugin import ArgumentError

from .checkpoint import load_checkpoint, save_checkpoint

if TYPE_CHECKING:
    from .data_parallel import DataParallel


def fit(
    parallel: DataParallel,
    criterion: Any,
    x: np.ndarray,
    y: np.ndarray,
    optimizer: Callable[..., Any],
    config: dict[str, Any],
    state: dict[str, Any],
    epochs: int,
    batch_size: int,
    seed: int = 0,
    checkpoint: str | os.PathLike | None = None,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Train ``parallel.network`` on ``x``, ``y`` for ``epochs`` epochs; every rank calls it with
    the whole set and trains on its shard (collective).

    ``batch_size`` is the global batch: each rank takes ``batch_size / size`` examples of its
    :class:`ShardedSampler` shard per step, and the averaged gradients are those of the global
    batch (``criterion`` averaging over its batch).  ``optimizer`` is any function with
    torch/optim's contract (``nncore.optim.sgd``, ``nncore.optim.adam``, ...) and updates the
    flat parameters in place with ``config`` and ``state``; every rank takes the same step.
    With ``checkpoint``, the run first resumes from that file if it exists, and rank 0 saves
    it after every epoch.  Returns the mean training loss (over all ranks) of each epoch run.
    """
    if batch_size % parallel.size:
        raise ArgumentError(
            f"expected a batch size divisible by the {parallel.size} ranks, got {batch_size}"
        )
    local = batch_size // parallel.size
    first = 0 if checkpoint is None else load_checkpoint(parallel, checkpoint, state)
    sampler = parallel.sampler(len(x), seed)
    network, params, grads = parallel.network, parallel.params, parallel.grads
    losses = []
    for epoch in range(first, epochs):
        order = sampler.indices(epoch)
        total = 0.0
        for start in range(0, len(order), local):
            batch = order[start : start + local]

            def feval(
                _: np.ndarray, batch: np.ndarray = batch, share: float = len(batch) / local
            ) -> tuple[float, np.ndarray]:
                # a short last batch weighs its share of a full one (the same share on every
                # rank: the shards have equal lengths)
                grads.fill(0.0)
                output = network.forward(x[batch])
                loss = criterion.forward(output, y[batch])
                parallel.backward(x[batch], criterion.backward(output, y[batch]))
                return loss, grads * share

            _, (loss, *_) = optimizer(feval, params, config, state)
            total += loss * len(batch)
        losses.append(parallel.mean(total / len(order)))
        if checkpoint is not None:
            save_checkpoint(parallel, checkpoint, epoch + 1, state)
        if on_epoch is not None:
            on_epoch(epoch, losses[-1])
    return losses
