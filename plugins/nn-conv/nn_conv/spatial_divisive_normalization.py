"""SpatialDivisiveNormalization: divide by a local standard deviation over all planes."""

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


class SpatialDivisiveNormalization(Module):
    """Local contrast division (torch/nn ``SpatialDivisiveNormalization``).

    With ``M`` the local weighted sum of ``SpatialSubtractiveNormalization`` (a 1-D kernel is
    normalized by ``sum * sqrt(n_input_plane)`` per axis here, as torch/nn does),
    ``s = sqrt(M(x**2)) / M(1)``, ``t = s`` where ``s > threshold`` else ``thresval``, and
    ``y[c] = x[c] / t``.  Gradient: ``dx = g / t + x * M^T(d / (M(1) sqrt(M(x**2))))`` with
    ``d = -sum_c g x / t**2`` where ``s > threshold`` and 0 elsewhere.

    >>> import numpy as np
    >>> m = SpatialDivisiveNormalization(1, np.ones(3))
    >>> round(float(m.forward(np.full((1, 3, 3), 2.0))[0, 1, 1]), 6)
    1.0
    """

    def __init__(
        self,
        n_input_plane: int = 1,
        kernel: np.ndarray | None = None,
        threshold: float = 1e-4,
        thresval: float | None = None,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.kernel = n_input_plane, kernel
        self.threshold = threshold
        self.thresval = threshold if thresval is None else thresval
        self.average = LocalAverage(
            normalization_kernel(kernel, n_input_plane, True), n_input_plane
        )

    def _stds(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``sqrt(M(x**2))``, ``M(1)`` and the thresholded standard deviations ``t``."""
        expect_planes(x, self.n_input_plane)
        root, coef = np.sqrt(self.average(x * x)), self.average.coef(x)
        stds = root / coef
        return root, coef, np.where(stds > self.threshold, stds, self.thresval)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        return demote(x / self._stds(x)[2], single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        expect_grad_shape(g, x.shape)
        root, coef, stds = self._stds(x)
        active = root / coef > self.threshold
        d_stds = -(g * x).sum(axis=1, keepdims=True) / stds**2
        d_square = np.divide(d_stds, coef * 2 * root, out=np.zeros_like(root), where=active)
        return demote(g / stds + 2 * x * self.average.adjoint(d_square), single)

    def extra_repr(self) -> str:
        return normalization_text(self.n_input_plane, self.kernel)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialDivisiveNormalization."""
    return normalization_cases(SpatialDivisiveNormalization, (2, 2, 4, 3), (1, 3, 4))
