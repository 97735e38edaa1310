"""LogSoftMax: the logarithm of SoftMax, computed stably."""

from __future__ import annotations

from nncore.plugin import Case

from ._softmax import Normalizer


class LogSoftMax(Normalizer):
    """``y_i = x_i - m - log(sum_j exp(x_j - m))`` with ``m = max_j x_j``; ``dx = dy - exp(y) *
    sum(dy)`` (torch/nn ``LogSoftMax``).

    Normalises over the same dimension as :class:`SoftMax` (the last one of 1-D and 2-D input).

    >>> import numpy as np
    >>> np.exp(LogSoftMax().forward(np.array([1000.0, 1000.0])))
    array([0.5, 0.5])
    """

    log = True


def examples() -> list[Case]:
    """The conformance kit's cases for LogSoftMax."""
    return [
        Case(LogSoftMax(), input_shape=(3, 4), batched=True),
        Case(LogSoftMax(), input_shape=(5,)),
    ]
