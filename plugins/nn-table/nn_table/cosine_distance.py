"""CosineDistance: the cosine of the angle between the two vectors of a pair."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module

from ._cases import BAD_PAIRS, ONE_PAIR, normal
from ._tables import pair, per_example, unbatch

#: keeps the norms of zero vectors away from zero, as torch/nn does
EPSILON = 1e-12


class CosineDistance(Module):
    """``y = x0.x1 / sqrt((|x0|^2 + eps)(|x1|^2 + eps))`` per example (torch/nn
    ``CosineDistance``, which despite its name is the cosine similarity).

    ``dx0 = dy (x1 - (x0.x1 / (|x0|^2 + eps)) x0) / sqrt((|x0|^2 + eps)(|x1|^2 + eps))`` and
    symmetrically for ``dx1``.  Input ``[x0, x1]``, two vectors ``(n,)`` or two batches
    ``(batch, n)``; the output is ``(1,)`` for one pair, as in torch/nn, and ``(batch,)`` for a
    batch.

    >>> import numpy as np
    >>> CosineDistance().forward([np.array([1.0, 0.0]), np.array([1.0, 1.0])]).round(6)
    array([0.707107])
    """

    def update_output(self, input: Any) -> np.ndarray:
        x, y, _ = pair(input)
        dot, sq_x, sq_y = _moments(x, y)
        return dot / np.sqrt(sq_x * sq_y)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x, y, batched = pair(input)
        grad = per_example(grad_output, x)
        dot, sq_x, sq_y = (m[:, None] for m in _moments(x, y))
        scale = grad / np.sqrt(sq_x * sq_y)
        return [
            unbatch(scale * (y - dot / sq_x * x), batched),
            unbatch(scale * (x - dot / sq_y * y), batched),
        ]


def _moments(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per example: ``x.y``, ``|x|^2 + eps``, ``|y|^2 + eps``."""
    return (
        np.einsum("bi,bi->b", x, y),
        np.einsum("bi,bi->b", x, x) + EPSILON,
        np.einsum("bi,bi->b", y, y) + EPSILON,
    )


def examples() -> list[Case]:
    """The conformance kit's cases for CosineDistance."""
    return [
        Case(
            CosineDistance(),
            input=normal((4, 3), (4, 3)),
            batched=True,
            bad_inputs=BAD_PAIRS,
            skip=ONE_PAIR,
        ),
        Case(CosineDistance(), input=normal((5,), (5,))),
    ]
