"""Leaves of (nested) tables: Torch tables are Python lists, arrays are their leaves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def is_table(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def leaves(value: Any) -> list[Any]:
    """The arrays (or scalars) of a nested table, depth first."""
    if is_table(value):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def map_leaves(fn: Callable[[Any], Any], value: Any) -> Any:
    """A table of the same nesting with ``fn`` applied to every leaf."""
    if is_table(value):
        return [map_leaves(fn, item) for item in value]
    return fn(value)


def map_leaves2(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """Apply ``fn`` to corresponding leaves of two tables of the same nesting."""
    if is_table(a):
        if not is_table(b) or len(a) != len(b):
            raise AssertionError(f"table structures differ: {structure(a)} vs {structure(b)}")
        return [map_leaves2(fn, x, y) for x, y in zip(a, b, strict=False)]
    return fn(a, b)


def structure(value: Any) -> Any:
    """Shapes in the table's nesting, for messages."""
    return map_leaves(lambda leaf: np.shape(leaf), value)


def is_differentiable(leaf: Any) -> bool:
    return isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"
