"""Inputs of nn-conv's kernel-backed layers: batched, contiguous, checked against the layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import ShapeError, expect_float, expect_ndim

from ._geometry import Geometry


def batched(
    input: Any, spatial: int, dtype: np.dtype, keep_float: bool = False, what: str = "input"
) -> tuple[np.ndarray, bool]:
    """Check ``input`` is ``(C, *S)`` or ``(B, C, *S)``; return it batched, contiguous, ``dtype``.

    With ``keep_float`` a floating input keeps its own dtype (layers without parameters).  The
    flag says the input was a single example (the caller drops the batch axis again).
    """
    x = expect_ndim(expect_float(input, what), (spatial + 1, spatial + 2), what)
    single = x.ndim == spatial + 1
    if keep_float and x.dtype.kind == "f":
        dtype = x.dtype
    return np.ascontiguousarray(x[None] if single else x, dtype=dtype), single


def expect_grad(grad_output: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Check ``grad_output`` has the output's shape; return it contiguous in ``dtype``."""
    g = expect_float(grad_output, "grad_output")
    if g.shape != shape:
        raise ShapeError(f"expected grad_output of the output's shape {shape}, got shape {g.shape}")
    return np.ascontiguousarray(g, dtype=dtype)


def expect_fits(x: np.ndarray, out_h: int, out_w: int, geometry: Geometry) -> None:
    """Raise unless the window fits at least once into the (padded) input."""
    if out_h < 1 or out_w < 1:
        g = geometry
        raise ShapeError(
            f"expected an input whose padded size fits the {(g.dh * (g.kh - 1) + 1)}x"
            f"{(g.dw * (g.kw - 1) + 1)} window, got shape {x.shape}"
        )


def expect_windows_overlap(x: np.ndarray) -> None:
    """Raise for planes of no elements: a pooling window of nothing but padding has no maximum
    and no average (with padding, or in ceil mode, such a window still fits)."""
    if 0 in x.shape[2:]:
        raise ShapeError(
            f"expected every pooling window to overlap the input, got planes {x.shape[2:]}"
        )
