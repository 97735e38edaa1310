"""Pure-numpy twins of the pooling kernels in ``_pooling.pyx`` (same names, same signatures).

The fallback when the extension is missing (or ``NNCORE_NO_EXTENSIONS=1``) and the oracle the
kernel tests compare against.  See ``_pooling.pyx`` for the layouts and the argument types.
"""

from __future__ import annotations

import numpy as np

from nncore.plugin import IndexOutOfRangeError

from ._im2col_numpy import col2im, padded_windows


def max_pool2d(image, out, indices, kh, kw, sh, sw, ph, pw) -> None:
    """Max over each window of every plane; ``indices`` gets the argmax as ``y * width + x``.

    Windows are clipped to the plane (padding never wins); the first maximum in row-major
    order is kept, and a NaN is always taken as the maximum.
    """
    planes, height, width = image.shape
    out_h, out_w = out.shape[1:]
    # positions start at 1 so that the zero padding marks "outside the plane"
    position = np.arange(1, height * width + 1, dtype=np.int64).reshape(1, 1, height, width)
    best = np.zeros((1, planes, out_h, out_w), image.dtype)
    where = np.full((1, planes, out_h, out_w), -1, np.int64)
    taps = zip(  # noqa: B905 - both generators yield one view per kernel tap
        padded_windows(image[None], kh, kw, sh, sw, ph, pw, 1, 1, out_h, out_w),
        padded_windows(position, kh, kw, sh, sw, ph, pw, 1, 1, out_h, out_w),
    )
    for (_, _, values), (_, _, positions) in taps:
        better = (positions > 0) & ((where < 0) | (values > best) | np.isnan(values))
        np.copyto(best, values, where=better)
        np.copyto(where, np.broadcast_to(positions - 1, where.shape), where=better)
    out[...] = best[0]
    indices[...] = where[0]


def max_pool2d_backward(grad_out, indices, grad_in) -> None:
    """Add each output gradient onto the input element that won its window."""
    planes, height, width = grad_in.shape
    if indices.size and (indices.min() < 0 or indices.max() >= height * width):
        raise IndexOutOfRangeError(
            f"pooling indices lie outside planes of {height * width} elements"
        )
    flat = grad_in.reshape(planes, height * width)
    per_plane = indices.size // planes if planes else 0
    rows = np.broadcast_to(np.arange(planes)[:, None], (planes, per_plane))
    np.add.at(flat, (rows, indices.reshape(planes, per_plane)), grad_out.reshape(planes, per_plane))


def _divisors(height, width, out_h, out_w, kh, kw, sh, sw, ph, pw, count_include_pad) -> np.ndarray:
    y0 = np.arange(out_h) * sh - ph
    x0 = np.arange(out_w) * sw - pw
    y1 = np.minimum(y0 + kh, height + ph)
    x1 = np.minimum(x0 + kw, width + pw)
    if not count_include_pad:
        y0, x0 = np.maximum(y0, 0), np.maximum(x0, 0)
        y1, x1 = np.minimum(y1, height), np.minimum(x1, width)
    return np.outer(y1 - y0, x1 - x0)


def avg_pool2d(image, out, kh, kw, sh, sw, ph, pw, count_include_pad) -> None:
    """Mean over each window of every plane, with torch/nn's divisor rules."""
    planes, height, width = image.shape
    out_h, out_w = out.shape[1:]
    total = np.zeros((1, planes, out_h, out_w), image.dtype)
    for _, _, window in padded_windows(image[None], kh, kw, sh, sw, ph, pw, 1, 1, out_h, out_w):
        total += window
    div = _divisors(height, width, out_h, out_w, kh, kw, sh, sw, ph, pw, count_include_pad)
    out[...] = np.where(div > 0, total[0] / np.maximum(div, 1), 0)


def avg_pool2d_backward(grad_out, grad_in, kh, kw, sh, sw, ph, pw, count_include_pad) -> None:
    """Spread each output gradient evenly (by the forward's divisor) over its window."""
    planes, height, width = grad_in.shape
    out_h, out_w = grad_out.shape[1:]
    div = _divisors(height, width, out_h, out_w, kh, kw, sh, sw, ph, pw, count_include_pad)
    share = np.where(div > 0, grad_out / np.maximum(div, 1), 0).astype(grad_in.dtype)
    cols = np.broadcast_to(share[:, None, None], (planes, kh, kw, out_h, out_w))
    col2im(
        cols.reshape(planes * kh * kw, 1, out_h * out_w),
        grad_in[None],
        kh,
        kw,
        sh,
        sw,
        ph,
        pw,
        1,
        1,
        out_h,
        out_w,
    )
