"""SpatialCrossMapLRN: local response normalization across neighbouring feature maps."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_INPUTS, batch_cases
from ._planes import (
    channel_window_sum,
)
from ._spatial import (
    demote,
    expect_grad_shape,
    promote,
    promote_pair,
)


class SpatialCrossMapLRN(Module):
    """Cross-channel local response normalization (torch/nn ``SpatialCrossMapLRN``, AlexNet).

    ``scale[c] = k + alpha / size * sum_{c' = c - (size-1)//2}^{c + size//2} x[c']**2`` (channels
    outside the input count as zero) and ``y = x * scale ** -beta``.  Gradient:
    ``dx = g * scale**-beta - 2 alpha beta / size * x * sum_{windows holding c} g y / scale``.

    >>> import numpy as np
    >>> SpatialCrossMapLRN(1, 1.0, 1.0, 1.0).forward(np.full((1, 1, 1), 2.0))
    array([[[0.4]]])
    """

    def __init__(
        self, size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
    ) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def _scale(self, x: np.ndarray) -> np.ndarray:
        before = (self.size - 1) // 2
        return self.k + self.alpha / self.size * channel_window_sum(
            x * x, before, self.size - 1 - before
        )

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        return demote(x * self._scale(x) ** -self.beta, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        expect_grad_shape(g, x.shape)
        scale = self._scale(x)
        before = (self.size - 1) // 2
        ratio = g * x * scale ** (-self.beta - 1)
        # the adjoint of a channel window sum is the mirrored window
        spread = channel_window_sum(ratio, self.size - 1 - before, before)
        grad = g * scale**-self.beta - 2 * self.alpha * self.beta / self.size * x * spread
        return demote(grad, single)

    def extra_repr(self) -> str:
        return f"{self.size}, {self.alpha:g}, {self.beta:g}, {self.k:g}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialCrossMapLRN."""
    return [
        *batch_cases(SpatialCrossMapLRN(3, 0.5, 0.75, 2.0), (2, 4, 2, 2), bad_inputs=BAD_INPUTS),
        Case(SpatialCrossMapLRN(), input_shape=(6, 2, 1)),
    ]
