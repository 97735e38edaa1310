"""SpatialConvolutionMap: 2-D convolution along an explicit table of plane connections."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._connection_map import ConnectionMap, map_cases
from ._spatial import (
    conv,
    conv_grad_input,
    conv_grad_weight,
    demote,
    expect_grad_shape,
    promote_pair,
)


class SpatialConvolutionMap(ConnectionMap):
    """Sparse 2-D convolution (torch/nn ``SpatialConvolutionMap``).

    ``conn_table`` is a ``(K, 2)`` integer array of 0-based ``[input_plane, output_plane]``
    pairs; connection ``k`` has its own ``kh x kw`` filter ``weight[k]``::

        y[o, i, j] = bias[o] + sum_{k: out_k = o} sum_{a,b} weight[k, a, b]
                                                           * x[in_k, i*dh + a, j*dw + b]

    The plane counts are the largest indices plus one.  Tables: ``full(nin, nout)``,
    ``one_to_one(n)``, ``random(nin, nout, nto)`` (static methods, like ``nn.tables``).
    ``reset()`` draws each filter from ``U(-s, s)``, ``s = 1/sqrt(kw*kh*fan_in)`` with the
    fan-in of its output plane (``reset(stdv)``: ``s = stdv*sqrt(3)`` everywhere).

    >>> SpatialConvolutionMap.one_to_one(2)
    array([[0, 0],
           [1, 1]])
    """

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = self.promote_input(input)
        y = conv(x, self.dense(x.dtype), self.stride()) + self.bias[:, None, None]
        return demote(y, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        self.promote_input(x)
        expect_grad_shape(g, (x.shape[0], self.n_output_plane, *self.output_size(x.shape[2:])))
        grad = conv_grad_input(g, self.dense(g.dtype), x.shape[2:], self.stride())
        return demote(grad, single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = promote_pair(input, grad_output, 2)
        dense = conv_grad_weight(x, g, self.kernel_size(), self.stride())
        self.grad_weight += scale * self.connections(dense)
        self.accumulate_bias_grad(g, scale)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialConvolutionMap."""
    return map_cases(SpatialConvolutionMap, (2, 3, 3, 3), (2, 4, 4))
