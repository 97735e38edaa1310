"""PairwiseDistance: the p-norm distance between the two vectors of a pair."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_PAIRS, ONE_PAIR, normal
from ._tables import pair, per_example, unbatch


class PairwiseDistance(Module):
    """``y = ||x0 - x1||_p`` per example; ``dx0 = -dx1 = dy * sign(d) |d|^(p-1) / y^(p-1)`` with
    ``d = x0 - x1`` (torch/nn ``PairwiseDistance``).

    Input ``[x0, x1]``, two vectors ``(n,)`` or two batches ``(batch, n)``; the output is
    ``(1,)`` for one pair, as in torch/nn, and ``(batch,)`` for a batch.
    Where the two vectors coincide the gradient is zero (torch/nn adds ``1e-6`` to ``y``
    instead, and picks a random sign for ``p = 1``).

    >>> import numpy as np
    >>> x, y = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    >>> PairwiseDistance(1).forward([x, y])
    array([9.])
    >>> PairwiseDistance(2).forward([x, y]) == np.sqrt(27)
    array([ True])
    """

    def __init__(self, p: float = 2) -> None:
        super().__init__()
        self.norm = p

    def update_output(self, input: Any) -> np.ndarray:
        x, y, _ = pair(input)
        return np.sum(np.abs(x - y) ** self.norm, axis=1) ** (1.0 / self.norm)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x, y, batched = pair(input)
        diff = x - y
        distance = np.sum(np.abs(diff) ** self.norm, axis=1, keepdims=True) ** (1.0 / self.norm)
        power = np.divide(
            1.0, distance ** (self.norm - 1), out=np.zeros_like(distance), where=distance > 0
        )
        grad = np.sign(diff) * np.abs(diff) ** (self.norm - 1) * power
        grad = grad * per_example(grad_output, x)
        return [unbatch(grad, batched), unbatch(-grad, batched)]

    def extra_repr(self) -> str:
        return f"p={self.norm:g}"


def examples() -> list[Case]:
    """The conformance kit's cases for PairwiseDistance."""
    return [
        Case(
            PairwiseDistance(),
            input=normal((4, 3), (4, 3)),
            batched=True,
            bad_inputs=BAD_PAIRS,
            skip=ONE_PAIR,
        ),
        Case(PairwiseDistance(1), input=normal((4, 3), (4, 3)), batched=True, skip=ONE_PAIR),
        Case(PairwiseDistance(3), input=normal((5,), (5,))),
    ]
