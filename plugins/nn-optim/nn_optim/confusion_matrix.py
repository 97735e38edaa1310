"""A confusion matrix with per-class and global accuracy (torch/optim's ``ConfusionMatrix.lua``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nncore.plugin import IndexOutOfRangeError, ShapeError


class ConfusionMatrix:
    """Counts of (target, prediction) pairs: ``mat[t, p]``, rows targets, columns predictions.

    Classes are 0-based.  ``ConfusionMatrix(3)`` or ``ConfusionMatrix(["cat", "dog", "bird"])``
    (or both: ``ConfusionMatrix(3, names)``).  ``add`` takes one prediction (a class, or scores
    whose largest wins) and one target (a class, or a one-hot vector); ``batch_add`` a batch of
    each.  A negative target is missing and ignored, as Torch ignores non-positive ones.
    ``update_valids()`` computes ``valids`` (each class's accuracy: the diagonal over the row),
    ``unionvalids`` (the diagonal over row plus column minus diagonal, VOC's measure),
    ``total_valid`` (global accuracy), ``average_valid`` and ``average_union_valid`` (means
    over the classes seen); ``str(matrix)`` prints them as Torch does.

    >>> import numpy as np
    >>> matrix = ConfusionMatrix(["cat", "dog"])
    >>> matrix.batch_add(np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]]), np.array([0, 1, 1]))
    >>> print(matrix)
    ConfusionMatrix:
    [[       1       0]   100.000%  [class: cat]
     [       1       1]]  50.000%   [class: dog]
     + average row correct: 75%
     + average rowUcol correct (VOC measure): 50%
     + global correct: 66.666666666667%
    """

    def __init__(self, nclasses: int | Sequence[str], classes: Sequence[str] | None = None):
        if not isinstance(nclasses, int):
            classes, nclasses = list(nclasses), len(nclasses)
        if nclasses < 1:
            raise ValueError(f"ConfusionMatrix: expected at least one class, got {nclasses}")
        self.nclasses = nclasses
        self.classes = list(classes or [])
        self.mat = np.zeros((nclasses, nclasses), np.int64)
        self.valids = np.zeros(nclasses)
        self.unionvalids = np.zeros(nclasses)
        self.total_valid = 0.0
        self.average_valid = 0.0
        self.average_union_valid = 0.0

    def __repr__(self) -> str:
        return f"ConfusionMatrix({self.nclasses})"

    def _classes(self, values: Any, what: str) -> np.ndarray:
        """Class indices from indices (1-D) or scores / one-hot rows (2-D: the largest wins)."""
        array = np.asarray(values)
        if array.ndim == 2:
            array = array[:, 0] if array.shape[1] == 1 else np.argmax(array, axis=1)
        if array.ndim != 1:
            raise ShapeError(
                f"ConfusionMatrix: expected {what} as a vector of classes or a matrix of "
                f"scores, got shape {np.shape(values)}"
            )
        if array.dtype.kind == "f":
            if not np.all(array == np.floor(array)):
                raise ValueError(f"ConfusionMatrix: {what} classes must be whole numbers")
            array = array.astype(np.int64)
        elif array.dtype.kind not in "iub":
            raise TypeError(f"ConfusionMatrix: expected numeric {what}, got {array.dtype}")
        return array.astype(np.int64)

    def add(self, prediction: Any, target: Any) -> None:
        """Count one example: ``prediction`` a class or a vector of scores, ``target`` a class
        or a one-hot vector."""
        self.batch_add(np.asarray(prediction)[None], np.asarray(target)[None])

    def batch_add(self, predictions: Any, targets: Any) -> None:
        """Count a batch: classes (1-D) or scores (2-D, one row an example) for each."""
        preds = self._classes(predictions, "predictions")
        targs = self._classes(targets, "targets")
        if preds.shape != targs.shape:
            raise ShapeError(f"ConfusionMatrix: {preds.size} predictions for {targs.size} targets")
        seen = targs >= 0
        preds, targs = preds[seen], targs[seen]
        n = self.nclasses
        for name, values in (("prediction", preds), ("target", targs)):
            if values.size and (values.min() < 0 or values.max() >= n):
                bad = values[(values < 0) | (values >= n)][0]
                raise IndexOutOfRangeError(
                    f"ConfusionMatrix: expected {name} classes 0 to {n - 1}, got {bad}"
                )
        self.mat += np.bincount(targs * n + preds, minlength=n * n).reshape(n, n)

    def zero(self) -> None:
        """Forget every count."""
        self.mat[...] = 0
        self.valids[...] = 0
        self.unionvalids[...] = 0
        self.total_valid = self.average_valid = self.average_union_valid = 0.0

    def update_valids(self) -> None:
        """Recompute the accuracies from the counts (NaN for a class never seen)."""
        diagonal = np.diag(self.mat).astype(np.float64)
        rows, columns = self.mat.sum(axis=1), self.mat.sum(axis=0)
        with np.errstate(all="ignore"):
            self.valids = diagonal / rows
            self.unionvalids = diagonal / (rows + columns - diagonal)
            self.total_valid = float(diagonal.sum() / self.mat.sum())
        seen = ~np.isnan(self.valids)
        both = seen & ~np.isnan(self.unionvalids)
        self.average_valid = float(self.valids[seen].mean()) if seen.any() else math.nan
        self.average_union_valid = float(self.unionvalids[both].mean()) if both.any() else math.nan

    def far_frr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """False rejection and false acceptance rates (torch's ``farFrr``): per class (-1 for a
        class with no example), then only for the classes with examples."""
        counts = self.mat.sum(axis=1)
        class_frrs, class_fars = -np.ones(self.nclasses), -np.ones(self.nclasses)
        for i in np.flatnonzero(counts):
            class_frrs[i] = 1 - self.mat[i, i] / counts[i]
            others = [j for j in np.flatnonzero(counts) if j != i]
            rates = [self.mat[j, i] / counts[j] for j in others]
            class_fars[i] = sum(rates) / len(rates) if rates else math.nan
        present = counts != 0
        return class_frrs, class_fars, class_frrs[present], class_fars[present]

    def __str__(self) -> str:
        self.update_valids()
        digits = max(8, 1 + math.ceil(math.log10(self.mat.max()))) if self.mat.max() > 0 else 8
        lines = ["ConfusionMatrix:"]
        for t in range(self.nclasses):
            cells = "".join(f"{count:{digits}d}" for count in self.mat[t])
            opening = "[[" if t == 0 else " ["
            closing = "]]  " if t == self.nclasses - 1 else "]   "
            line = f"{opening}{cells}{closing}{self.valids[t] * 100:2.3f}% "
            if self.classes:
                name = self.classes[t] if t < len(self.classes) else ""
                line += f"\t[class: {name}]"
            lines.append(line)
        lines += [
            f" + average row correct: {_lua(self.average_valid * 100)}% ",
            f" + average rowUcol correct (VOC measure): {_lua(self.average_union_valid * 100)}% ",
            f" + global correct: {_lua(self.total_valid * 100)}%",
        ]
        return "\n".join(lines)


def _lua(number: float) -> str:
    """A number as Lua prints it (``%.14g``)."""
    return f"{number:.14g}"
