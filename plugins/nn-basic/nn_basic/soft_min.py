"""SoftMin: SoftMax of the negated input."""

from __future__ import annotations

from nncore.plugin import Case

from ._softmax import Normalizer


class SoftMin(Normalizer):
    """``y = softmax(-x)``; ``dx = -y * (dy - sum(dy * y))`` (torch/nn ``SoftMin``).

    Normalises over the same dimension as :class:`SoftMax`.

    >>> import numpy as np
    >>> SoftMin().forward(np.log(np.array([1.0, 3.0])))
    array([0.75, 0.25])
    """

    sign = -1.0


def examples() -> list[Case]:
    """The conformance kit's cases for SoftMin."""
    return [Case(SoftMin(), input_shape=(3, 4), batched=True)]
