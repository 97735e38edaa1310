"""Max pooling of batches of planes on the compiled (or numpy) pooling kernels, with the argmax
of every window kept for the backward pass (SpatialMaxPooling, TemporalMaxPooling)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import StateError

from . import _backend
from ._batches import expect_windows_overlap
from ._geometry import Geometry


def max_pool(
    x: np.ndarray, geometry: Geometry, out_h: int, out_w: int, indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling of every plane of ``(B, C, H, W)``; returns the output and the argmax indices.

    The previous ``indices`` array is overwritten when it has the right shape (it is the
    module's state, as in torch/nn; a fresh array would cost page faults on every call).
    """
    # (the kernels would leave the output and argmax of a window of padding only unwritten)
    expect_windows_overlap(x)
    batch, channels, height, width = x.shape
    out = np.empty((batch, channels, out_h, out_w), x.dtype)
    if indices.shape != out.shape:
        indices = np.empty(out.shape, np.int64)
    planes = batch * channels
    # one thread: split across two, pooling (bound by memory traffic) was measured no faster
    _backend.max_pool2d(
        x.reshape(planes, height, width),
        out.reshape(planes, out_h, out_w),
        indices.reshape(planes, out_h, out_w),
        *geometry[:6],
    )
    return out, indices


def max_pool_backward(
    grad_out: np.ndarray, indices: np.ndarray, shape: tuple[int, ...]
) -> np.ndarray:
    """Route each output gradient to its window's argmax in an input of ``shape``."""
    if indices.shape != grad_out.shape:
        raise StateError(
            f"backward needs the forward pass of the same input first: indices "
            f"{indices.shape} do not match grad_output {grad_out.shape}"
        )
    grad = np.zeros(shape, grad_out.dtype)
    planes = shape[0] * shape[1]
    _backend.max_pool2d_backward(
        grad_out.reshape(planes, *grad_out.shape[2:]),
        indices.reshape(planes, *indices.shape[2:]),
        grad.reshape(planes, *shape[2:]),
    )
    return grad
