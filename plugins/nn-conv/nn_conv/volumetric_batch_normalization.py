"""VolumetricBatchNormalization: batch normalization of each feature volume."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._batch_norm import PlaneBatchNormalization


class VolumetricBatchNormalization(PlaneBatchNormalization):
    """Normalize every volume of ``(N, C, T, H, W)`` over batch, time and space (torch/nn
    ``VolumetricBatchNormalization``, torch/nn's ``BatchNormalization`` with ``nDim = 5``).

    Training: ``mu``, ``var`` are the mean and biased variance of volume ``c`` over
    ``(N, T, H, W)``, ``y = (x - mu) / sqrt(var + eps) * weight[c] + bias[c]``; the running
    statistics move by ``momentum`` towards ``mu`` and the unbiased variance.  Evaluation uses
    the running statistics.  With ``affine=False`` there are no ``weight``/``bias``.
    ``reset()`` draws ``weight ~ U(0, 1)``, zeroes ``bias`` and restores the running statistics
    to 0 and 1.

    >>> VolumetricBatchNormalization(3).forward(np.zeros((2, 3, 2, 2, 2))).shape
    (2, 3, 2, 2, 2)
    """

    n_dim = 5


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricBatchNormalization."""
    return [
        Case(
            VolumetricBatchNormalization(3),
            input_shape=(2, 3, 2, 2, 2),
            bad_inputs=["not an array", np.zeros((3, 2, 2, 2)), np.zeros((2, 4, 2, 2, 2))],
        ),
        Case(VolumetricBatchNormalization(2, affine=False), input_shape=(2, 2, 3, 1, 2)),
        Case(VolumetricBatchNormalization(2, 1e-3, 0.5).evaluate(), input_shape=(1, 2, 2, 2, 2)),
    ]
