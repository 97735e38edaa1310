"""SpatialSoftMax: SoftMax over the features at every spatial location."""

from __future__ import annotations

from nncore.plugin import Case

from ._softmax import Normalizer


class SpatialSoftMax(Normalizer):
    """SoftMax over dimension 0 of ``(features, h, w)`` or 1 of ``(batch, features, h, w)``,
    independently at every location (torch/nn ``SpatialSoftMax``); on 1-D and 2-D input it is
    :class:`SoftMax`.

    >>> import numpy as np
    >>> SpatialSoftMax().forward(np.zeros((1, 2, 1, 3)))[0, :, 0, 0]
    array([0.5, 0.5])
    """


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialSoftMax."""
    return [
        Case(SpatialSoftMax(), input_shape=(2, 3, 2, 2), batched=True),
        Case(SpatialSoftMax(), input_shape=(3, 4), batched=True),
    ]
