"""Helpers over (nested) tables: Torch tables are Python lists whose leaves are arrays."""

from __future__ import annotations

from typing import Any

import numpy as np


def is_table(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def add(total: Any, value: Any) -> Any:
    """``total + value`` leaf by leaf; ``None`` stands for zero (a gradient not yet seen)."""
    if total is None:
        return value
    if value is None:
        return total
    if is_table(total):
        return [add(a, b) for a, b in zip(total, value, strict=True)]
    return total + value


def zeros_like(value: Any) -> Any:
    """Zeros in ``value``'s nesting (the gradient of a value that reaches no output)."""
    if is_table(value):
        return [zeros_like(v) for v in value]
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    return None


def fill(grad: Any, value: Any) -> Any:
    """``grad`` with every missing (``None``) part replaced by zeros shaped like ``value``."""
    if grad is None:
        return zeros_like(value)
    if is_table(value) and is_table(grad):
        return [fill(g, v) for g, v in zip(grad, value, strict=True)]
    return grad
