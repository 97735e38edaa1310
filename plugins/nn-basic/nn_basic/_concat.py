"""Shared machinery of Concat, DepthConcat and Parallel: where each child's output goes in the
joined output, and the sum of the children's gradients with respect to a shared input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nncore.plugin import ShapeError, StateError, dimension, expect_array

Window = tuple[slice, ...]


def child_outputs(container: Any, outputs: Sequence[Any]) -> list[np.ndarray]:
    """Check every child produced an array; a container with no children cannot produce any."""
    if not outputs:
        name = type(container).__name__
        raise StateError(f"expected at least one child module in {name}, got none")
    return [expect_array(out, f"the output of child {i}") for i, out in enumerate(outputs)]


def layout(
    shapes: Sequence[tuple[int, ...]], dim: int, pad: bool = False
) -> tuple[tuple[int, ...], list[Window]]:
    """The joined shape and each child's window in it, concatenating along ``dim``.

    Without ``pad`` every other dimension must agree; with ``pad`` (DepthConcat) the joined size
    is the largest and smaller outputs sit centred, ``(largest - size) // 2`` from the start.
    """
    ndims = {len(s) for s in shapes}
    if len(ndims) != 1:
        raise ShapeError(
            f"expected child outputs with the same number of dimensions, got shapes {list(shapes)}"
        )
    ndim = ndims.pop()
    axis = dimension(dim, ndim)
    others = [d for d in range(ndim) if d != axis]
    if not pad and any(s[d] != shapes[0][d] for s in shapes for d in others):
        raise ShapeError(
            f"expected child outputs of equal sizes outside dimension {dim}, "
            f"got shapes {list(shapes)}"
        )
    total = [max(s[d] for s in shapes) for d in range(ndim)]
    total[axis] = sum(s[axis] for s in shapes)
    windows, offset = [], 0
    for shape in shapes:
        starts = [(total[d] - shape[d]) // 2 for d in range(ndim)]
        window = [slice(start, start + size) for start, size in zip(starts, shape, strict=True)]
        window[axis] = slice(offset, offset + shape[axis])
        offset += shape[axis]
        windows.append(tuple(window))
    return tuple(total), windows


def join(
    outputs: Sequence[np.ndarray], total: tuple[int, ...], windows: Sequence[Window]
) -> np.ndarray:
    """Copy each output into its window of a zero array of shape ``total``."""
    joined = np.zeros(total, dtype=np.result_type(*outputs))
    for output, window in zip(outputs, windows, strict=True):
        joined[window] = output
    return joined


def total_gradient(grads: Sequence[Any]) -> Any:
    """The sum of gradients (arrays or tables of the same nesting), as a new value."""
    first = grads[0]
    if isinstance(first, (list, tuple)):
        if any(not isinstance(g, (list, tuple)) or len(g) != len(first) for g in grads):
            raise ShapeError("expected the children's grad_input tables to have the same structure")
        return [total_gradient([g[k] for g in grads]) for k in range(len(first))]
    total = np.array(first, copy=True)
    for grad in grads[1:]:
        total += grad
    return total
