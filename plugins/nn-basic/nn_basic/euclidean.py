"""Euclidean: distances from the input to learnable templates."""

from __future__ import annotations

from nncore.plugin import Case

from ._distance import TemplateDistance


class Euclidean(TemplateDistance):
    """``y_j = ||x - w_j||`` for the columns ``w_j`` of ``weight`` ``(input_size, output_size)``
    (torch/nn ``Euclidean``).  Input ``(input_size,)`` or ``(batch, input_size)``.

    ``dx = sum_j dy_j (x - w_j) / y_j`` and ``dw_j -= dy_j (x - w_j) / y_j``, with ``1e-7`` added
    to ``y_j`` against division by zero as in torch/nn.  ``reset(stdv)`` draws from
    ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``a = 1 / sqrt(input_size)``.

    >>> import numpy as np
    >>> m = Euclidean(2, 1)
    >>> m.weight[...] = [[0.0], [0.0]]
    >>> m.forward(np.array([3.0, 4.0]))
    array([5.])
    """

    def __init__(self, input_size: int, output_size: int) -> None:
        super().__init__(input_size, output_size)
        self.reset()


def examples() -> list[Case]:
    """The conformance kit's cases for Euclidean."""
    return [
        Case(Euclidean(4, 3), input_shape=(2, 4), batched=True),
        Case(Euclidean(3, 2), input_shape=(3,)),
    ]
