"""SpatialDropout: drop whole feature maps."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._planes import (
    FeatureDropout,
)


class SpatialDropout(FeatureDropout):
    """Feature-map dropout of ``(C, H, W)`` or ``(N, C, H, W)`` (torch/nn ``SpatialDropout``).

    Training: each plane ``(n, c)`` is kept whole with probability ``1 - p`` (a mask drawn from
    ``nncore.random`` at every forward, stored in ``noise``) and zeroed otherwise, without
    rescaling, as torch/nn does; evaluation multiplies by ``1 - p`` (unless
    ``stochastic_inference`` keeps dropping).  The backward pass applies the same mask.

    >>> import numpy as np
    >>> SpatialDropout(0.25).evaluate().forward(np.ones((1, 2, 2)))
    array([[[0.75, 0.75],
            [0.75, 0.75]]])
    """

    spatial = 2


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialDropout."""
    return [
        Case(SpatialDropout(0.4), input_shape=(3, 4, 2, 2), bad_inputs=BAD_INPUTS),
        *batch_cases(SpatialDropout(0.3).evaluate(), (2, 3, 2, 2)),
    ]
