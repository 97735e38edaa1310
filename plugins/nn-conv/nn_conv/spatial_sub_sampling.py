"""SpatialSubSampling: a trainable per-plane scale of window sums, plus a bias."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._convolution import Convolution
from ._spatial import (
    demote,
    expect_grad_shape,
    promote_pair,
    windowed_sum_grad,
    windows,
)


class SpatialSubSampling(Convolution):
    """LeNet-style sub-sampling (torch/nn ``SpatialSubSampling``).

    ``y[c, i, j] = weight[c] * sum_{a<kh, b<kw} x[c, i*dh + a, j*dw + b] + bias[c]`` on
    ``(C, H, W)`` or ``(N, C, H, W)``; ``weight`` and ``bias`` have shape ``(n_input_plane,)``.
    ``reset(stdv)`` draws both from ``U(-s, s)``, ``s = 1/sqrt(kw*kh)`` (or ``stdv*sqrt(3)``).

    >>> SpatialSubSampling(3, 2, 2, 2, 2)
    nn.SpatialSubSampling(3, 2x2, 2,2)
    """

    bias: np.ndarray  # declared with a bias shape: never None

    def __init__(self, n_input_plane: int, kw: int, kh: int, dw: int = 1, dh: int = 1) -> None:
        super().__init__()
        self.n_input_plane = n_input_plane
        self.set_sizes(kernel=(kw, kh), stride=(dw, dh))
        self.declare(n_input_plane, n_input_plane)

    def fan_in(self) -> int:
        return math.prod(self.kernel_size())  # each output sums one plane's window

    def _sums(self, input: object) -> tuple[np.ndarray, bool]:
        x, single = self.promote_input(input)
        return windows(x, self.kernel_size(), self.stride()).sum(axis=(-2, -1)), single

    def update_output(self, input: np.ndarray) -> np.ndarray:
        sums, single = self._sums(input)
        return demote(sums * self.weight[:, None, None] + self.bias[:, None, None], single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        sums, _ = self._sums(x)
        expect_grad_shape(g, sums.shape)
        grad = windowed_sum_grad(
            g * self.weight[:, None, None], x.shape[2:], self.kernel_size(), self.stride()
        )
        return demote(grad, single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        sums, single = self._sums(input)
        g = grad_output[None] if single else grad_output
        self.grad_weight += scale * (g * sums).sum(axis=(0, 2, 3))
        self.grad_bias += scale * g.sum(axis=(0, 2, 3))

    def extra_repr(self) -> str:
        return f"{self.n_input_plane}, {self.sizes_text('k', 'x')}, {self.sizes_text('d')}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialSubSampling."""
    return [
        *batch_cases(
            SpatialSubSampling(2, 2, 2, 2, 2),
            (2, 2, 4, 4),
            bad_inputs=BAD_INPUTS + [np.zeros((3, 4, 4))],
        ),
        Case(SpatialSubSampling(1, 3, 2), input_shape=(1, 4, 4)),
    ]
