"""SpatialConvolution's products: Winograd F(2x2, 3x3) where it applies, else im2col + GEMM."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._gemm_conv import conv2d_backward_input, conv2d_backward_weight, conv2d_forward
from ._geometry import Geometry
from ._winograd_conv import winograd_applies, winograd_backward_weight, winograd_conv
from ._workspace import Workspace


def spatial_conv(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    geometry: Geometry,
    out_h: int,
    out_w: int,
    workspace: Workspace,
    key: Any = None,
) -> np.ndarray:
    """The convolution of ``x`` by ``weight`` ``(n_out, C, kh, kw)``: Winograd or im2col + GEMM."""
    if winograd_applies(geometry, x.shape[1], weight.shape[0]):
        return winograd_conv(x, weight, bias, geometry.ph, geometry.pw, workspace, key)
    weight2d = weight.reshape(weight.shape[0], -1)
    return conv2d_forward(x, weight2d, bias, geometry, out_h, out_w, workspace, key)


def spatial_conv_backward_input(
    grad_out: np.ndarray,
    weight: np.ndarray,
    geometry: Geometry,
    image_shape: tuple[int, ...],
    workspace: Workspace,
    key: Any = None,
) -> np.ndarray:
    """The input gradient of :func:`spatial_conv`.

    Under Winograd it is the convolution of ``grad_out`` padded by ``2 - pad`` with the kernel
    flipped and its planes swapped.
    """
    if winograd_applies(geometry, weight.shape[1], weight.shape[0]):
        flipped = weight.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
        return winograd_conv(
            grad_out,
            flipped,
            None,
            2 - geometry.ph,
            2 - geometry.pw,
            workspace,
            buffer="winograd_grad_tiles",
        )
    weight2d = weight.reshape(weight.shape[0], -1)
    return conv2d_backward_input(grad_out, weight2d, geometry, image_shape, workspace, key)


def spatial_conv_backward_weight(
    x: np.ndarray,
    grad_out: np.ndarray,
    n_out: int,
    geometry: Geometry,
    scale: float,
    workspace: Workspace,
    key: Any = None,
    grad_key: Any = None,
) -> np.ndarray:
    """``scale`` times the weight gradient of :func:`spatial_conv`, shaped ``(n_out, C, kh, kw)``
    (in the workspace: add it to the module's gradient before the next call)."""
    if winograd_applies(geometry, x.shape[1], n_out):
        return winograd_backward_weight(
            x, grad_out, geometry.ph, geometry.pw, scale, workspace, key
        )
    grad = conv2d_backward_weight(x, grad_out, geometry, scale, workspace, key, grad_key)
    return grad.reshape(n_out, x.shape[1], geometry.kh, geometry.kw)
