"""3x3 stride-1 convolutions by Winograd F(2x2, 3x3): 16 GEMMs of 4 outputs per tile instead
of one GEMM of 9 taps per output (2.25x fewer products), for SpatialConvolution."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _backend, _threads
from ._geometry import Geometry
from ._workspace import Workspace, chunks

#: 3x3 stride-1 convolutions with at least this many input and output planes use Winograd:
#: 16 GEMMs of 4 outputs per tile instead of one of 9 taps per output (2.25x fewer products)
WINOGRAD_MIN_PLANES = 16
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])


def winograd_applies(geometry: Geometry, n_in: int, n_out: int) -> bool:
    """Whether the convolution (and its input gradient, padded by ``2 - pad``) fits F(2x2, 3x3)."""
    g = geometry
    return (
        (g.kh, g.kw, g.sh, g.sw, g.dh, g.dw) == (3, 3, 1, 1, 1, 1)
        and max(g.ph, g.pw) <= 2
        and min(n_in, n_out) >= WINOGRAD_MIN_PLANES
    )


def _tile_counts(out_h: int, out_w: int) -> tuple[int, int]:
    return -(-out_h // 2), -(-out_w // 2)


def winograd_conv(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    ph: int,
    pw: int,
    workspace: Workspace,
    key: Any = None,
    buffer: str = "winograd_tiles",
) -> np.ndarray:
    """3x3 stride-1 convolution of ``(B, C, H, W)`` with ``weight`` ``(n_out, C, 3, 3)``.

    Every 2x2 output block comes from a 4x4 input tile: ``A^T [(G g G^T) * (B^T d B)] A``,
    where the sum over input planes of the elementwise products is 16 GEMMs
    ``(n_out, C) @ (C, tiles)``, one per tile entry.  With ``key`` (the caller's input) the
    transformed tiles are kept in ``buffer`` for :func:`winograd_backward_weight`.
    """
    batch, channels, height, width = x.shape
    n_out = weight.shape[0]
    bias = None if bias is None else np.ascontiguousarray(bias)  # (the kernels read C order)
    out_h, out_w = height + 2 * ph - 2, width + 2 * pw - 2
    tiles_h, tiles_w = _tile_counts(out_h, out_w)
    count = tiles_h * tiles_w
    per_tile = (_G @ weight.astype(np.float64) @ _G.T).astype(x.dtype)  # (n_out, C, 4, 4)
    kernel = np.ascontiguousarray(per_tile.transpose(2, 3, 0, 1).reshape(16, n_out, channels))
    out = np.empty((batch, n_out, out_h, out_w), x.dtype)
    shape = (16 * channels, batch, count)
    kept = workspace.kept(buffer, shape, x.dtype, key)

    def convolve(first: int, last: int, slot: int) -> None:
        per_example = 16 * max(channels, n_out) * count * x.dtype.itemsize
        for start, stop in chunks(first, last, per_example):
            part = workspace.part(kept, buffer, slot, shape, start, stop, x.dtype)
            part = part.reshape(16, channels, (stop - start) * count)
            _backend.winograd_input(x[start:stop], part, ph, pw, tiles_h, tiles_w)
            products = workspace.buffer(
                f"winograd_products/{slot}", (16, n_out, part.shape[2]), x.dtype
            )
            np.matmul(kernel, part, out=products)
            _backend.winograd_output(products, out[start:stop], bias, tiles_h, tiles_w)

    _threads.run(convolve, _threads.parts(batch, 16 * channels * count))
    if kept is not None:
        workspace.remember(buffer, key, kept)
    return out


def winograd_backward_weight(
    x: np.ndarray,
    grad_out: np.ndarray,
    ph: int,
    pw: int,
    scale: float,
    workspace: Workspace,
    key: Any = None,
) -> np.ndarray:
    """``scale`` times the weight gradient ``(n_out, C, 3, 3)`` of :func:`winograd_conv`.

    ``G^T [sum over tiles of (A dy A^T) * (B^T d B)] G``: 16 GEMMs ``(n_out, tiles) @
    (tiles, C)``, reusing the input tiles of the forward pass for the same ``key``.
    """
    batch, channels = x.shape[:2]
    n_out, out_h, out_w = grad_out.shape[1:]
    tiles_h, tiles_w = _tile_counts(out_h, out_w)
    count = tiles_h * tiles_w
    cached = workspace.lookup("winograd_tiles", key) if key is not None else None
    if cached is not None and cached.shape[1] != batch:
        cached = None
    split = _threads.parts(batch, 16 * channels * count)
    totals, summed = workspace.slot_totals(
        "winograd_grad_weight", (16, n_out, channels), x.dtype, len(split)
    )

    def reduce(first: int, last: int, slot: int) -> None:
        partial = workspace.buffer(f"winograd_partial/{slot}", (16, n_out, channels), x.dtype)
        per_example = 16 * max(channels, n_out) * count * x.dtype.itemsize
        for start, stop in chunks(first, last, per_example):
            if cached is not None:
                part = cached[:, start:stop].reshape(16, channels, (stop - start) * count)
            else:
                part = workspace.buffer(
                    f"winograd_tiles_again/{slot}", (16, channels, (stop - start) * count), x.dtype
                )
                _backend.winograd_input(x[start:stop], part, ph, pw, tiles_h, tiles_w)
            grads = workspace.buffer(
                f"winograd_products/{slot}", (16, n_out, part.shape[2]), x.dtype
            )
            _backend.winograd_grad_output(grad_out[start:stop], grads, tiles_h, tiles_w)
            np.matmul(grads, part.transpose(0, 2, 1), out=partial)
            totals[slot] += partial

    _threads.run(reduce, split)
    total = summed()
    per_tile = total.astype(np.float64).reshape(4, 4, n_out, channels).transpose(2, 3, 0, 1)
    return (scale * (_G.T @ per_tile @ _G)).astype(x.dtype)
