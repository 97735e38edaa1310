"""SpatialUpSamplingNearest: enlarge both spatial axes by an integer factor, nearest neighbour."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    SeparableMap,
    selection,
)


class SpatialUpSamplingNearest(SeparableMap):
    """Nearest-neighbour upsampling (torch/nn ``SpatialUpSamplingNearest``).

    ``y[..., i, j] = x[..., i // s, j // s]`` for an ``(H*s, W*s)`` output; the backward pass
    sums each ``s x s`` block of ``grad_output``.

    >>> import numpy as np
    >>> SpatialUpSamplingNearest(2).forward(np.array([[[1.0, 2.0]]]))
    array([[[1., 1., 2., 2.],
            [1., 1., 2., 2.]]])
    """

    def __init__(self, scale: int) -> None:
        super().__init__()
        if scale < 1 or int(scale) != scale:
            raise ValueError(f"expected a positive integer scale factor, got {scale}")
        self.scale_factor = int(scale)

    def matrices(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        return [
            selection(np.arange(n * self.scale_factor) // self.scale_factor, n) for n in shape[-2:]
        ]

    def extra_repr(self) -> str:
        return str(self.scale_factor)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialUpSamplingNearest."""
    return batch_cases(SpatialUpSamplingNearest(2), (2, 2, 2, 3), bad_inputs=BAD_INPUTS)
