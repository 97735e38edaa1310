"""SpatialDepthWiseConvolution: every input plane convolved with its own set of filters."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS, WRONG_PLANES, batch_cases
from ._convolution import Convolution
from ._spatial import demote, expect_grad_shape, promote_pair, unwindows, windows


class SpatialDepthWiseConvolution(Convolution):
    """Depthwise 2-D convolution (torch/nn ``SpatialDepthWiseConvolution``).

    Each of the ``n_input_plane`` planes is convolved on its own with ``n_output_plane``
    filters; ``weight`` is ``(n_output_plane, n_input_plane, kh, kw)`` and ``bias``
    ``(n_output_plane, n_input_plane)`` (torch/nn's layouts).  Output plane ``c *
    n_output_plane + m`` of ``(B, n_input_plane * n_output_plane, out_h, out_w)`` is::

        out[b, c*M + m, y, x] = bias[m, c]
                                + sum_{i,j} weight[m, c, i, j] * x[b, c, y*dh + i, x*dw + j]

    with ``x`` zero-padded by ``pad_h``/``pad_w`` (``pad_h`` defaults to ``pad_w``) and
    ``out_h = (H + 2*pad_h - kh) // dh + 1``.  ``reset()`` draws from ``U(-s, s)``, ``s = 1 /
    sqrt(kw * kh * n_input_plane)``, as torch/nn does.  Input ``(n_input_plane, H, W)`` or a
    batch; torch/nn's kernel reads the height as the width (right for square inputs only),
    here every input is convolved as written above.

    >>> SpatialDepthWiseConvolution(3, 2, 3, 3).forward(np.zeros((4, 3, 5, 6))).shape
    (4, 6, 3, 4)
    """

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        kw: int,
        kh: int,
        dw: int = 1,
        dh: int = 1,
        pad_w: int = 0,
        pad_h: int | None = None,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.set_sizes(kernel=(kw, kh), stride=(dw, dh), pad=(pad_w, pad_h))
        planes = (n_output_plane, n_input_plane)
        self.declare((*planes, kh, kw), planes if bias else None)

    def _columns(self, x: np.ndarray) -> np.ndarray:
        """Every window of every plane: ``(B, C, out_h * out_w, kh * kw)``."""
        cols = windows(x, self.kernel_size(), self.stride(), pad=self.padding())
        return cols.reshape(*cols.shape[:2], math.prod(cols.shape[2:4]), self.kh * self.kw)

    def _filters(self, dtype: np.dtype) -> np.ndarray:
        """The weight as one ``(kh * kw, n_output_plane)`` matrix per input plane."""
        m, c = self.weight.shape[:2]
        return self.weight.reshape(m, c, -1).transpose(1, 2, 0).astype(dtype, copy=False)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = self.promote_input(input)
        out_h, out_w = self.output_size(x.shape[2:])
        y = self._columns(x) @ self._filters(x.dtype)  # (B, C, out_h * out_w, M)
        if self.bias is not None:
            y += self.bias.T[:, None, :]
        y = y.transpose(0, 1, 3, 2).reshape(x.shape[0], y.shape[1] * y.shape[3], out_h, out_w)
        return demote(y, single)

    def _grad_pieces(self, input: np.ndarray, grad_output: np.ndarray) -> tuple:
        """The batched input and grad_output, the latter as ``(B, C, out_h * out_w, M)``."""
        x, g, single = promote_pair(input, grad_output, 2)
        self.promote_input(x)
        out = self.output_size(x.shape[2:])
        expect_grad_shape(g, (x.shape[0], self.n_input_plane * self.n_output_plane, *out))
        pieces = g.reshape(x.shape[0], self.n_input_plane, self.n_output_plane, math.prod(out))
        return x, pieces.transpose(0, 1, 3, 2), single

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = self._grad_pieces(input, grad_output)
        cols = g @ self._filters(g.dtype).transpose(0, 2, 1)  # (B, C, out_h * out_w, kh * kw)
        out = self.output_size(x.shape[2:])
        cols = cols.reshape(*cols.shape[:2], *out, self.kh, self.kw)
        grad = unwindows(cols, x.shape[2:], self.kernel_size(), self.stride(), pad=self.padding())
        return demote(grad, single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = self._grad_pieces(input, grad_output)
        per_plane = np.einsum("bcpk,bcpm->mck", self._columns(x), g)
        self.grad_weight += scale * per_plane.reshape(self.weight.shape)
        if self.grad_bias is not None:
            self.grad_bias += scale * g.sum(axis=(0, 2)).T


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialDepthWiseConvolution."""
    return [
        *batch_cases(
            SpatialDepthWiseConvolution(3, 2, 2, 3),
            (2, 3, 5, 4),
            bad_inputs=BAD_INPUTS + [WRONG_PLANES[:, :2]],
        ),
        Case(SpatialDepthWiseConvolution(2, 3, 3, 3, 2, 1, 1, 2), input_shape=(2, 2, 6, 5)),
        Case(SpatialDepthWiseConvolution(2, 1, 2, 2, bias=False), input_shape=(2, 3, 3)),
    ]
