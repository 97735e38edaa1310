"""VolumetricDropout: drop whole 3-D feature maps."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._planes import (
    FeatureDropout,
)


class VolumetricDropout(FeatureDropout):
    """Feature-map dropout of ``(C, T, H, W)`` or ``(N, C, T, H, W)`` (torch/nn
    ``VolumetricDropout``): as ``SpatialDropout``, each ``(n, c)`` volume is kept whole with
    probability ``1 - p`` in training, and everything is scaled by ``1 - p`` in evaluation.

    >>> import numpy as np
    >>> VolumetricDropout(0.5).forward(np.ones((3, 1, 2, 2))).shape
    (3, 1, 2, 2)
    """

    spatial = 3


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricDropout."""
    return [
        Case(VolumetricDropout(0.4), input_shape=(2, 4, 2, 1, 2), bad_inputs=BAD_INPUTS),
        *batch_cases(VolumetricDropout(0.3).evaluate(), (2, 2, 2, 1, 2)),
    ]
