"""SpatialClassNLLCriterion: ClassNLLCriterion at every pixel of a batch of class maps."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, ShapeError, expect_float, expect_indices, expect_ndim

from ._cases import W3
from ._criteria_util import ClassWeightedCriterion, nll_terms


class SpatialClassNLLCriterion(ClassWeightedCriterion):
    """``loss = -sum_p w[t_p] * x[n, t_p, h, w] / sum_p w[t_p]`` over every pixel ``p = (n, h,
    w)`` of log-probabilities ``x`` ``(batch, classes, H, W)`` and 0-based targets ``t``
    ``(batch, H, W)``; the division only with ``size_average`` (torch/nn
    ``SpatialClassNLLCriterion``).

    >>> import numpy as np
    >>> x = np.log(np.full((1, 2, 1, 2), 0.5))
    >>> round(SpatialClassNLLCriterion().forward(x, np.array([[[0, 1]]])), 6)
    0.693147
    """

    target_accepts = "index"

    def _pixels(self, input: Any, target: Any) -> tuple[np.ndarray, Any, np.ndarray]:
        """The input as one row of class scores per pixel, with :func:`nll_terms`."""
        n, c, h, w = expect_ndim(expect_float(input), 4).shape
        classes = expect_indices(target, 0, c, "target")
        if classes.shape != (n, h, w):
            raise ShapeError(
                f"expected target of shape {(n, h, w)} (one class per pixel), "
                f"got shape {classes.shape}"
            )
        rows = input.transpose(0, 2, 3, 1).reshape(-1, c)
        return (rows, *nll_terms(self, rows, classes.reshape(-1), in_range=True))

    def update_output(self, input: np.ndarray, target: Any) -> float:
        rows, picked, w = self._pixels(input, target)
        return -float(np.sum(w * rows[picked]))

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        rows, picked, w = self._pixels(input, target)
        grad = np.zeros_like(rows)
        grad[picked] = -w
        n, c, h, wd = input.shape
        return grad.reshape(n, h, wd, c).transpose(0, 3, 1, 2)


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialClassNLLCriterion."""
    return [
        Case(
            SpatialClassNLLCriterion(),
            input_shape=(2, 3, 2, 2),
            target=lambda rng, x: rng.integers(0, 3, size=(2, 2, 2)),
            bad_inputs=[
                ("not an array", None),
                (np.zeros((1, 3, 2, 2)), np.full((1, 2, 2), 3)),
                (np.zeros((1, 3, 2, 2)), np.zeros((1, 2, 3), int)),
            ],
        ),
        Case(
            SpatialClassNLLCriterion(W3, size_average=False),
            input_shape=(1, 3, 2, 3),
            target=lambda rng, x: rng.integers(0, 3, size=(1, 2, 3)),
        ),
    ]
