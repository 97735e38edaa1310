"""What torch/nn's SpatialConvolutionMap and SpatialFullConvolutionMap share: a table of plane
connections with one filter each, the tables of ``nn.tables``, their reset and the dense weight
the connections stand for."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, generator

from ._cases import BAD_INPUTS, batch_cases
from ._convolution import Convolution


class ConnectionMap(Convolution):
    """A 2-D convolution along an explicit ``(K, 2)`` table of 0-based ``[input_plane,
    output_plane]`` connections, connection ``k`` with its own ``kh x kw`` filter ``weight[k]``
    and each output plane with a bias.  The plane counts are the largest indices plus one.

    ``reset()`` draws each filter from ``U(-s, s)``, ``s = 1/sqrt(kw*kh*fan_in)`` with the fan-in
    of its output plane (``reset(stdv)``: ``s = stdv*sqrt(3)`` everywhere), as torch/nn does.
    """

    bias: np.ndarray  # declared with a bias shape: never None

    def __init__(self, conn_table: np.ndarray, kw: int, kh: int, dw: int = 1, dh: int = 1) -> None:
        super().__init__()
        table = np.asarray(conn_table)
        if table.ndim != 2 or table.shape[1] != 2 or table.size == 0 or table.min() < 0:
            raise ValueError(
                f"expected a (K, 2) table of non-negative plane indices, got {table!r}"
            )
        self.conn_table = table.astype(np.int64)
        self.set_sizes(kernel=(kw, kh), stride=(dw, dh))
        self.n_input_plane = int(self.conn_table[:, 0].max()) + 1
        self.n_output_plane = int(self.conn_table[:, 1].max()) + 1
        self.declare((len(self.conn_table), kh, kw), self.n_output_plane)

    @staticmethod
    def full(nin: int, nout: int) -> np.ndarray:
        """Every input plane to every output plane."""
        return np.stack(np.meshgrid(np.arange(nin), np.arange(nout)), axis=-1).reshape(-1, 2)

    @staticmethod
    def one_to_one(nfeat: int) -> np.ndarray:
        """Plane ``i`` to plane ``i``."""
        return np.repeat(np.arange(nfeat)[:, None], 2, axis=1)

    @staticmethod
    def random(nin: int, nout: int, nto: int) -> np.ndarray:
        """``nto`` distinct random inputs per output plane, drawn in turn from chunks of random
        permutations so inputs are used evenly (from ``nncore.random``)."""
        chunks = nin // nto
        sources, perm = [], generator().permutation(nin)
        for out in range(nout):
            chunk = out % chunks
            if out and chunk == 0:
                perm = generator().permutation(nin)
            sources.append(perm[chunk * nto : (chunk + 1) * nto])
        return np.stack([np.concatenate(sources), np.repeat(np.arange(nout), nto)], axis=1)

    def reset(self, stdv: float | None = None) -> ConnectionMap:
        if stdv is not None:
            s = stdv * math.sqrt(3)
            self.weight[...] = generator().uniform(-s, s, self.weight.shape)
            self.bias[...] = generator().uniform(-s, s, self.bias.shape)
            return self
        fan_in = np.bincount(self.conn_table[:, 1], minlength=self.n_output_plane)
        bound = 1.0 / np.sqrt(self.kw * self.kh * np.maximum(fan_in, 1))
        per_filter = bound[self.conn_table[:, 1]][:, None, None]
        self.weight[...] = generator().uniform(-1.0, 1.0, self.weight.shape) * per_filter
        self.bias[...] = generator().uniform(-1.0, 1.0, self.bias.shape) * bound
        return self

    def dense(self, dtype: np.dtype) -> np.ndarray:
        """The equivalent dense ``(n_output_plane, n_input_plane, kh, kw)`` weight, zero where
        no connection exists (repeated connections add up)."""
        dense = np.zeros((self.n_output_plane, self.n_input_plane, self.kh, self.kw), dtype=dtype)
        np.add.at(dense, (self.conn_table[:, 1], self.conn_table[:, 0]), self.weight)
        return dense

    def connections(self, dense_grad: np.ndarray) -> np.ndarray:
        """Each connection's filter gradient out of a gradient of :meth:`dense`'s weight."""
        return dense_grad[self.conn_table[:, 1], self.conn_table[:, 0]]

    def extra_repr(self) -> str:
        return (
            f"{self.n_input_plane} -> {self.n_output_plane}, {len(self.conn_table)} connections, "
            f"{self.sizes_text('k', 'x')}, {self.sizes_text('d')}"
        )


def map_cases(
    cls: type[ConnectionMap], batch_shape: tuple[int, ...], single_shape: tuple[int, ...]
) -> list[Case]:
    """The conformance cases of a connection map: a table with an input plane feeding two
    outputs and an output fed by two inputs (a batch and one example, refusing the wrong number
    of planes), and the full table with a stride."""
    table = np.array([[0, 0], [2, 0], [1, 1], [2, 1]])
    wrong_planes = np.zeros((2, *batch_shape[2:]))  # one example of 2 planes, not 3
    return [
        *batch_cases(cls(table, 2, 2), batch_shape, bad_inputs=BAD_INPUTS + [wrong_planes]),
        Case(cls(cls.full(2, 2), 2, 3, 2, 1), input_shape=single_shape),
    ]
