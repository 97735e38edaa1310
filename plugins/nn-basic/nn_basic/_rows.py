"""Input handling shared by the simple layers that take one vector or a batch of vectors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import (
    InputTypeError,
    ShapeError,
    describe,
    expect_float,
    expect_ndim,
    expect_size,
    generator,
)

from ._reduce import expect_shape


def as_rows(input: Any, size: int, what: str = "input") -> np.ndarray:
    """Check ``input`` is a ``(size,)`` vector or a ``(batch, size)`` batch; return it 2-D."""
    expect_ndim(expect_float(input, what), (1, 2), what)
    expect_size(input, -1, size, what)
    return np.atleast_2d(input)


def grad_rows(grad_output: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Check ``grad_output`` has the output's ``shape``; return it 2-D."""
    return np.atleast_2d(expect_shape(grad_output, shape))


def uniform(shape: tuple[int, ...], bound: float) -> np.ndarray:
    """Draws from ``U(-bound, bound)`` through ``nncore.random``."""
    return generator().uniform(-bound, bound, shape)


def two_arrays(input: Any, form: str) -> tuple[np.ndarray, np.ndarray]:
    """The two real-valued arrays of a table ``form`` (``"[a, b]"``), after checking them."""
    if not isinstance(input, (list, tuple)) or len(input) != 2:
        raise InputTypeError(f"expected a table {form} of two arrays, got {describe(input)}")
    return expect_float(input[0], "input[0]"), expect_float(input[1], "input[1]")


def same_rows(a: np.ndarray, b: np.ndarray, batched: bool = True) -> None:
    """Check two batched arrays have the same number of rows (examples)."""
    if batched and a.shape[0] != b.shape[0]:
        raise ShapeError(
            f"expected inputs with the same number of rows, got shapes {a.shape} and {b.shape}"
        )


def matrix_table(input: Any, form: str, fewer_dims: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The two arrays of a table ``form``: a matrix ``(n, m)`` or a batch ``(batch, n, m)``
    first, then an array with ``fewer_dims`` dimensions less and the same batch size."""
    a, b = two_arrays(input, form)
    expect_ndim(a, (2, 3), "input[0]")
    expect_ndim(b, a.ndim - fewer_dims, "input[1]")
    same_rows(a, b, batched=a.ndim == 3)
    return a, b


def reset_uniform(stdv: float | None, default: float, *arrays: np.ndarray | None) -> None:
    """torch/nn's ``reset(stdv)`` rule: fill each array (None skipped) in turn from ``U(-a, a)``
    with ``a = stdv * sqrt(3)`` (a standard deviation of ``stdv``), or ``a = default``."""
    bound = stdv * math.sqrt(3) if stdv is not None else default
    for array in arrays:
        if array is not None:
            array[...] = uniform(array.shape, bound)
