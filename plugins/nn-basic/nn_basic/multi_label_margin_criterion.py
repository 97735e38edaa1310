"""MultiLabelMarginCriterion: a hinge loss ranking every target class above every other."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, expect_float, expect_indices, expect_ndim, expect_same_shape

from ._criteria_util import AveragedCriterion, norm


class MultiLabelMarginCriterion(AveragedCriterion):
    """``loss = sum_{j, i} max(0, 1 - (x[y_j] - x[i])) / classes`` per example, over the target
    classes ``y_j`` and the classes ``i`` that are not targets; summed over the batch and divided
    by it with ``size_average`` (torch/nn ``MultiLabelMarginCriterion``).

    Input ``(classes,)`` or ``(batch, classes)``; the target has the input's shape and lists
    0-based classes, ended by the first -1 (torch/nn's lists, 1-based, end at the first 0).

    >>> import numpy as np
    >>> x, y = np.array([0.1, 0.2, 0.4, 0.8]), np.array([3, 0, -1, 1])
    >>> round(MultiLabelMarginCriterion().forward(x, y), 6)  # targets 3, 0; others 1, 2
    0.85
    """

    target_accepts = "index"

    def _hinges(self, input: Any, target: Any) -> tuple[np.ndarray, ...]:
        """``z[n, j, i] = 1 - x[n, y_j] + x[n, i]``, where it counts, and the target indices."""
        expect_ndim(expect_float(input), (1, 2))
        expect_same_shape(target, input, "target", "input")
        labels = expect_indices(target, -1, input.shape[-1], "target").reshape(-1, input.shape[-1])
        x = input.reshape(labels.shape)
        listed = np.cumprod(labels >= 0, axis=1).astype(bool)  # the classes before the first -1
        rows = np.broadcast_to(np.arange(len(x))[:, None], labels.shape)
        labels = np.where(listed, labels, 0)
        is_target = np.zeros(x.shape, bool)
        is_target[rows[listed], labels[listed]] = True
        z = 1 - x[rows, labels][:, :, None] + x[:, None, :]
        active = listed[:, :, None] & ~is_target[:, None, :] & (z > 0)
        return z, active, rows, labels

    def update_output(self, input: np.ndarray, target: Any) -> float:
        z, active, _, _ = self._hinges(input, target)
        return float(np.sum(z, where=active)) * norm(self, len(z)) / z.shape[-1]

    def update_grad_input(self, input: np.ndarray, target: Any) -> np.ndarray:
        z, active, rows, labels = self._hinges(input, target)
        scale = norm(self, len(z)) / z.shape[-1]
        grad = (active.sum(axis=1) * scale).astype(z.dtype)
        np.add.at(grad, (rows, labels), -active.sum(axis=2) * scale)
        return grad.reshape(input.shape)


def _label_lists(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Per row, some distinct 0-based classes, then -1, then leftovers that must be ignored."""
    rows = np.atleast_2d(np.zeros(x.shape, dtype=np.int64))
    for row in rows:
        k = int(rng.integers(1, row.size))
        row[:] = rng.permutation(row.size)
        row[k] = -1
    return rows.reshape(x.shape)


def examples() -> list[Case]:
    """The conformance kit's cases for MultiLabelMarginCriterion."""
    return [
        Case(
            MultiLabelMarginCriterion(),
            input_shape=(3, 4),
            target=_label_lists,
            bad_inputs=[
                ("not an array", None),
                (np.zeros(3), np.array([0, 3, -1])),
                (np.zeros(3), np.array([0, -2, -1])),
                (np.zeros(3), np.zeros(2)),
            ],
        ),
        Case(MultiLabelMarginCriterion(size_average=False), input_shape=(5,), target=_label_lists),
    ]
