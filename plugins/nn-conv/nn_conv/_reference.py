"""Pure-numpy twins of the compiled kernels in ``_kernels.pyx`` (same names, same signatures).

This module is the fallback when the extension is missing (or ``NNCORE_NO_EXTENSIONS=1``) and
the oracle the kernel tests compare against.  See ``_kernels.pyx`` for the layouts.
"""

from __future__ import annotations

import numpy as np

from nncore.errors import IndexOutOfRangeError


def _check_columns(
    image: np.ndarray, cols: np.ndarray, kh: int, kw: int, out_h: int, out_w: int
) -> None:
    batch, channels = image.shape[:2]
    if cols.shape != (channels * kh * kw, batch, out_h * out_w):
        raise ValueError(
            f"column buffer of shape {cols.shape} does not match "
            f"{(channels * kh * kw, batch, out_h * out_w)}"
        )


def _padded_windows(
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
):
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
    for i, j, window in _padded_windows(image, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w):
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


def conv2d_gemm_forward(
    image, weight, bias, out, kept, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w, threads
) -> None:
    """``out[b] = weight @ columns(image[b]) (+ bias)`` for every example; the columns are left
    in ``kept`` unless it is None (``threads`` is ignored)."""
    rows = image.shape[1] * kh * kw
    columns = (
        kept if kept is not None else np.empty((rows, image.shape[0], out_h * out_w), image.dtype)
    )
    im2col(image, columns, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)
    out[...] = np.matmul(weight, columns.transpose(1, 0, 2))
    if bias is not None:
        out += bias[:, None]


def conv2d_gemm_backward_input(
    grad_out, weight, grad_in, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w, threads
) -> None:
    """``grad_in[b] = col2im(weight.T @ grad_out[b])`` for every example (overwritten)."""
    columns = np.ascontiguousarray(np.matmul(weight.T, grad_out).transpose(1, 0, 2))
    grad_in[...] = 0
    col2im(columns, grad_in, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)


def conv2d_gemm_backward_weight(
    image, grad_out, grad_weight, kept, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w, threads
) -> None:
    """``grad_weight += sum over b of grad_out[b] @ columns(image[b]).T``; the columns come
    from ``kept`` unless it is None."""
    columns = kept
    if columns is None:
        rows = image.shape[1] * kh * kw
        columns = np.empty((rows, image.shape[0], out_h * out_w), image.dtype)
        im2col(image, columns, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)
    rows, batch, positions = columns.shape
    grads = grad_out.transpose(1, 0, 2).reshape(grad_out.shape[1], batch * positions)
    grad_weight += grads @ columns.reshape(rows, batch * positions).T


def columns_to_batch(source, target, bias) -> None:
    """``target[b, o, p] = source[o, b, p] (+ bias[o])``: a GEMM result back to batch-first."""
    np.copyto(target, source.transpose(1, 0, 2))
    if bias is not None:
        target += bias[:, None]


def batch_to_columns(source, target) -> None:
    """``target[o, b, p] = source[b, o, p]``: a batch-first gradient into GEMM layout."""
    np.copyto(target, source.transpose(1, 0, 2))


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
        _padded_windows(image[None], kh, kw, sh, sw, ph, pw, 1, 1, out_h, out_w),
        _padded_windows(position, kh, kw, sh, sw, ph, pw, 1, 1, out_h, out_w),
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
    flat = grad_in.reshape(planes, -1)
    rows = np.broadcast_to(np.arange(planes)[:, None], (planes, indices[0].size))
    np.add.at(flat, (rows, indices.reshape(planes, -1)), grad_out.reshape(planes, -1))


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
    for _, _, window in _padded_windows(image[None], kh, kw, sh, sw, ph, pw, 1, 1, out_h, out_w):
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


def _check_ids(ids: np.ndarray, n_index: int) -> None:
    bad = ids[(ids < 0) | (ids >= n_index)]
    if bad.size:
        raise IndexOutOfRangeError(
            f"index {bad[0]} is out of range: expected 0 <= index < {n_index}"
        )


def embedding_forward(ids, weight, out) -> None:
    """``out[i] = weight[ids[i]]``."""
    _check_ids(ids, weight.shape[0])
    np.take(weight, ids, axis=0, out=out)


def embedding_backward(ids, grad, grad_weight, scale, padding_index, scale_by_frequency) -> None:
    """``grad_weight[ids[i]] += scale * grad[i]``, skipping ``padding_index``.

    With ``scale_by_frequency`` each contribution is divided by how often its id occurs.
    """
    _check_ids(ids, grad_weight.shape[0])
    factor = np.full(len(ids), scale)
    if scale_by_frequency:
        factor /= np.bincount(ids, minlength=grad_weight.shape[0])[ids]
    keep = ids != padding_index
    np.add.at(grad_weight, ids[keep], (factor[keep, None] * grad[keep]).astype(grad_weight.dtype))


def embedding_renorm(ids, weight, max_norm, norm_type) -> None:
    """Rescale rows ``weight[ids]`` whose ``norm_type``-norm exceeds ``max_norm`` down to it."""
    _check_ids(ids, weight.shape[0])
    rows = np.unique(ids)
    norms = np.linalg.norm(weight[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    weight[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(weight.dtype)


_BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
_AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])


def winograd_input(image, tiles, ph, pw, tiles_h, tiles_w) -> None:
    """Winograd F(2x2, 3x3) input transform ``B^T d B`` of every 4x4 tile of the padded image.

    Tile ``(ty, tx)`` starts at padded pixel ``(2 ty, 2 tx)``; pixels outside the image are 0.
    ``tiles`` is ``(16, C, B * tiles_h * tiles_w)``, entry ``4 i + j`` of the transformed tile.
    """
    batch, channels, height, width = image.shape
    padded = np.zeros((batch, channels, 2 * tiles_h + 2, 2 * tiles_w + 2), image.dtype)
    rows, cols = min(height, 2 * tiles_h + 2 - ph), min(width, 2 * tiles_w + 2 - pw)
    padded[:, :, ph : ph + rows, pw : pw + cols] = image[:, :, :rows, :cols]
    d = np.lib.stride_tricks.sliding_window_view(padded, (4, 4), axis=(2, 3))[:, :, ::2, ::2]
    transformed = _BT.astype(image.dtype) @ d @ _BT.T.astype(image.dtype)  # (B, C, th, tw, 4, 4)
    tiles[...] = transformed.transpose(4, 5, 1, 0, 2, 3).reshape(16, channels, -1)


def winograd_output(products, out, bias, tiles_h, tiles_w) -> None:
    """Winograd F(2x2, 3x3) output transform ``A^T m A`` of every tile into ``out`` (+ bias).

    ``products`` is ``(16, n_out, B * tiles_h * tiles_w)``; tile ``(ty, tx)`` gives the 2x2
    output block at ``(2 ty, 2 tx)``, clipped to ``out``.
    """
    batch, n_out, out_h, out_w = out.shape
    m = products.reshape(4, 4, n_out, batch, tiles_h, tiles_w).transpose(3, 2, 4, 5, 0, 1)
    blocks = _AT.astype(out.dtype) @ m @ _AT.T.astype(out.dtype)  # (B, O, th, tw, 2, 2)
    full = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(batch, n_out, 2 * tiles_h, 2 * tiles_w)
    out[...] = full[:, :, :out_h, :out_w]
    if bias is not None:
        out += bias[:, None, None]


def winograd_grad_output(grad, tiles, tiles_h, tiles_w) -> None:
    """Winograd F(2x2, 3x3) output-gradient transform ``A g A^T`` of every 2x2 block.

    Block ``(ty, tx)`` is ``grad[..., 2 ty : 2 ty + 2, 2 tx : 2 tx + 2]`` (zero past the edge);
    ``tiles`` is ``(16, n_out, B * tiles_h * tiles_w)``.
    """
    batch, n_out, out_h, out_w = grad.shape
    padded = np.zeros((batch, n_out, 2 * tiles_h, 2 * tiles_w), grad.dtype)
    padded[:, :, :out_h, :out_w] = grad
    blocks = padded.reshape(batch, n_out, tiles_h, 2, tiles_w, 2).transpose(0, 1, 2, 4, 3, 5)
    a = _AT.T.astype(grad.dtype)
    transformed = a @ blocks @ a.T  # (B, O, th, tw, 4, 4)
    tiles[...] = transformed.transpose(4, 5, 1, 0, 2, 3).reshape(16, n_out, -1)
