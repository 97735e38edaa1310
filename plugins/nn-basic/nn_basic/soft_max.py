"""SoftMax: exponentials normalised to sum to one over the feature dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._softmax import Normalizer


class SoftMax(Normalizer):
    """``y_i = exp(x_i - m) / sum_j exp(x_j - m)`` with ``m = max_j x_j``; ``dx = y * (dy -
    sum(dy * y))`` (torch/nn ``SoftMax``).

    The sum runs over the last dimension of a vector ``(n,)`` or a batch ``(b, n)``, and over the
    features of a map ``(n, h, w)`` or a batch of maps ``(b, n, h, w)``, as in torch/nn.

    >>> import numpy as np
    >>> SoftMax().forward(np.log(np.array([[1.0, 3.0], [2.0, 2.0]])))
    array([[0.25, 0.75],
           [0.5 , 0.5 ]])
    """


def examples() -> list[Case]:
    """The conformance kit's cases for SoftMax."""
    return [
        Case(
            SoftMax(),
            input_shape=(3, 4),
            batched=True,
            bad_inputs=["not an array", np.zeros((1, 1, 1, 1, 2))],
        ),
        Case(SoftMax(), input=lambda rng: 50 * rng.standard_normal(5), atol=1e-5),
    ]
