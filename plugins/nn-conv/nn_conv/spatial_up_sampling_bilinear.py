"""SpatialUpSamplingBilinear: bilinear upsampling with aligned corners."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    SeparableMap,
    bilinear_matrices,
)


class SpatialUpSamplingBilinear(SeparableMap):
    """Bilinear upsampling of the two spatial axes (torch/nn ``SpatialUpSamplingBilinear``).

    ``params`` is an integer scale factor ``s`` (output ``(H*s, W*s)``, as torch/nn's code
    computes it; its comment's ``(H-1)*(s-1) + H`` is stale) or the output size, as
    ``{"oheight": h, "owidth": w}`` or ``(h, w)``.  Corners are aligned:
    output row ``i`` samples input position ``i * (H - 1) / (oH - 1)``, interpolating linearly
    between its two neighbours; the map is ``y = A_h x A_w^T`` so the backward pass is
    ``A_h^T g A_w``.

    >>> import numpy as np
    >>> SpatialUpSamplingBilinear(2).forward(np.array([[[0.0, 3.0]]]))
    array([[[0., 1., 2., 3.],
            [0., 1., 2., 3.]]])
    """

    def __init__(self, params: Any) -> None:
        super().__init__()
        self.scale_factor = self.oheight = self.owidth = None
        if isinstance(params, dict):
            self.oheight, self.owidth = int(params["oheight"]), int(params["owidth"])
        elif isinstance(params, (tuple, list)):
            self.oheight, self.owidth = (int(p) for p in params)
        else:
            if params < 1 or int(params) != params:
                raise ValueError(f"expected a positive integer scale factor, got {params}")
            self.scale_factor = int(params)

    def matrices(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        if self.scale_factor is not None:
            outs = [n * self.scale_factor for n in shape[-2:]]
        else:
            assert self.oheight is not None and self.owidth is not None  # built with a size
            outs = [self.oheight, self.owidth]
        return bilinear_matrices(shape, outs)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return str(self.scale_factor)
        return f"{self.oheight}x{self.owidth}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialUpSamplingBilinear."""
    return [
        *batch_cases(SpatialUpSamplingBilinear(2), (2, 2, 2, 3), bad_inputs=BAD_INPUTS),
        Case(SpatialUpSamplingBilinear({"oheight": 4, "owidth": 2}), input_shape=(1, 3, 3)),
    ]
