"""GradientReducer: the flat gradient vector averaged across ranks in buckets, each bucket's
allreduce started while the backward pass is still running.

``get_parameters()`` lays the parameters out in module order, so the gradients of a chain's
last children sit at the end of the flat vector; the backward pass runs the chain from its last
child, so the vector becomes final from its end towards its start.  After child ``i`` finished
its backward, every element past the last element of any child before ``i`` is final (a
parameter shared with an earlier child is not, and stays before that bound).  Once enough of
them are waiting (``bucket_bytes``), a non-blocking allreduce starts on that contiguous slice,
and the remaining children's backward runs while it travels: what DDP and Horovod do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Module

#: the default bucket: DDP's first bucket size (1 MiB), small enough for the first allreduce to
#: start early, large enough that the latency of each allreduce is paid rarely
BUCKET_BYTES = 1 << 20


class GradientReducer:
    """Averages ``grads`` (a flat vector) over ``comm``'s ranks, in place.

    ``bounds[i]`` is the end of child ``i``'s last gradient in the vector (``bounds`` of a
    network with children: :func:`child_bounds`).  Call :meth:`start`, then :meth:`child_done`
    after each child's backward, last child first, then :meth:`finish`.
    """

    def __init__(
        self, comm: Any, grads: np.ndarray, bounds: list[int], bucket_bytes: int = BUCKET_BYTES
    ) -> None:
        self.comm, self.grads, self.bucket_bytes = comm, grads, bucket_bytes
        # final_from[i]: the vector is final from here on once child i has run backward
        self.final_from = [max([0, *bounds[:i]]) for i in range(len(bounds))]
        self.requests: list[Any] = []
        self.reduced_from = grads.size
        self.buckets: list[tuple[int, int]] = []  # what the last pass reduced, for the docs

    def start(self) -> None:
        """Forget the previous pass's requests and buckets."""
        self.requests, self.buckets, self.reduced_from = [], [], self.grads.size

    def child_done(self, index: int) -> None:
        """Child ``index`` finished its backward: start a bucket if enough is final."""
        final = self.final_from[index]
        if (self.reduced_from - final) * self.grads.itemsize >= self.bucket_bytes:
            self._reduce(final)
        elif self.requests:  # Open MPI moves a pending collective on only inside MPI calls
            _progress(self.requests)

    def finish(self) -> None:
        """Reduce what is left, wait for every bucket and divide by the number of ranks."""
        self._reduce(0)
        _wait(self.requests)
        self.grads /= self.comm.Get_size()

    def _reduce(self, low: int) -> None:
        if low < self.reduced_from:
            from mpi4py import MPI

            bucket = self.grads[low : self.reduced_from]
            self.requests.append(self.comm.Iallreduce(MPI.IN_PLACE, bucket, op=MPI.SUM))
            self.buckets.append((low, self.reduced_from))
            self.reduced_from = low


def child_bounds(network: Module, grads: np.ndarray) -> list[int]:
    """For each child of ``network``, the end (in elements) of its last gradient in ``grads``;
    0 for a child with no parameter."""
    start = grads.__array_interface__["data"][0]
    bounds = []
    for child in network.children():
        ends = [
            (g.__array_interface__["data"][0] - start) // grads.itemsize + g.size
            for g in child.parameters()[1]
        ]
        bounds.append(max(ends, default=0))
    return bounds


def _progress(requests: list[Any]) -> None:
    from mpi4py import MPI

    MPI.Request.Testall(requests)


def _wait(requests: list[Any]) -> None:
    from mpi4py import MPI

    MPI.Request.Waitall(requests)
