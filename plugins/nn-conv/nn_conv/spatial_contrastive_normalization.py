"""SpatialContrastiveNormalization: subtractive then divisive local normalization."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module

from ._cases import normalization_cases
from .spatial_divisive_normalization import SpatialDivisiveNormalization
from .spatial_subtractive_normalization import SpatialSubtractiveNormalization


class SpatialContrastiveNormalization(Module):
    """Local contrast normalization (torch/nn ``SpatialContrastiveNormalization``):
    ``SpatialDivisiveNormalization(SpatialSubtractiveNormalization(x))`` with the same
    ``n_input_plane`` and ``kernel`` (default ``ones(9, 9)``).

    >>> import numpy as np
    >>> SpatialContrastiveNormalization(3, np.ones((5, 5))).forward(np.ones((3, 7, 7))).shape
    (3, 7, 7)
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
        self.threshold, self.thresval = threshold, thresval
        self.subtractive = SpatialSubtractiveNormalization(n_input_plane, kernel)
        self.divisive = SpatialDivisiveNormalization(n_input_plane, kernel, threshold, thresval)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return self.divisive.update_output(self.subtractive.update_output(input))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        centred = self.subtractive.update_output(input)
        return self.subtractive.update_grad_input(
            input, self.divisive.update_grad_input(centred, grad_output)
        )

    def extra_repr(self) -> str:
        return self.subtractive.extra_repr()


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialContrastiveNormalization."""
    return normalization_cases(SpatialContrastiveNormalization, (2, 2, 3, 4), (1, 4, 3))
