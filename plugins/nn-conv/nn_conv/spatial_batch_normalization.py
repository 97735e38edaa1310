"""SpatialBatchNormalization: batch normalization of each feature map."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._batch_norm import PlaneBatchNormalization


class SpatialBatchNormalization(PlaneBatchNormalization):
    """Normalize every plane of ``(N, C, H, W)`` over batch and space (torch/nn
    ``SpatialBatchNormalization``).

    Training: ``mu``, ``var`` are the mean and biased variance of plane ``c`` over ``(N, H, W)``,
    ``y = (x - mu) / sqrt(var + eps) * weight[c] + bias[c]``; the running statistics move by
    ``momentum`` towards ``mu`` and the unbiased variance.  Evaluation uses the running
    statistics.  With ``affine=False`` there are no ``weight``/``bias``.  ``reset()`` draws
    ``weight ~ U(0, 1)``, zeroes ``bias`` and restores the running statistics to 0 and 1.

    >>> SpatialBatchNormalization(4)
    nn.SpatialBatchNormalization(4)
    """

    n_dim = 4


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialBatchNormalization."""
    return [
        Case(
            SpatialBatchNormalization(3),
            input_shape=(3, 3, 2, 2),
            bad_inputs=["not an array", np.zeros((3, 2, 2)), np.zeros((3, 4, 2, 2))],
        ),
        Case(SpatialBatchNormalization(2, affine=False), input_shape=(2, 2, 3, 1)),
        Case(SpatialBatchNormalization(2, 1e-3, 0.5).evaluate(), input_shape=(2, 2, 2, 2)),
    ]
