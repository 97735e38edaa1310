"""SpatialLogSoftMax: LogSoftMax over the features at every spatial location."""

from __future__ import annotations

from nncore.plugin import Case

from ._softmax import Normalizer


class SpatialLogSoftMax(Normalizer):
    """LogSoftMax over dimension 0 of ``(features, h, w)`` or 1 of ``(batch, features, h, w)``,
    independently at every location (torch/nn ``SpatialLogSoftMax``); on 1-D and 2-D input it is
    :class:`LogSoftMax`.

    >>> import numpy as np
    >>> np.exp(SpatialLogSoftMax().forward(np.zeros((4, 1, 1))))[:, 0, 0]
    array([0.25, 0.25, 0.25, 0.25])
    """

    log = True


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialLogSoftMax."""
    return [
        Case(SpatialLogSoftMax(), input_shape=(2, 3, 2, 2), batched=True),
        Case(SpatialLogSoftMax(), input_shape=(3, 2, 3)),
    ]
