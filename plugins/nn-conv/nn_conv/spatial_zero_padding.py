"""SpatialZeroPadding: pad (or, with negative sizes, crop) the two spatial axes with zeros."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    PlanePadding,
)


class SpatialZeroPadding(PlanePadding):
    """Zero padding of ``(C, H, W)`` or ``(N, C, H, W)`` (torch/nn ``SpatialZeroPadding``).

    ``y[..., i, j] = x[..., i - pad_t, j - pad_l]`` where that lies inside ``x``, else 0; the
    output is ``(H + pad_t + pad_b, W + pad_l + pad_r)``.  Negative pads crop.  Omitted pads
    default to ``pad_l``.  The backward pass crops ``grad_output`` back.

    >>> import numpy as np
    >>> SpatialZeroPadding(1, 0, 2, -1).forward(np.ones((3, 4, 4))).shape
    (3, 5, 5)
    """

    mode = "zero"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialZeroPadding."""
    return [
        *batch_cases(SpatialZeroPadding(1, 2, 0, 1), (2, 2, 3, 3), bad_inputs=BAD_INPUTS),
        Case(SpatialZeroPadding(-1, 1, 1, -1), input_shape=(2, 3, 4), bad_inputs=BAD_INPUTS),
    ]
