"""What nn-basic's criteria share: input and target checks, class weights, reductions,
negative log-likelihood terms, and the weighted sum of criteria behind Multi/ParallelCriterion.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, Protocol, cast

import numpy as np

from nncore.plugin import (
    Criterion,
    IndexOutOfRangeError,
    InputError,
    InputTypeError,
    Module,
    ShapeError,
    describe,
    expect_float,
    expect_index,
    expect_indices,
    expect_ndim,
    expect_same_shape,
    format_branches,
)


# ----------------------------------------------------------------------------- inputs, targets
def float_pair(input: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``input`` and ``target`` are real arrays of the same shape; return them."""
    expect_float(input)
    expect_same_shape(target, input, "target", "input")
    return input, expect_float(target, "target")


def expect_list(value: Any, length: int, what: str = "input", exact: bool = False) -> list[Any]:
    """Check that ``value`` is a list (a Torch table) of ``length`` items, or more unless
    ``exact``; return it."""
    if (
        not isinstance(value, (list, tuple))
        or len(value) < length
        or (exact and len(value) != length)
    ):
        plenty = "" if exact else " (or more)"
        raise InputTypeError(
            f"expected {what} to be a list of {length}{plenty} items, got {describe(value)}"
        )
    return list(value)


def float_table(input: Any, length: int) -> list[np.ndarray]:
    """Check that ``input`` is a list of ``length`` real arrays of one shape; return it."""
    expect_list(input, length, exact=True)
    for k, item in enumerate(input):
        expect_float(item, f"input[{k}]")
        expect_same_shape(item, input[0], f"input[{k}]", "input[0]")
    return list(input)


def signs(target: Any, shape: tuple[int, ...], what: str = "target") -> np.ndarray:
    """A target of 1 / -1 labels: a number or an array of ``shape``, returned with ``shape``."""
    labels = np.asarray(target) if np.isscalar(target) else expect_float(target, what)
    if labels.ndim and labels.shape != shape:
        raise ShapeError(f"expected {what} of shape {shape}, got shape {labels.shape}")
    if labels.dtype.kind not in "fiub" or not np.all(np.abs(labels) == 1):
        raise InputError(f"expected {what} values 1 or -1, got {labels!r:.80}")
    return np.broadcast_to(labels, shape)


def class_targets(target: Any, input: np.ndarray, ignore_index: int | None = None) -> np.ndarray:
    """0-based class targets of a ``(classes,)`` or ``(batch, classes)`` input, as a 1-D array.

    One example takes an int (or a one-element array), a batch one index per row.  Float arrays
    holding whole numbers are accepted.  ``ignore_index`` is allowed besides ``0 <= t < classes``.
    """
    return _class_targets(target, input, ignore_index)[0]


def _class_targets(
    target: Any, input: np.ndarray, ignore_index: int | None
) -> tuple[np.ndarray, bool]:
    """:func:`class_targets`, and whether every target is a class (none is ``ignore_index``
    outside ``0 <= t < classes``)."""
    expected = 1 if input.ndim == 1 else input.shape[0]
    if type(target) is np.ndarray and target.shape == (expected,) and target.dtype.kind in "iu":
        # the per-call case: one range check, which is all a batch of integer classes needs
        try:
            return expect_indices(target, 0, input.shape[-1], "target"), True
        except IndexOutOfRangeError:
            pass  # perhaps ignore_index: decided below
    classes = expect_indices(target, None, None, what="target")
    if classes.size != expected or classes.ndim > 1:
        raise ShapeError(
            f"expected target of shape {(expected,)} (one class per example), got shape "
            f"{classes.shape}"
        )
    classes = classes.reshape(-1)
    if classes.size and (classes.min() < 0 or classes.max() >= input.shape[-1]):
        # something is out of range: fine only if it is ignore_index
        kept = classes if ignore_index is None else classes[classes != ignore_index]
        expect_indices(kept, 0, input.shape[-1], "target")
        return classes, False
    return classes, True


# ----------------------------------------------------------------------------- weights
def as_weights(weights: Any, what: str = "weights") -> np.ndarray | None:
    """The criterion's own 1-D float copy of a constructor's ``weights`` (None stays None)."""
    if weights is None:
        return None
    array = np.array(weights, dtype=np.float64)
    if array.ndim != 1:
        raise ShapeError(f"expected {what} with 1 dimension, got shape {array.shape}")
    return array


def expect_weights(weights: np.ndarray | None, size: int, what: str = "weights") -> None:
    """Check one weight per class (or per element of the last dimension)."""
    if weights is not None and weights.shape != (size,):
        raise ShapeError(
            f"expected {what} of shape ({size},) to match the input, got shape {weights.shape}"
        )


def weighted_pair(criterion: ClassWeightedCriterion, input: Any, target: Any) -> np.ndarray | float:
    """Check ``input`` and ``target`` as :func:`float_pair` does; return the criterion's
    ``weights`` to broadcast along the last dimension of ``input`` (1.0 without weights)."""
    float_pair(input, target)
    if criterion.weights is None:
        return 1.0
    expect_weights(criterion.weights, input.shape[-1] if input.ndim else 1)
    return criterion.weights


# ----------------------------------------------------------------------------- base classes
class AveragedCriterion(Criterion):
    """A criterion whose one option is ``size_average`` (divide by the element/example count)."""

    def __init__(self, size_average: bool = True) -> None:
        super().__init__()
        self.size_average = size_average


class MarginedCriterion(Criterion):
    """A criterion with a ``margin`` and ``size_average``."""

    def __init__(self, margin: float = 1.0, size_average: bool = True) -> None:
        super().__init__()
        self.margin = margin
        self.size_average = size_average


class ClassWeightedCriterion(Criterion):
    """A criterion with optional ``weights`` (one per class) and ``size_average``."""

    buffer_names = ("weights",)

    def __init__(self, weights: Any = None, size_average: bool = True) -> None:
        super().__init__()
        self.weights = as_weights(weights)
        self.size_average = size_average


# ----------------------------------------------------------------------------- reductions
class SizeAveraged(Protocol):
    """A criterion with the option ``size_average`` (every base class above gives it)."""

    size_average: bool


def norm(criterion: SizeAveraged, count: int) -> float:
    """The factor ``size_average`` puts on a loss and its gradient: ``1 / count`` or 1."""
    return 1.0 / count if criterion.size_average and count else 1.0


def nll_terms(
    criterion: ClassWeightedCriterion,
    scores: np.ndarray,
    classes: np.ndarray,
    in_range: bool = False,
) -> tuple[Any, np.ndarray]:
    """``(picked, w)`` of the weighted NLL ``-sum(w * scores[picked])`` over ``scores`` rows.

    ``picked`` indexes each row's target class; ``w`` holds the class weights (1 without
    weights, 0 for ``ignore_index`` targets), divided by their sum under ``size_average``.
    ``in_range`` says that every class is known to be in ``0 <= t < classes``, so that an
    ``ignore_index`` outside that range cannot be among them.
    """
    weights = criterion.weights
    expect_weights(weights, scores.shape[-1])
    ignore_index = getattr(criterion, "ignore_index", None)
    if ignore_index is None or (in_range and not 0 <= ignore_index < scores.shape[-1]):
        kept = None  # no target is ignore_index
    else:
        kept = classes != ignore_index
    if weights is None and len(classes) and (kept is None or kept.all()):
        # the common case: equal weights
        rows, w = _equal_terms(len(classes), scores.dtype, criterion.size_average)
        return (rows, classes), w
    if kept is None:
        kept = np.ones(len(classes), bool)
    safe = np.where(kept, classes, 0)
    w = (np.ones(len(safe), scores.dtype) if weights is None else weights[safe]) * kept
    total = float(w.sum())
    if criterion.size_average and total:
        w = w / total
    return (np.arange(len(safe)), safe), w.astype(scores.dtype, copy=False)


@functools.lru_cache(maxsize=32)
def _equal_terms(count: int, dtype: np.dtype, size_average: bool) -> tuple[np.ndarray, np.ndarray]:
    """The row numbers and the equal weights of ``count`` targets, made once per batch size
    (read-only: every call shares them)."""
    rows = np.arange(count)
    w = np.full(count, 1 / count if size_average else 1.0, dtype)
    rows.flags.writeable = w.flags.writeable = False
    return rows, w


def class_rows(
    criterion: ClassWeightedCriterion, input: Any, target: Any
) -> tuple[np.ndarray, Any, np.ndarray]:
    """Validate a 1-D/2-D class-score input and its targets: ``(rows, picked, w)`` for ``rows``
    the input as ``(batch, classes)`` (see :func:`nll_terms`)."""
    expect_ndim(expect_float(input), (1, 2))
    classes, in_range = _class_targets(target, input, getattr(criterion, "ignore_index", None))
    rows = input.reshape(-1, input.shape[-1])
    return (rows, *nll_terms(criterion, rows, classes, in_range))


# ----------------------------------------------------------------------------- tables
def zeros_like_table(value: Any) -> Any:
    """Zeros with the nesting and shapes of ``value``."""
    if isinstance(value, (list, tuple)):
        return [zeros_like_table(item) for item in value]
    return np.zeros_like(value)


def add_scaled(total: Any, weight: float, value: Any) -> Any:
    """``total + weight * value`` for tables of the same nesting."""
    if isinstance(total, list):
        return [add_scaled(t, weight, v) for t, v in zip(total, value, strict=True)]
    return total + weight * value


class WeightedCriteria(Criterion):
    """Children criteria with a scalar weight each (the base of Multi/ParallelCriterion).

    ``weights`` is a declared buffer so that saving, loading, ``type`` and ``clone`` carry it.
    """

    accepts = target_accepts = "any"  # each criterion applies its own

    buffer_names = ("weights",)

    def __init__(self) -> None:
        super().__init__()
        self.criterions: list[Criterion] = []
        self.weights = np.zeros(0)

    def add(self, criterion: Criterion, weight: float = 1.0) -> WeightedCriteria:
        """Append a criterion counted ``weight`` times; return self so calls chain."""
        if not isinstance(criterion, Criterion):
            raise InputTypeError(
                f"{type(self).__name__}.add expects a Criterion, got {type(criterion).__name__}"
            )
        self.criterions.append(criterion)
        self.weights = np.concatenate([self.weights, np.array([weight], self.weights.dtype)])
        return self

    def get(self, index: int) -> Criterion:
        """The child at ``index`` (0-based)."""
        n = len(self.criterions)
        what = f"{type(self).__name__}.get on {n} criterion(s)"
        return self.criterions[expect_index(index, n, what)]

    def size(self) -> int:
        """The number of children."""
        return len(self.criterions)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((str(i), c) for i, c in enumerate(self.criterions))

    def set_child(self, name: str, module: Module) -> None:
        """Replace child ``name``; the name one past the last appends with weight 1 (loading)."""
        index = int(name)
        # what takes a criterion's place is a criterion (loading rebuilds the class that was
        # saved, swapping puts in another implementation of it); ``add`` checks it
        criterion = cast(Criterion, module)
        if index == len(self.criterions):
            self.add(criterion)
        else:
            self.criterions[index] = criterion

    def __repr__(self) -> str:
        return format_branches(self, self.criterions)
