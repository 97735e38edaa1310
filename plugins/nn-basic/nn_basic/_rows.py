"""Input handling shared by the simple layers that take one vector or a batch of vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.checks import expect_array, expect_float, expect_ndim, expect_size
from nncore.errors import ShapeError
from nncore.random import generator


def as_rows(input: Any, size: int, what: str = "input") -> np.ndarray:
    """Check ``input`` is a ``(size,)`` vector or a ``(batch, size)`` batch; return it 2-D."""
    expect_ndim(expect_float(input, what), (1, 2), what)
    expect_size(input, -1, size, what)
    return np.atleast_2d(input)


def grad_rows(grad_output: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Check ``grad_output`` has the output's ``shape``; return it 2-D."""
    expect_array(grad_output, "grad_output")
    if grad_output.shape != tuple(shape):
        raise ShapeError(
            f"expected grad_output of shape {tuple(shape)} (the output's), "
            f"got shape {grad_output.shape}"
        )
    return np.atleast_2d(grad_output)


def uniform(shape: tuple[int, ...], bound: float) -> np.ndarray:
    """Draws from ``U(-bound, bound)`` through ``nncore.random``."""
    return generator().uniform(-bound, bound, shape)
