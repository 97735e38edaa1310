"""ShardedSampler: equal, disjoint shards of one permutation per epoch, the remainder handled."""

from __future__ import annotations

import numpy as np
import pytest
from nn_parallel import ShardedSampler, shard

from nncore.plugin import ArgumentError


@pytest.mark.parametrize("n, size", [(12, 4), (13, 4), (7, 2), (5, 5), (100, 3)])
def test_shards_are_equal_and_cover_the_set(n, size):
    shards = [ShardedSampler(n, rank, size, seed=3).indices(2) for rank in range(size)]
    length = -(-n // size)
    assert [len(s) for s in shards] == [length] * size
    seen = np.concatenate(shards)
    assert sorted(set(seen.tolist())) == list(range(n))
    # padding repeats the permutation's first indices, just enough to even the shards
    padding = length * size - n
    order = ShardedSampler(n, 0, size, seed=3).permutation(2)
    assert sorted(seen.tolist()) == sorted(order.tolist() + order[:padding].tolist())


@pytest.mark.parametrize("n, size", [(13, 4), (7, 2), (12, 4)])
def test_drop_last_cuts_the_remainder(n, size):
    shards = [ShardedSampler(n, r, size, seed=3, drop_last=True).indices(0) for r in range(size)]
    assert [len(s) for s in shards] == [n // size] * size
    seen = np.concatenate(shards)
    assert len(set(seen.tolist())) == len(seen)  # disjoint: nothing repeated


def test_local_batches_make_up_the_global_batches_of_one_process():
    """Local batches of 3 on 4 ranks are, step by step, the batches of 12 one process takes from
    the same permutation."""
    n, size, local = 48, 4, 3
    order = ShardedSampler(n, 0, 1, seed=9).indices(5)
    shards = [ShardedSampler(n, rank, size, seed=9).indices(5) for rank in range(size)]
    for step in range(n // (local * size)):
        together = np.concatenate([s[step * local : (step + 1) * local] for s in shards])
        one = order[step * local * size : (step + 1) * local * size]
        assert sorted(together.tolist()) == sorted(one.tolist())


def test_the_order_depends_on_the_seed_and_the_epoch_only():
    a = ShardedSampler(20, 1, 2, seed=4)
    assert a.indices(3).tolist() == ShardedSampler(20, 1, 2, seed=4).indices(3).tolist()
    assert a.indices(3).tolist() != a.indices(4).tolist()
    assert a.indices(3).tolist() != ShardedSampler(20, 1, 2, seed=5).indices(3).tolist()
    # the whole order is the same whatever the number of ranks
    assert (a.permutation(3) == ShardedSampler(20, 0, 4, seed=4).permutation(3)).all()


def test_shard_takes_every_size_th_index_from_the_rank():
    order = np.array([10, 11, 12, 13, 14])
    assert shard(order, 0, 2).tolist() == [10, 12, 14]
    assert shard(order, 1, 2).tolist() == [11, 13, 10]  # padded with the first index
    assert shard(order, 1, 2, drop_last=True).tolist() == [11, 13]


@pytest.mark.parametrize(
    "n, rank, size, message",
    [
        (10, 4, 4, "expected 0 <= rank < size, got rank 4 of size 4"),
        (10, 0, 0, "expected 0 <= rank < size, got rank 0 of size 0"),
        (3, 0, 4, "expected at least one example per rank (4), got 3"),
    ],
)
def test_bad_arguments_are_refused(n, rank, size, message):
    with pytest.raises(ArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ShardedSampler(n, rank, size)
