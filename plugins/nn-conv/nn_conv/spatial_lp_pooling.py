"""SpatialLPPooling: the p-norm of every window."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_INPUTS, batch_cases
from ._spatial import (
    demote,
    expect_grad_shape,
    expect_min_size,
    expect_planes,
    promote,
    promote_pair,
    windowed_sum_grad,
    windows,
)


class SpatialLPPooling(Module):
    """Power-average pooling (torch/nn ``SpatialLPPooling``).

    ``y[c, i, j] = (sum_{a<kh, b<kw} x[c, i*dh + a, j*dw + b] ** pnorm) ** (1 / pnorm)``; strides
    default to the kernel.  As in torch/nn the power is not taken of ``|x|``, so an odd
    ``pnorm`` needs non-negative input.  Gradient:
    ``dy/dx = x ** (pnorm - 1) * y ** (1 - pnorm)`` summed over the windows holding ``x``.

    >>> import numpy as np
    >>> SpatialLPPooling(1, 2, 2, 1).forward(np.array([[[3.0, 4.0]]]))
    array([[[5.]]])
    """

    def __init__(
        self,
        n_input_plane: int,
        pnorm: float,
        kw: int,
        kh: int,
        dw: int | None = None,
        dh: int | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.pnorm = n_input_plane, pnorm
        self.kw, self.kh, self.dw, self.dh = kw, kh, dw or kw, dh or kh

    def _norms(self, x: np.ndarray) -> np.ndarray:
        expect_planes(x, self.n_input_plane)
        expect_min_size(x, (self.kh, self.kw))
        sums = windows(x**self.pnorm, (self.kh, self.kw), (self.dh, self.dw)).sum(axis=(-2, -1))
        return sums ** (1.0 / self.pnorm)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        return demote(self._norms(x), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        y = self._norms(x)
        expect_grad_shape(g, y.shape)
        spread = windowed_sum_grad(
            g * y ** (1.0 - self.pnorm), x.shape[2:], (self.kh, self.kw), (self.dh, self.dw)
        )
        return demote(spread * x ** (self.pnorm - 1), single)

    def extra_repr(self) -> str:
        return f"{self.n_input_plane}, p={self.pnorm:g}, {self.kw}x{self.kh}, {self.dw},{self.dh}"


def _positive(shape):
    return lambda rng: rng.uniform(0.5, 1.5, shape)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialLPPooling."""
    return [
        *batch_cases(SpatialLPPooling(2, 2, 2, 2), (2, 2, 4, 4), bad_inputs=BAD_INPUTS),
        Case(SpatialLPPooling(1, 3, 2, 3, 1, 1), input=_positive((2, 1, 4, 3)), batched=True),
    ]
