"""SpatialAdaptiveMaxPooling: max pooling to a fixed output size."""

from __future__ import annotations

import numpy as np

from nncore.plugin import POSITIVE, Case, Module

from ._cases import BAD_INPUTS, batch_cases
from ._separable import adaptive_masks
from ._spatial import (
    demote,
    expect_grad_shape,
    gather_planes,
    max_pool_grad,
    promote,
    promote_pair,
)


class SpatialAdaptiveMaxPooling(Module):
    """Max pooling whatever the input size (torch/nn ``SpatialAdaptiveMaxPooling``).

    Output ``(h, w)``; output ``(i, j)`` is the max over rows ``floor(i*H/h) <= r <
    ceil((i+1)*H/h)`` and the analogous columns.  ``indices`` holds the flat index
    ``row * W + col`` of each maximum; the backward pass routes ``grad_output`` there.  The
    rectangle max is taken in two passes (columns, then rows), each a masked max.

    >>> import numpy as np
    >>> SpatialAdaptiveMaxPooling(1, 2).forward(np.arange(6.0).reshape(1, 3, 2))
    array([[[3.],
            [5.]]])
    """

    argument_ranges = {"w": POSITIVE, "h": POSITIVE}

    def __init__(self, w: int, h: int) -> None:
        super().__init__()
        self.w, self.h = w, h

    def _indices(self, x: np.ndarray) -> np.ndarray:
        width = x.shape[-1]
        row_mask, col_mask = adaptive_masks(x.shape, (self.h, self.w))
        by_col = np.where(col_mask, x[..., None, :], -np.inf)
        cols = by_col.argmax(axis=-1)  # (N, C, H, w): best column of each row and column window
        best = np.take_along_axis(by_col, cols[..., None], axis=-1)[..., 0]
        by_row = np.where(row_mask, np.swapaxes(best, -1, -2)[..., None, :], -np.inf)
        rows = by_row.argmax(axis=-1)  # (N, C, w, h)
        cols = np.take_along_axis(np.swapaxes(cols, -1, -2), rows, axis=-1)
        return np.swapaxes(rows * width + cols, -1, -2)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        indices = self._indices(x)
        self.indices = demote(indices, single)
        return demote(gather_planes(x, indices, 2), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        indices = self._indices(x)
        expect_grad_shape(g, indices.shape)
        return demote(max_pool_grad(g, indices, x.shape, 2), single)

    def extra_repr(self) -> str:
        return f"{self.w}, {self.h}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialAdaptiveMaxPooling."""
    return [
        *batch_cases(SpatialAdaptiveMaxPooling(2, 3), (2, 2, 5, 4), bad_inputs=BAD_INPUTS),
        Case(SpatialAdaptiveMaxPooling(3, 3), input_shape=(1, 2, 4)),
    ]
