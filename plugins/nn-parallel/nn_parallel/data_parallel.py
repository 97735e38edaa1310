"""DataParallel: one network replicated on every rank of an MPI job, its gradients averaged."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from nncore.plugin import ArgumentError, Module, UnknownNameError, nn

from . import layout
from ._mpi import abort_on_error, world
from .reducer import BUCKET_BYTES, GradientReducer, child_bounds
from .sampler import ShardedSampler, shard


class DataParallel:
    """Data-parallel training of ``network`` over ``comm`` (default: ``MPI.COMM_WORLD``).

    Collective: every rank constructs it with its own copy of the network, flattened with
    ``get_parameters()``.  The ranks first check that they hold the same layout (else every
    rank raises ParameterLayoutError), then rank 0's parameters are broadcast, so that every
    replica starts equal.  :meth:`backward` replaces ``network.backward``: it leaves in the flat
    gradient vector the mean of every rank's gradient, reduced in buckets of ``bucket_bytes``
    while the backward pass runs (``overlap=False``: one allreduce after it).  A criterion that
    averages over its batch then gives, with equal shards, the gradient of the whole batch.

    Run under ``mpiexec -n 4 python train.py``; without ``mpiexec`` the job has one rank.
    """

    def __init__(
        self,
        network: Module,
        comm: Any = None,
        overlap: bool = True,
        bucket_bytes: int = BUCKET_BYTES,
    ) -> None:
        if bucket_bytes < 0:
            raise ArgumentError(f"expected bucket_bytes >= 0, got {bucket_bytes}")
        self.network = network
        self.comm = world() if comm is None else comm
        self.params, self.grads = layout.agree(self.comm, network)
        self.comm.Bcast(self.params, root=0)
        # the chain's children run backward one by one, so their buckets can start early
        self.overlap = overlap and _is_chain(network)
        bounds = child_bounds(network, self.grads) if self.overlap else []
        self.reducer = GradientReducer(self.comm, self.grads, bounds, bucket_bytes)

    @property
    def rank(self) -> int:
        """This process's rank, 0 to ``size - 1``."""
        return int(self.comm.Get_rank())

    @property
    def size(self) -> int:
        """The number of ranks."""
        return int(self.comm.Get_size())

    @property
    def is_root(self) -> bool:
        """True on rank 0, the rank that reports and saves."""
        return self.rank == 0

    def backward(self, input: Any, grad_output: Any, scale: float = 1.0) -> Any:
        """``network.backward(input, grad_output, scale)``, then the gradients averaged over the
        ranks (collective); returns the network's ``grad_input``."""
        if not self.overlap:
            grad_input = self.network.backward(input, grad_output, scale)
            self.average_gradients()
            return grad_input
        children = self.network.children()
        inputs = [input] + [child.output for child in children[:-1]]
        self.reducer.start()
        grad = grad_output
        for index in reversed(range(len(children))):
            # what Sequential.backward computes child by child, with a bucket started in between
            grad = children[index].backward(inputs[index], grad, scale)
            self.reducer.child_done(index)
        self.reducer.finish()
        self.network.grad_input = grad
        return grad

    def average_gradients(self) -> None:
        """Replace the flat gradient vector by its mean over the ranks (one blocking allreduce;
        collective)."""
        # blocking, not the reducer's Iallreduce: with nothing to overlap, Open MPI's blocking
        # collectives pick faster algorithms than its non-blocking ones
        from mpi4py import MPI

        self.comm.Allreduce(MPI.IN_PLACE, self.grads, op=MPI.SUM)
        self.grads /= self.size

    def mean(self, value: float) -> float:
        """The mean of ``value`` over the ranks (a loss, an accuracy; collective)."""
        return float(self.comm.allreduce(float(value))) / self.size

    def sampler(self, n: int, seed: int = 0, drop_last: bool = False) -> ShardedSampler:
        """This rank's :class:`ShardedSampler` of a set of ``n`` examples."""
        return ShardedSampler(n, self.rank, self.size, seed, drop_last)

    def shard(self, order: np.ndarray) -> np.ndarray:
        """This rank's equal share of ``order`` (every rank passing the same one): every
        ``size``-th index from position ``rank``, ``order`` padded by repeating its start."""
        return shard(order, self.rank, self.size)

    def abort_on_error(self) -> contextlib.AbstractContextManager[None]:
        """A context manager ending the whole job (status 1, this rank's traceback on stderr)
        when its block raises on this rank: see :func:`nn_parallel.abort_on_error`."""
        return abort_on_error(self.comm)

    def barrier(self) -> None:
        """Wait until every rank gets here."""
        self.comm.Barrier()

    def __repr__(self) -> str:
        return (
            f"DataParallel(rank {self.rank} of {self.size}, {self.params.size} parameters, "
            f"overlap={self.overlap})"
        )


def _is_chain(network: Module) -> bool:
    """True for a ``Sequential`` with children: each child's input is the previous output."""
    try:
        chain = nn.Sequential
    except UnknownNameError:  # no plugin provides Sequential: no chain to overlap
        return False
    return isinstance(network, chain) and bool(network.children())
