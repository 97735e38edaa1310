"""DotProduct: the dot product of the two vectors of a pair."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_PAIRS, ONE_PAIR, normal
from ._tables import pair, per_example, unbatch


class DotProduct(Module):
    """``y = sum(x0 * x1)`` per example; ``dx0 = dy * x1``, ``dx1 = dy * x0``
    (torch/nn ``DotProduct``).

    Input ``[x0, x1]``, two vectors ``(n,)`` or two batches ``(batch, n)``; the output is
    ``(1,)`` for one pair, as in torch/nn, and ``(batch,)`` for a batch.

    >>> import numpy as np
    >>> DotProduct().forward([np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])])
    array([32.])
    """

    def update_output(self, input: Any) -> np.ndarray:
        x, y, _ = pair(input)
        return np.einsum("bi,bi->b", x, y)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x, y, batched = pair(input)
        grad = per_example(grad_output, x)
        return [unbatch(grad * y, batched), unbatch(grad * x, batched)]


def examples() -> list[Case]:
    """The conformance kit's cases for DotProduct."""
    return [
        Case(
            DotProduct(),
            input=normal((4, 3), (4, 3)),
            batched=True,
            bad_inputs=BAD_PAIRS,
            skip=ONE_PAIR,
        ),
        Case(DotProduct(), input=normal((5,), (5,))),
    ]
