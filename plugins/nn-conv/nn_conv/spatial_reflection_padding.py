"""SpatialReflectionPadding: pad the two spatial axes with their mirror image."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    PlanePadding,
)


class SpatialReflectionPadding(PlanePadding):
    """Reflection padding (torch/nn ``SpatialReflectionPadding``), the edge not repeated.

    ``y[..., i, j] = x[..., r(i - pad_t, H), r(j - pad_l, W)]`` with ``r(p, n) = |p|`` mirrored
    again at ``n - 1``; each pad must be smaller than the padded size.  The backward pass adds
    every mirrored gradient onto its source.

    >>> import numpy as np
    >>> SpatialReflectionPadding(2, 0, 0, 0).forward(np.arange(3.0).reshape(1, 1, 3))
    array([[[2., 1., 0., 1., 2.]]])
    """

    mode = "reflect"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialReflectionPadding."""
    return batch_cases(SpatialReflectionPadding(2, 1, 1, 2), (2, 2, 3, 4), bad_inputs=BAD_INPUTS)
