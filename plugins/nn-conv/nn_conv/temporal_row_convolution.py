"""TemporalRowConvolution: a separate 1-D convolution along time for every feature."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, expect_float, expect_ndim, expect_size

from ._cases import BAD_INPUTS, batch_cases
from ._convolution import Convolution
from ._spatial import expect_grad_shape, expect_min_size, unwindows, windows


class TemporalRowConvolution(Convolution):
    """Depthwise temporal convolution (torch/nn ``TemporalRowConvolution``).

    Input ``(T, F)`` or ``(N, T, F)`` with ``F = input_frame_size`` (``(F, T)`` / ``(N, F, T)``
    with ``feat_first``); ``weight`` is ``(F, 1, kw)``, ``bias`` ``(F,)``::

        y[t, f] = bias[f] + sum_{k<kw} weight[f, 0, k] * x[t*dw + k, f]

    for ``t < (T - kw) // dw + 1``.  ``reset(stdv)``: ``U(-s, s)``, ``s = 1/sqrt(kw*F)``.

    >>> import numpy as np
    >>> TemporalRowConvolution(4, 3).forward(np.zeros((2, 7, 4))).shape
    (2, 5, 4)
    """

    axes = "w"
    bias: np.ndarray  # declared with a bias shape: never None

    def __init__(
        self, input_frame_size: int, kw: int, dw: int = 1, feat_first: bool = False
    ) -> None:
        super().__init__()
        self.input_frame_size, self.feat_first = input_frame_size, feat_first
        self.set_sizes(kernel=(kw,), stride=(dw,))
        self.declare((input_frame_size, 1, kw), input_frame_size)

    def fan_in(self) -> int:
        return self.kw * self.input_frame_size

    def _features_first(self, array: np.ndarray) -> np.ndarray:
        """Swap between the module's layout and ``(..., F, T)`` (its own inverse)."""
        return array if self.feat_first else np.swapaxes(array, -1, -2)

    def _columns(self, input: object) -> np.ndarray:
        """Windows along time, ``(..., F, T_out, kw)``."""
        x = self._features_first(expect_ndim(expect_float(input), (2, 3)))
        expect_size(x, -2, self.input_frame_size, "input features")
        expect_min_size(x, (self.kw,))
        return windows(x, (self.kw,), (self.dw,))

    def update_output(self, input: np.ndarray) -> np.ndarray:
        cols = self._columns(input)
        y = (
            np.einsum("...ftk,fk->...ft", cols, self.weight[:, 0], optimize=True)
            + self.bias[:, None]
        )
        return self._features_first(y)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        cols = self._columns(input)
        g = self._features_first(
            expect_grad_shape(grad_output, self._features_first(cols[..., 0]).shape)
        )
        grad_cols = g[..., None] * self.weight[:, 0, None, :]
        sizes = self._features_first(input).shape[-1:]
        return self._features_first(unwindows(grad_cols, sizes, (self.kw,), (self.dw,)))

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        cols = self._columns(input)
        cols = cols.reshape(-1, *cols.shape[-3:])
        g = self._features_first(grad_output).reshape(-1, *cols.shape[-3:-1])
        self.grad_weight[:, 0] += scale * np.einsum("nft,nftk->fk", g, cols, optimize=True)
        self.grad_bias += scale * g.sum(axis=(0, 2))

    def extra_repr(self) -> str:
        text = f"{self.input_frame_size}, {self.kw}, {self.dw}"
        return text + ", features first" if self.feat_first else text


def examples() -> list[Case]:
    """The conformance kit's cases for TemporalRowConvolution."""
    return [
        *batch_cases(
            TemporalRowConvolution(3, 2), (2, 4, 3), bad_inputs=BAD_INPUTS[:1] + [np.zeros((4, 2))]
        ),
        Case(TemporalRowConvolution(2, 3, 2, feat_first=True), input_shape=(2, 2, 7)),
    ]
