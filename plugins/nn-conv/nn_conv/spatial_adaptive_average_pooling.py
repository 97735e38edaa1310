"""SpatialAdaptiveAveragePooling: average pooling to a fixed output size."""

from __future__ import annotations

import numpy as np

from nncore.plugin import POSITIVE, Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    SeparableMap,
    adaptive_masks,
)


class SpatialAdaptiveAveragePooling(SeparableMap):
    """Average pooling whatever the input size (torch/nn ``SpatialAdaptiveAveragePooling``).

    Output ``(H_out, W_out) = (h, w)``; output row ``i`` averages input rows
    ``floor(i*H/h) <= r < ceil((i+1)*H/h)`` (likewise for columns), so windows may overlap
    (and repeat when the input is smaller than the output).  The
    averaging is ``y = A_h x A_w^T`` with row-normalised 0/1 window masks.

    >>> import numpy as np
    >>> SpatialAdaptiveAveragePooling(1, 2).forward(np.arange(6.0).reshape(1, 3, 2))
    array([[[1.5],
            [3.5]]])
    """

    argument_ranges = {"w": POSITIVE, "h": POSITIVE}

    def __init__(self, w: int, h: int) -> None:
        super().__init__()
        self.w, self.h = w, h

    def matrices(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        masks = adaptive_masks(shape, (self.h, self.w))
        return [m / m.sum(axis=1, keepdims=True) for m in masks]

    def extra_repr(self) -> str:
        return f"{self.w}, {self.h}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialAdaptiveAveragePooling."""
    return [
        *batch_cases(SpatialAdaptiveAveragePooling(2, 3), (2, 2, 5, 4), bad_inputs=BAD_INPUTS),
        Case(SpatialAdaptiveAveragePooling(3, 1), input_shape=(2, 2, 2)),
    ]
