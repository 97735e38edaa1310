"""SpatialSubtractiveNormalization: subtract a local weighted mean over all planes."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module

from ._cases import normalization_cases
from ._planes import LocalAverage, normalization_kernel, normalization_text
from ._spatial import (
    demote,
    expect_grad_shape,
    expect_planes,
    promote,
    promote_pair,
)


class SpatialSubtractiveNormalization(Module):
    """Local mean removal (torch/nn ``SpatialSubtractiveNormalization``).

    With ``E`` the normalized averaging ``kernel`` (default ``ones(9, 9)``; a 1-D kernel is
    applied along both axes) and ``M(x)[h, w] = sum_c sum_ij E[i, j] x[c, h+i-kh//2, w+j-kw//2]``
    (zero padded), ``y[c] = x[c] - M(x) / M(1)``: dividing by ``M(1)`` corrects the borders.
    The map is linear, so ``dx = g - M^T(sum_c g / M(1))``.

    >>> import numpy as np
    >>> m = SpatialSubtractiveNormalization(2, np.ones((3, 3)))
    >>> bool(abs(m.forward(np.full((2, 4, 4), 5.0))).max() < 1e-12)
    True
    """

    def __init__(self, n_input_plane: int = 1, kernel: np.ndarray | None = None) -> None:
        super().__init__()
        self.n_input_plane = n_input_plane
        self.kernel = kernel
        self.average = LocalAverage(
            normalization_kernel(kernel, n_input_plane, False), n_input_plane
        )

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        expect_planes(x, self.n_input_plane)
        return demote(x - self.average(x) / self.average.coef(x), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        expect_planes(x, self.n_input_plane)
        expect_grad_shape(g, x.shape)
        through_mean = g.sum(axis=1, keepdims=True) / self.average.coef(x)
        return demote(g - self.average.adjoint(through_mean), single)

    def extra_repr(self) -> str:
        return normalization_text(self.n_input_plane, self.kernel)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialSubtractiveNormalization."""
    return normalization_cases(SpatialSubtractiveNormalization, (2, 2, 4, 3), (1, 3, 4))
