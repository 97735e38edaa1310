"""Input validation helpers for layer authors: each raises a specific error saying what was
expected and what was got.  The enclosing ``forward``/``backward`` adds which module and where.

>>> import numpy as np
>>> expect_ndim(np.zeros((2, 3, 4)), (1, 2))
Traceback (most recent call last):
...
nncore.errors.ShapeError: expected input with 1 or 2 dimensions, got shape (2, 3, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._gradients import MissingGradient
from .errors import IndexOutOfRangeError, InputTypeError, ShapeError


def describe(value: Any) -> str:
    """A short description of a value for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def expect_array(value: Any, what: str = "input") -> np.ndarray:
    """Return ``value`` if it is a numpy array, else raise InputTypeError (or, for the gradient
    of a module that has none, the MissingGradientError naming it)."""
    if not isinstance(value, np.ndarray):
        if isinstance(value, MissingGradient):
            raise value.error()
        raise InputTypeError(f"expected {what} to be a numpy.ndarray, got {describe(value)}")
    return value


def expect_float(value: Any, what: str = "input") -> np.ndarray:
    """Return ``value`` if it is a real-valued array (float, int or bool), else raise."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":  # the per-call fast path
        return value
    expect_array(value, what)
    if value.dtype.kind not in "fiub":
        raise InputTypeError(f"expected {what} to hold real numbers, got dtype {value.dtype}")
    return value


def _spell(counts: Sequence[int]) -> str:
    counts = list(counts)
    return (
        " or ".join(str(c) for c in counts)
        if len(counts) <= 2
        else (", ".join(str(c) for c in counts[:-1]) + f" or {counts[-1]}")
    )


def expect_ndim(value: Any, allowed: int | Sequence[int], what: str = "input") -> np.ndarray:
    """Check the number of dimensions of an array."""
    expect_array(value, what)
    counts = (allowed,) if isinstance(allowed, int) else tuple(allowed)
    if value.ndim not in counts:
        plural = "" if counts == (1,) else "s"
        raise ShapeError(
            f"expected {what} with {_spell(counts)} dimension{plural}, got shape {value.shape}"
        )
    return value


def expect_size(value: np.ndarray, dim: int, size: int, what: str = "input") -> np.ndarray:
    """Check ``value.shape[dim] == size``."""
    if value.shape[dim] != size:
        raise ShapeError(
            f"expected {what} of size {size} in dimension {dim}, got shape {value.shape}"
        )
    return value


def expect_same_shape(
    value: Any, reference: np.ndarray, what: str, reference_what: str
) -> np.ndarray:
    """Check ``value`` is an array with ``reference``'s shape."""
    if type(value) is np.ndarray and value.shape == reference.shape:  # the per-call case
        return value
    expect_array(value, what)
    if value.shape != reference.shape:
        raise ShapeError(
            f"expected {what} of the same shape as {reference_what} {reference.shape}, "
            f"got shape {value.shape}"
        )
    return value


def expect_indices(
    value: Any, low: int | None, high: int | None, what: str = "index"
) -> np.ndarray:
    """Return ``value`` as an integer array after checking ``low <= value < high``.

    Float arrays holding whole numbers are accepted (targets are often stored as floats).
    With ``low`` and ``high`` None, only the type is checked (and the array converted).
    """
    array = np.asarray(value)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise InputTypeError(f"expected whole numbers for {what}, got {array.dtype} values")
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        raise InputTypeError(f"expected an integer array for {what}, got {describe(value)}")
    if low is None or high is None:
        return array
    if array.size and _outside(array, low, high):
        bad = array[(array < low) | (array >= high)]
        if bad.size:
            raise IndexOutOfRangeError(
                f"{what} {bad.flat[0]} is out of range: expected {low} <= {what} < {high}"
            )
    return array


#: the unsigned integer type of each native signed one (same size), and the bound below which
#: every negative value, seen unsigned, is at least as large as any ``high`` (2**(bits - 1))
_UNSIGNED = {np.dtype(f"i{n}"): (np.dtype(f"u{n}"), 2 ** (8 * n - 1)) for n in (1, 2, 4, 8)}


def _outside(array: np.ndarray, low: int, high: int) -> bool:
    """Whether some integer of ``array`` lies outside ``low <= value < high``.

    The ufuncs' own reductions: ``array.max()`` adds a Python wrapper costing as much again.
    """
    unsigned, bound = _UNSIGNED.get(array.dtype, (array.dtype, 0))
    if low == 0 and 0 < high <= bound:
        # one reduction instead of two: seen unsigned, negatives are >= bound >= high
        return bool(np.maximum.reduce(array.view(unsigned), axis=None) >= high)
    return bool(
        np.minimum.reduce(array, axis=None) < low or np.maximum.reduce(array, axis=None) >= high
    )


def expect_index(index: Any, size: int, what: str) -> int:
    """Return ``index`` (an integer; negative counts from the end) as a position in a sequence of
    ``size`` items, or raise.  ``what`` starts the message and says the size::

        >>> expect_index(-1, 3, "a table of 3 elements")
        2
        >>> expect_index(1, 1, "Sequential.get on 1 child")
        Traceback (most recent call last):
        ...
        nncore.errors.IndexOutOfRangeError: Sequential.get on 1 child: expected index 0 (or -1; ...
    """
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        raise InputTypeError(
            f"{what}: expected an integer index, got {index!r:.40} ({describe(index)})"
        )
    if not -size <= index < size:
        if size == 0:
            expected = "no index is valid"
        elif size == 1:
            expected = "expected index 0 (or -1; indices start at 0)"
        else:
            expected = (
                f"expected an index from 0 to {size - 1} (indices start at 0), or from -{size} "
                "to -1 counting from the end"
            )
        raise IndexOutOfRangeError(f"{what}: {expected}, got {index}")
    return int(index) % size


def dimension(dim: int, ndim: int, what: str = "dimension") -> int:
    """Normalise a possibly negative dimension against ``ndim``; raise if out of range."""
    if not -ndim <= dim < ndim:
        needed = dim + 1 if dim >= 0 else -dim
        raise ShapeError(
            f"{what} {dim} is out of range: expected an input with at least {needed} "
            f"dimensions, got {ndim}"
        )
    return dim % ndim
