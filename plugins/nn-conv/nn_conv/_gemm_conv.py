"""Convolution as im2col + BLAS GEMM, for SpatialConvolution, SpatialFullConvolution and
TemporalConvolution.

The column matrix is laid out ``(c * kh * kw, batch, positions)`` so that all three products are
plain 2-D GEMMs over a chunk of the batch with no transposed copy of the columns:

* forward: ``W (n_out, K) @ cols (K, B*P)``, then ``(n_out, B, P)`` back to batch-first;
* input gradient: ``W.T @ dY`` (BLAS reads ``W.T`` in place) then ``col2im``;
* weight gradient: ``cols (K, B*P) @ dY.T``, transposed (again read in place by BLAS).

Convolutions with few output planes (thin GEMMs, see ``THIN_GEMM``) instead run one example
at a time inside a compiled kernel: its columns go from the copy into BLAS while in cache.
The transposed (full) convolution is the same three products with the roles of input and
output swapped, so it reuses these functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _backend, _threads
from ._geometry import Geometry
from ._workspace import Workspace, chunks, flat

#: the input gradient's columns go from its GEMM straight into col2im, in chunks of about this
#: many bytes: they stay in L2 between the two (10-13% faster for LeNet's layers than 8 MiB)
SPREAD_CHUNK_BYTES = 256 * 2**10
#: convolutions with fewer output planes than this run one example at a time (the
#: ``conv2d_gemm_*`` kernels): OpenBLAS packs a thin ``(n_out, K)`` operand poorly against a
#: long ``(K, N)`` one, and per example the columns never leave the cache
THIN_GEMM = 32


def conv2d_forward(
    x: np.ndarray,
    weight2d: np.ndarray,
    bias: np.ndarray | None,
    geometry: Geometry,
    out_h: int,
    out_w: int,
    workspace: Workspace,
    key: Any = None,
) -> np.ndarray:
    """``(B, C, H, W) -> (B, n_out, out_h, out_w)`` with ``weight2d`` of shape ``(n_out, C*kh*kw)``.

    ``key`` (the caller's input object) lets :func:`conv2d_backward_weight` reuse the columns.
    """
    batch = x.shape[0]
    n_out, rows = weight2d.shape
    positions = out_h * out_w
    bias = None if bias is None else np.ascontiguousarray(bias)  # (the kernels read C order)
    out = np.empty((batch, n_out, out_h, out_w), x.dtype)
    shape = (rows, batch, positions)
    kept = workspace.kept("cols", shape, x.dtype, key)
    if n_out < THIN_GEMM:
        with _threads.team(batch, rows * positions) as threads:
            _backend.conv2d_gemm_forward(
                x,
                np.ascontiguousarray(weight2d),
                bias,
                out.reshape(batch, n_out, positions),
                kept,
                *geometry.kernel_args(),
                out_h,
                out_w,
                threads,
            )
    else:

        def convolve(first: int, last: int, slot: int) -> None:
            for start, stop in chunks(first, last, rows * positions * x.dtype.itemsize):
                part = workspace.part(kept, "cols", slot, shape, start, stop, x.dtype)
                _backend.im2col(x[start:stop], part, *geometry.kernel_args(), out_h, out_w)
                product = workspace.buffer(
                    f"gemm/{slot}", (n_out, part.shape[1] * positions), x.dtype
                )
                np.matmul(weight2d, flat(part), out=product)
                _backend.columns_to_batch(
                    product.reshape(n_out, stop - start, positions),
                    out[start:stop].reshape(stop - start, n_out, positions),
                    bias,
                )

        _threads.run(convolve, _threads.parts(batch, rows * positions))
    if kept is not None:
        workspace.remember("cols", key, kept)
    return out


def conv2d_backward_input(
    grad_out: np.ndarray,
    weight2d: np.ndarray,
    geometry: Geometry,
    image_shape: tuple[int, ...],
    workspace: Workspace,
    key: Any = None,
) -> np.ndarray:
    """The input gradient of :func:`conv2d_forward` (``image_shape`` is the input's shape).

    ``key`` (the caller's grad_output object) lets :func:`conv2d_backward_weight` reuse the
    gradient in GEMM layout.
    """
    batch, n_out, out_h, out_w = grad_out.shape
    rows = weight2d.shape[1]
    positions = out_h * out_w
    dtype = grad_out.dtype
    grad_in = np.empty(image_shape, dtype)
    if n_out < THIN_GEMM:
        with _threads.team(batch, rows * positions) as threads:
            _backend.conv2d_gemm_backward_input(
                grad_out.reshape(batch, n_out, positions),
                np.ascontiguousarray(weight2d),
                grad_in,
                *geometry.kernel_args(),
                out_h,
                out_w,
                threads,
            )
        return grad_in
    shape = (n_out, batch, positions)
    kept = workspace.kept("grad_rows", shape, dtype, key)

    def spread(first: int, last: int, slot: int) -> None:
        grad_in[first:last] = 0
        per_example = max(rows, n_out) * positions * dtype.itemsize
        for start, stop in chunks(first, last, per_example, SPREAD_CHUNK_BYTES):
            part = workspace.part(kept, "grad_rows", slot, shape, start, stop, dtype)
            _backend.batch_to_columns(
                grad_out[start:stop].reshape(stop - start, n_out, positions), part
            )
            cols = workspace.buffer(f"gemm/{slot}", (rows, part.shape[1] * positions), dtype)
            np.matmul(weight2d.T, flat(part), out=cols)
            _backend.col2im(
                cols.reshape(rows, stop - start, positions),
                grad_in[start:stop],
                *geometry.kernel_args(),
                out_h,
                out_w,
            )

    _threads.run(spread, _threads.parts(batch, rows * positions))
    if kept is not None:
        workspace.remember("grad_rows", key, kept)
    return grad_in


def conv2d_backward_weight(
    x: np.ndarray,
    grad_out: np.ndarray,
    geometry: Geometry,
    scale: float,
    workspace: Workspace,
    key: Any = None,
    grad_key: Any = None,
) -> np.ndarray:
    """``scale`` times the weight gradient of :func:`conv2d_forward`, as ``(n_out, C*kh*kw)``.

    Reuses the columns and gradient rows kept by the forward and input-gradient passes for
    the same objects, else recomputes them chunk by chunk.  The result lives in the
    workspace: add it to the module's gradient before the next call.
    """
    batch, n_out, out_h, out_w = grad_out.shape
    rows = x.shape[1] * geometry.kh * geometry.kw
    positions = out_h * out_w
    dtype = grad_out.dtype
    cols = workspace.lookup("cols", key) if key is not None else None
    if n_out < THIN_GEMM:
        total = workspace.buffer("grad_weight/0", (n_out, rows), dtype)
        total.fill(0)
        with _threads.team(batch, rows * positions) as threads:
            _backend.conv2d_gemm_backward_weight(
                x,
                grad_out.reshape(batch, n_out, positions),
                total,
                cols if cols is not None and cols.shape[1] == batch else None,
                *geometry.kernel_args(),
                out_h,
                out_w,
                threads,
            )
        total *= scale
        return total
    grads = workspace.lookup("grad_rows", grad_key) if grad_key is not None else None
    split = _threads.parts(batch, rows * positions)
    # computed transposed, ``cols @ grads.T``: BLAS runs the long reduction 1.5-2x faster with
    # the thin operand on the right
    totals, summed = workspace.slot_totals("grad_weight", (rows, n_out), dtype, len(split))

    def reduce(first: int, last: int, slot: int) -> None:
        for start, stop in chunks(first, last, max(rows, n_out) * positions * dtype.itemsize):
            n = stop - start
            if cols is not None and cols.shape[1] == batch:
                part = cols[:, start:stop]
            else:
                part = workspace.buffer(f"cols_again/{slot}", (rows, n, positions), dtype)
                _backend.im2col(x[start:stop], part, *geometry.kernel_args(), out_h, out_w)
            if grads is not None and grads.shape[1] == batch:
                grad_part = grads[:, start:stop]
            else:
                grad_part = workspace.buffer(
                    f"grad_rows_again/{slot}", (n_out, n, positions), dtype
                )
                _backend.batch_to_columns(
                    grad_out[start:stop].reshape(n, n_out, positions), grad_part
                )
            totals[slot] += flat(part) @ flat(grad_part).T

    _threads.run(reduce, split)
    total = summed()
    total *= scale
    return total.T


# ----------------------------------------------------------------------- 1-D convolution
# A (B, T, F) sequence is a one-plane (B, 1, T, F) image and the temporal kernel a (kw, F)
# window, so the same column kernels apply.  Here the GEMMs are arranged to give (B*T', n_out)
# rows, which already is the batch-first output layout.
def temporal_columns(x: np.ndarray, kw: int, dw: int, workspace: Workspace) -> np.ndarray:
    """The ``(kw * F, B * T')`` columns of a ``(B, T, F)`` sequence."""
    batch, frames, size = x.shape
    out_t = (frames - kw) // dw + 1
    cols = workspace.buffer("cols", (kw * size, batch, out_t), x.dtype)
    _backend.im2col(x[:, None], cols, kw, size, dw, 1, 0, 0, 1, 1, out_t, 1)
    workspace.remember("cols", None, cols)
    return cols.reshape(kw * size, batch * out_t)


def temporal_backward_input(
    grad_rows: np.ndarray,
    weight: np.ndarray,
    kw: int,
    dw: int,
    shape: tuple[int, int, int],
    workspace: Workspace,
) -> np.ndarray:
    """The ``(B, T, F)`` input gradient from ``grad_rows`` ``(B * T', n_out)``.

    ``weight`` is ``(n_out, kw * F)``.
    """
    batch, frames, size = shape
    cols = workspace.buffer("gemm", (weight.shape[1], grad_rows.shape[0]), grad_rows.dtype)
    np.matmul(weight.T, grad_rows.T, out=cols)
    grad = np.zeros((batch, 1, frames, size), grad_rows.dtype)
    out_t = (frames - kw) // dw + 1
    rows = weight.shape[1]
    _backend.col2im(cols.reshape(rows, batch, out_t), grad, kw, size, dw, 1, 0, 0, 1, 1, out_t, 1)
    return grad[:, 0]
