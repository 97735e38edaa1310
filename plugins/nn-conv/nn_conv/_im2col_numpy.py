"""Pure-numpy twins of the column kernels in ``_im2col.pyx`` (same names, same signatures).

The fallback when the extension is missing (or ``NNCORE_NO_EXTENSIONS=1``) and the oracle the
kernel tests compare against.  See ``_im2col.pyx`` for the layouts and the argument types.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def _check_columns(
    image: np.ndarray, cols: np.ndarray, kh: int, kw: int, out_h: int, out_w: int
) -> None:
    batch, channels = image.shape[:2]
    if cols.shape != (channels * kh * kw, batch, out_h * out_w):
        raise ValueError(
            f"column buffer of shape {cols.shape} does not match "
            f"{(channels * kh * kw, batch, out_h * out_w)}"
        )


def padded_windows(
    image: np.ndarray,
    kh: int,
    kw: int,
    sh: int,
    sw: int,
    ph: int,
    pw: int,
    dh: int,
    dw: int,
    out_h: int,
    out_w: int,
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(i, j, view)``: the strided slice of the zero-padded image seen by kernel tap (i, j).

    The padded array is large enough for every tap, also when the output reaches past the
    padded border (ceil-mode pooling).
    """
    batch, channels, height, width = image.shape
    full_h = max(height + 2 * ph, (out_h - 1) * sh + (kh - 1) * dh + 1)
    full_w = max(width + 2 * pw, (out_w - 1) * sw + (kw - 1) * dw + 1)
    padded = np.zeros((batch, channels, full_h, full_w), image.dtype)
    padded[:, :, ph : ph + height, pw : pw + width] = image
    for i in range(kh):
        for j in range(kw):
            y, x = i * dh, j * dw
            yield (
                i,
                j,
                padded[:, :, y : y + (out_h - 1) * sh + 1 : sh, x : x + (out_w - 1) * sw + 1 : sw],
            )


def im2col(image, cols, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w) -> None:
    """Write the convolution columns of ``image`` into ``cols`` (zero where padding)."""
    _check_columns(image, cols, kh, kw, out_h, out_w)
    batch, channels = image.shape[:2]
    view = cols.reshape(channels, kh, kw, batch, out_h, out_w)
    for i, j, window in padded_windows(image, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w):
        view[:, i, j] = window.transpose(1, 0, 2, 3)


def col2im(cols, image, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w) -> None:
    """Add the columns ``cols`` back onto ``image`` (the adjoint of :func:`im2col`)."""
    _check_columns(image, cols, kh, kw, out_h, out_w)
    batch, channels, height, width = image.shape
    view = cols.reshape(channels, kh, kw, batch, out_h, out_w)
    full_h = max(height + 2 * ph, (out_h - 1) * sh + (kh - 1) * dh + 1)
    full_w = max(width + 2 * pw, (out_w - 1) * sw + (kw - 1) * dw + 1)
    padded = np.zeros((batch, channels, full_h, full_w), image.dtype)
    for i in range(kh):
        for j in range(kw):
            y, x = i * dh, j * dw
            target = padded[
                :, :, y : y + (out_h - 1) * sh + 1 : sh, x : x + (out_w - 1) * sw + 1 : sw
            ]
            target += view[:, i, j].transpose(1, 0, 2, 3)
    image += padded[:, :, ph : ph + height, pw : pw + width]


def columns_to_batch(source, target, bias) -> None:
    """``target[b, o, p] = source[o, b, p] (+ bias[o])``: a GEMM result back to batch-first."""
    np.copyto(target, source.transpose(1, 0, 2))
    if bias is not None:
        target += bias[:, None]


def batch_to_columns(source, target) -> None:
    """``target[o, b, p] = source[b, o, p]``: a batch-first gradient into GEMM layout."""
    np.copyto(target, source.transpose(1, 0, 2))
