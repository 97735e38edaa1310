"""ShardedSampler: each rank's share of a training set, reshuffled every epoch from one seed."""

from __future__ import annotations

import numpy as np

from nncore.plugin import ArgumentError


class ShardedSampler:
    """Indices of this rank's examples for an epoch: equal shards of one shared permutation.

    Every rank draws the same permutation of ``range(n)`` for an epoch (from ``seed`` and the
    epoch number alone, so a run resumed on another number of ranks sees the same order) and
    keeps every ``size``-th index from position ``rank``.  Consecutive local batches of
    ``b`` examples then make up, across the ranks, exactly the global batches of ``b * size``
    examples one process would take from the same permutation.  When ``size`` does not divide
    ``n``, the permutation is padded with its own first indices (``drop_last=False``, so every
    example is seen) or cut short (``drop_last=True``), so that every shard has the same length
    and every rank takes the same number of steps.

    >>> [ShardedSampler(10, rank, 4, seed=0).indices(0).tolist() for rank in range(4)]
    [[4, 3, 8], [6, 5, 1], [2, 9, 4], [7, 0, 6]]
    >>> ShardedSampler(10, 1, 4, seed=0, drop_last=True).indices(0).tolist()
    [6, 5]
    """

    def __init__(
        self, n: int, rank: int, size: int, seed: int = 0, drop_last: bool = False
    ) -> None:
        if size < 1 or not 0 <= rank < size:
            raise ArgumentError(f"expected 0 <= rank < size, got rank {rank} of size {size}")
        if n < size:
            raise ArgumentError(f"expected at least one example per rank ({size}), got {n}")
        self.n, self.rank, self.size, self.seed, self.drop_last = n, rank, size, seed, drop_last

    @property
    def shard_size(self) -> int:
        """How many examples each rank gets per epoch."""
        return self.n // self.size if self.drop_last else -(-self.n // self.size)

    def permutation(self, epoch: int) -> np.ndarray:
        """The order of the whole set in ``epoch``, the same on every rank."""
        return np.random.default_rng([self.seed, epoch]).permutation(self.n)

    def indices(self, epoch: int) -> np.ndarray:
        """This rank's examples in ``epoch``, in the order it should visit them."""
        return shard(self.permutation(epoch), self.rank, self.size, self.drop_last)

    def __repr__(self) -> str:
        return (
            f"ShardedSampler(n={self.n}, rank={self.rank}, size={self.size}, seed={self.seed}, "
            f"drop_last={self.drop_last})"
        )


def shard(order: np.ndarray, rank: int, size: int, drop_last: bool = False) -> np.ndarray:
    """Rank ``rank``'s equal share of ``order``: every ``size``-th index from position ``rank``,
    ``order`` first padded by repeating its start (or cut, with ``drop_last``) to a multiple of
    ``size``.

    >>> shard(np.arange(7), 1, 3).tolist(), shard(np.arange(7), 1, 3, drop_last=True).tolist()
    ([1, 4, 0], [1, 4])
    """
    total = (len(order) // size if drop_last else -(-len(order) // size)) * size
    return np.resize(order, total)[rank::size]
