"""SpatialReplicationPadding: pad the two spatial axes by repeating the border."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    PlanePadding,
)


class SpatialReplicationPadding(PlanePadding):
    """Replication padding (torch/nn ``SpatialReplicationPadding``).

    ``y[..., i, j] = x[..., clip(i - pad_t, 0, H-1), clip(j - pad_l, 0, W-1)]``; the backward
    pass sums the gradients of the repeated border onto the border.

    >>> import numpy as np
    >>> SpatialReplicationPadding(1, 2, 0, 0).forward(np.arange(2.0).reshape(1, 1, 2))
    array([[[0., 0., 1., 1., 1.]]])
    """

    mode = "replicate"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialReplicationPadding."""
    return batch_cases(SpatialReplicationPadding(1, 2, 2, 0), (2, 2, 3, 2), bad_inputs=BAD_INPUTS)
