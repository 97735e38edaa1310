"""SpatialFullConvolutionMap: the full (transposed) 2-D convolution along a table of
plane connections."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.plugin import Case

from ._connection_map import ConnectionMap, map_cases
from ._spatial import (
    conv,
    conv_grad_input,
    conv_grad_weight,
    demote,
    expect_grad_shape,
    expect_planes,
    expect_positive_output,
    promote,
    promote_pair,
)


class SpatialFullConvolutionMap(ConnectionMap):
    """Sparse full convolution (torch/nn ``SpatialFullConvolutionMap``).

    ``conn_table`` is a ``(K, 2)`` integer array of 0-based ``[input_plane, output_plane]``
    pairs (``SpatialFullConvolutionMap.full``, ``one_to_one`` and ``random`` build them);
    connection ``k`` scatters every pixel of its input plane, times its own ``kh x kw`` filter
    ``weight[k]``, into its output plane::

        y[o, i*dh + a, j*dw + b] += weight[k, a, b] * x[in_k, i, j]    for out_k = o

    on top of ``bias[o]``, so ``out_h = (H - 1)*dh + kh`` and ``out_w = (W - 1)*dw + kw``.  The
    backward pass is the valid cross-correlation of ``grad_output`` with each filter.  The plane
    counts and ``reset()`` are those of :class:`SpatialConvolutionMap`.  Input ``(planes, H, W)``
    as in torch/nn, or a batch of them.

    >>> m = SpatialFullConvolutionMap(SpatialFullConvolutionMap.one_to_one(1), 2, 2, 2, 2)
    >>> m.weight[...], m.bias[...] = 1.0, 0.0
    >>> m.forward(np.array([[[1.0, 2.0]]]))
    array([[[1., 1., 2., 2.],
            [1., 1., 2., 2.]]])
    """

    def output_size(self, sizes: Sequence[int]) -> list[int]:
        """``(size - 1) * stride + kernel`` along each axis."""
        geometry = zip(sizes, self.stride(), self.kernel_size(), strict=True)
        return [(n - 1) * d + k for n, d, k in geometry]

    def _planes(self, x: np.ndarray) -> np.ndarray:
        """The dense filters, one ``(n_output_plane, kh, kw)`` block per input plane."""
        expect_planes(x, self.n_input_plane)
        return self.dense(x.dtype).transpose(1, 0, 2, 3)

    def _sizes_of(self, x: np.ndarray) -> list[int]:
        """The output sizes for the batch ``x`` (an empty input axis may leave none)."""
        sizes = self.output_size(x.shape[2:])
        expect_positive_output(x, sizes)
        return sizes

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        planes, sizes = self._planes(x), self._sizes_of(x)
        y = conv_grad_input(x, planes, sizes, self.stride()) + self.bias[:, None, None]
        return demote(y, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        planes = self._planes(x)
        expect_grad_shape(g, (x.shape[0], self.n_output_plane, *self._sizes_of(x)))
        return demote(conv(g, planes, self.stride()), single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = promote_pair(input, grad_output, 2)
        per_plane = conv_grad_weight(g, x, self.kernel_size(), self.stride())
        self.grad_weight += scale * self.connections(per_plane.transpose(1, 0, 2, 3))
        self.accumulate_bias_grad(g, scale)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialFullConvolutionMap."""
    return map_cases(SpatialFullConvolutionMap, (2, 3, 2, 3), (2, 3, 2))
