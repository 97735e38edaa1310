"""Helpers shared by the table layers: validating tables and building gradients of the same nesting.

Torch tables are Python lists (tuples are accepted too); arrays are their leaves.  Every
validator raises an ``nncore.errors`` class whose message says what was expected and what was got.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nncore.plugin import (
    IndexOutOfRangeError,
    InputTypeError,
    ShapeError,
    describe,
    dimension,
    expect_array,
    expect_float,
)

_ndarray = np.ndarray  # (one global lookup instead of two in the per-call loops below)


def is_table(value: Any) -> bool:
    """True for a Torch table, i.e. a list or a tuple."""
    return isinstance(value, (list, tuple))


def _elements(count: int) -> str:
    return f"{count} element" + ("" if count == 1 else "s")


def expect_table(
    value: Any, what: str = "input", length: int | None = None, min_length: int = 0
) -> list[Any]:
    """Return ``value`` as a list after checking it is a table of the expected length."""
    if not is_table(value):
        raise InputTypeError(f"expected {what} to be a table (a list), got {describe(value)}")
    if length is not None and len(value) != length:
        raise ShapeError(
            f"expected {what} to be a table of {_elements(length)}, got {describe(value)}"
        )
    if len(value) < min_length:
        raise ShapeError(
            f"expected {what} to be a table of at least {_elements(min_length)}, "
            f"got {describe(value)}"
        )
    return list(value)


def expect_arrays(
    value: Any,
    what: str = "input",
    length: int | None = None,
    min_length: int = 1,
    same_shape: bool = True,
) -> list[np.ndarray]:
    """A table of real-valued arrays (all of one shape unless ``same_shape`` is False).

    The list itself is returned when it already is one (callers do not modify it).
    """
    if (
        type(value) is list
        and value
        and len(value) >= min_length
        and (length is None or len(value) == length)
    ):  # the per-call case, checked in one loop (cheaper than all() over a generator)
        shape = value[0].shape if type(value[0]) is np.ndarray else None
        for array in value:
            if (
                type(array) is not _ndarray
                or array.dtype.kind != "f"
                or (same_shape and array.shape != shape)
            ):
                break
        else:
            return value
    arrays = expect_table(value, what, length, min_length)
    for i, array in enumerate(arrays):
        expect_float(array, f"{what}[{i}]")
    if same_shape:
        for i, array in enumerate(arrays[1:], 1):
            if array.shape != arrays[0].shape:
                raise ShapeError(
                    f"expected {what}[{i}] of the same shape as {what}[0] "
                    f"{arrays[0].shape}, got shape {array.shape}"
                )
    return arrays


def expect_like(value: Any, template: Any, what: str = "grad_output") -> Any:
    """Check that ``value`` has the nesting of ``template`` and arrays of its shapes."""
    if type(template) is np.ndarray:  # the per-call case
        return expect_shape(value, template.shape, what)
    if is_table(template):
        items = expect_table(value, what, len(template))
        for i, (item, reference) in enumerate(zip(items, template, strict=True)):
            expect_like(item, reference, f"{what}[{i}]")
        return items
    shape = template.shape if type(template) is np.ndarray else np.shape(template)
    return expect_shape(value, shape, what)


def expect_shapes(value: Any, shape: tuple[int, ...], length: int, what: str) -> list[Any]:
    """Check that ``value`` is a table of ``length`` arrays of shape ``shape``; return it."""
    if type(value) is list and len(value) == length:
        for item in value:  # the per-call case first, in one loop
            if type(item) is not _ndarray or item.shape != shape:
                break
        else:
            return value
    items = expect_table(value, what, length)
    for i, item in enumerate(items):
        expect_shape(item, shape, f"{what}[{i}]")
    return items


def expect_shape(value: Any, shape: tuple[int, ...], what: str = "grad_output") -> np.ndarray:
    """Check that ``value`` is an array of shape ``shape`` (a plain number passes for ``()``)."""
    if type(value) is np.ndarray and value.shape == shape:  # the per-call case
        return value
    if tuple(shape) == () and isinstance(value, (float, int, np.generic)):
        return np.asarray(value)
    expect_array(value, what)
    if value.shape != tuple(shape):
        raise ShapeError(f"expected {what} of shape {tuple(shape)}, got shape {value.shape}")
    return value


def position(index: int, length: int, what: str = "index") -> int:
    """Normalise a 0-based, possibly negative table index; raise when it is outside the table."""
    if not -length <= index < length:
        raise IndexOutOfRangeError(
            f"{what} {index} is out of range: expected {-length} <= {what} < {length} "
            f"for a table of {_elements(length)}"
        )
    return index % length


def zeros_like(value: Any, fallback: Any = np.float64) -> Any:
    """Zero arrays in the nesting of ``value``, each of its leaf's float dtype.

    Leaves that are not float arrays (integer targets, indices) get ``fallback`` zeros: a
    gradient is always real-valued.
    """
    if is_table(value):
        return [zeros_like(item, fallback) for item in value]
    if isinstance(value, np.ndarray):  # (np.shape and np.zeros_like cost a Python call more)
        return np.zeros(value.shape, value.dtype if value.dtype.kind == "f" else fallback)
    return np.zeros(np.shape(value), dtype=fallback)


def add(a: Any, b: Any) -> Any:
    """The elementwise sum of two tables of one nesting (new arrays; neither is modified)."""
    if is_table(a):
        return [add(x, y) for x, y in zip(a, b, strict=True)]
    return a + b


def total(values: Sequence[Any], template: Any) -> Any:
    """The sum of several tables shaped like ``template`` (zeros when there are none)."""
    result = zeros_like(template)
    for value in values:
        result = add(result, value)
    return result


def leaves(value: Any) -> list[Any]:
    """The non-table elements of a nested table, depth first."""
    if is_table(value):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def unflatten(flat: Sequence[Any], template: Any) -> Any:
    """Rebuild ``template``'s nesting from its leaves in depth-first order (undoes ``leaves``)."""
    remaining = iter(flat)

    def rebuild(node: Any) -> Any:
        return [rebuild(item) for item in node] if is_table(node) else next(remaining)

    return rebuild(template)


def transpose(tables: Sequence[Any], what: str = "input") -> list[list[Any]]:
    """``[[a0, a1], [b0, b1]] -> [[a0, b0], [a1, b1]]`` after checking equal inner lengths."""
    rows = expect_table(tables, what, min_length=1)
    width = len(expect_table(rows[0], f"{what}[0]"))
    for i, row in enumerate(rows[1:], 1):
        expect_table(row, f"{what}[{i}]", width)
    return [list(column) for column in zip(*rows, strict=True)]


def scatter(template: Any, picked: Sequence[int], values: Sequence[Any]) -> list[Any]:
    """Zeros shaped like the table ``template`` with ``values`` placed at positions ``picked``
    (no zeros are made for those)."""
    grads: list[Any] = [None] * len(template)
    for i, value in zip(picked, values, strict=True):
        grads[i] = value
    for i, grad in enumerate(grads):  # (a loop: half the cost of a dict and a comprehension)
        if grad is None:
            grads[i] = zeros_like(template[i])
    return grads


def pair(input: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    """The two vectors (or two batches of vectors) of a pair module, promoted to 2-D.

    Returns ``(x, y, batched)``; a single pair of vectors becomes a batch of one.
    """
    x, y = expect_arrays(input, length=2)
    if x.ndim not in (1, 2):
        raise ShapeError(f"expected input[0] with 1 or 2 dimensions, got shape {x.shape}")
    return np.atleast_2d(x), np.atleast_2d(y), x.ndim == 2


def unbatch(values: np.ndarray, batched: bool) -> np.ndarray:
    """Undo ``pair``'s promotion of a single example's gradient (its batch of one)."""
    return values if batched else values[0]


def fold(ufunc: np.ufunc, arrays: Sequence[np.ndarray]) -> np.ndarray:
    """``ufunc`` applied pairwise along the table (``x0 * x1 * ...`` for ``np.multiply``).

    Stacking the table and reducing over its first axis reads every element twice and reduces
    along the slow axis (``cumprod``/``prod`` over a stack are 10-40x the pairwise products); this
    writes one new array and accumulates into it.
    """
    if len(arrays) == 1:
        return arrays[0].copy()
    result = ufunc(arrays[0], arrays[1])
    for array in arrays[2:]:
        ufunc(result, array, out=result)
    return result


def winner_grads(input: Any, grad_output: np.ndarray, pick: np.ufunc) -> list[np.ndarray]:
    """Gradients of an elementwise max or min (``pick`` is ``np.maximum`` or ``np.minimum``).

    Each element's gradient goes to the first input that attains the extremum, as in torch/nn.
    A NaN wins where it appears (the extremum is then NaN), as ``argmax`` picks the first NaN.
    """
    arrays = expect_arrays(input)
    expect_like(grad_output, arrays[0])
    output = fold(pick, arrays)
    zero = grad_output.dtype.type(0)
    grads = []
    taken: np.ndarray | None = None  # elements already given to an earlier input
    for array in arrays[:-1]:
        wins = array == output
        wins |= np.isnan(array)
        if taken is not None:
            wins &= ~taken
        taken = wins if taken is None else taken | wins
        grads.append(np.where(wins, grad_output, zero))
    # whatever is left is the last input's
    grads.append(grad_output.copy() if taken is None else np.where(taken, zero, grad_output))
    return grads


def batch_dimension(dim: int, n_input_dims: int | None, ndim: int) -> int:
    """torch/nn's dimension rule for SplitTable/JoinTable, 0-based.

    A negative ``dim`` counts from the end of the actual input; a non-negative one refers to a
    single example and shifts by one when the input has ``n_input_dims + 1`` dimensions (a batch).
    """
    if dim >= 0 and n_input_dims is not None and ndim == n_input_dims + 1:
        dim += 1
    return dimension(dim, ndim)


def scaled(value: Any, factor: Any, like: Any) -> Any:
    """Every array of the table ``value`` times ``factor``, in the dtype of ``like``'s leaf."""
    if is_table(value):
        return [scaled(item, factor, ref) for item, ref in zip(value, like, strict=True)]
    floating = isinstance(like, np.ndarray) and like.dtype.kind == "f"
    return np.asarray(value * factor, dtype=like.dtype if floating else None)


def per_example(grad_output: Any, x: np.ndarray) -> np.ndarray:
    """A pair module's ``grad_output`` (one number per example, one for a single pair too) as a
    ``(batch, 1)`` column."""
    return np.reshape(expect_shape(grad_output, x.shape[:1]), (-1, 1))
