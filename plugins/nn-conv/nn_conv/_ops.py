"""Shared machinery of nn-conv's kernel-backed layers: geometry, batching, GEMM convolution.

Convolution is ``im2col`` + one BLAS GEMM per batch chunk.  The column matrix is laid out
``(c * kh * kw, batch, positions)`` so that all three products are plain 2-D GEMMs over the
whole chunk with no transposed copy of the columns:

* forward: ``W (n_out, K) @ cols (K, B*P)``, then ``(n_out, B, P)`` back to batch-first;
* input gradient: ``W.T @ dY`` (BLAS reads ``W.T`` in place) then ``col2im``;
* weight gradient: ``cols (K, B*P) @ dY.T``, transposed (again read in place by BLAS).

Convolutions with few output planes (thin GEMMs, see ``THIN_GEMM``) instead run one example
at a time inside a compiled kernel: its columns go from the copy into BLAS while in cache.

The transposed (full) convolution is the same three products with the roles of input and
output swapped, so it reuses these functions.  Buffers live in a per-module ``Workspace`` and
are reused across calls; the columns of the last forward input are kept for the weight
gradient (as torch/nn keeps ``finput``) when they fit in one chunk.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from nncore.checks import expect_float, expect_ndim
from nncore.errors import ShapeError, StateError

from . import _backend, _threads

#: GEMMs and column copies run over chunks of examples of about this many bytes of columns
#: (a chunk stays in cache between the copy and the GEMM that reads it)
CHUNK_BYTES = 8 * 2**20
#: the whole batch's columns are kept for the weight gradient when they take at most this
KEEP_BYTES = 64 * 2**20
#: the input gradient's columns go from its GEMM straight into col2im, in chunks of about this
#: many bytes: they stay in L2 between the two (10-13% faster for LeNet's layers than 8 MiB)
SPREAD_CHUNK_BYTES = 256 * 2**10
#: convolutions with fewer output planes than this run one example at a time (the
#: ``conv2d_gemm_*`` kernels): OpenBLAS packs a thin ``(n_out, K)`` operand poorly against a
#: long ``(K, N)`` one, and per example the columns never leave the cache
THIN_GEMM = 32


class Geometry(NamedTuple):
    """Kernel size, stride, padding and dilation of a 2-D window, height first."""

    kh: int
    kw: int
    sh: int = 1
    sw: int = 1
    ph: int = 0
    pw: int = 0
    dh: int = 1
    dw: int = 1

    def kernel_args(self) -> tuple[int, ...]:
        return tuple(self)

    def out_size(self, height: int, width: int, ceil: bool = False) -> tuple[int, int]:
        """Output size of a window sliding over a ``height x width`` plane (torch's rules).

        In ceil mode the last window must still start inside the plane or its left padding.
        """
        sizes = []
        for size, k, s, p, d in (
            (height, self.kh, self.sh, self.ph, self.dh),
            (width, self.kw, self.sw, self.pw, self.dw),
        ):
            span = size + 2 * p - (d * (k - 1) + 1)
            n = (math.ceil(span / s) if ceil else span // s) + 1
            if ceil and n > 1 and (n - 1) * s >= size + p:
                n -= 1
            sizes.append(n)
        return sizes[0], sizes[1]


class Workspace:
    """Reusable scratch buffers of one module, re-allocated only when they must grow."""

    def __init__(self) -> None:
        self._flat: dict[str, np.ndarray] = {}
        self.cached: dict[str, tuple[Any, np.ndarray]] = {}

    def buffer(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        size = math.prod(shape)
        flat = self._flat.get(name)
        if flat is None or flat.dtype != dtype or flat.size < size:
            flat = self._flat[name] = np.empty(size, dtype)
        return flat[:size].reshape(shape)

    def lookup(self, name: str, key: Any) -> np.ndarray | None:
        """The array stored under ``name`` if it was computed from the object ``key``."""
        entry = self.cached.get(name)
        return entry[1] if entry is not None and entry[0] is key else None

    def remember(self, name: str, key: Any, value: np.ndarray) -> None:
        self.cached[name] = (key, value)

    def __deepcopy__(self, memo: dict) -> Workspace:
        return Workspace()  # scratch space is never worth copying

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()


# ----------------------------------------------------------------------- inputs
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


def _chunks(
    first: int, last: int, bytes_per_example: int, budget: int | None = None
) -> list[tuple[int, int]]:
    """Examples ``first:last`` in chunks of about ``budget`` (``CHUNK_BYTES``) of columns."""
    step = max(1, (budget or CHUNK_BYTES) // max(1, bytes_per_example))
    return [(start, min(start + step, last)) for start in range(first, last, step)]


def _kept(workspace: Workspace, name: str, shape: tuple[int, ...], dtype, key) -> np.ndarray | None:
    """A whole-batch buffer whose contents are kept for the backward pass, or None when there
    is nothing to keep them for or they would take more than ``KEEP_BYTES``.  What the buffer
    held before is forgotten either way."""
    workspace.remember(name, None, None)
    if key is None or math.prod(shape) * np.dtype(dtype).itemsize > KEEP_BYTES:
        return None
    return workspace.buffer(name, shape, dtype)


def _rows(
    kept: np.ndarray | None,
    workspace: Workspace,
    name: str,
    slot: int,
    shape: tuple[int, ...],
    start: int,
    stop: int,
    dtype,
) -> np.ndarray:
    """The ``(rows, stop - start, P)`` columns of examples ``start:stop``: a slice of the kept
    buffer, else scratch space of the thread's ``slot``."""
    if kept is not None:
        return kept[:, start:stop]
    return workspace.buffer(f"{name}/{slot}", (shape[0], stop - start, *shape[2:]), dtype)


def _flat(part: np.ndarray) -> np.ndarray:
    """``(rows, n, P)`` as the ``(rows, n * P)`` GEMM operand (a view: rows stay strided)."""
    return part.reshape(part.shape[0], part.shape[1] * part.shape[2])


def _sum_slots(workspace: Workspace, name: str, shape: tuple[int, ...], dtype, count: int):
    """Zeroed per-thread accumulators ``name/0 .. name/count-1``, and a function summing them
    into the first."""
    totals = [workspace.buffer(f"{name}/{slot}", shape, dtype) for slot in range(count)]
    for total in totals:
        total.fill(0)

    def summed() -> np.ndarray:
        for total in totals[1:]:
            totals[0] += total
        return totals[0]

    return totals, summed


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
    out = np.empty((batch, n_out, out_h, out_w), x.dtype)
    shape = (rows, batch, positions)
    kept = _kept(workspace, "cols", shape, x.dtype, key)
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
            for start, stop in _chunks(first, last, rows * positions * x.dtype.itemsize):
                part = _rows(kept, workspace, "cols", slot, shape, start, stop, x.dtype)
                _backend.im2col(x[start:stop], part, *geometry.kernel_args(), out_h, out_w)
                product = workspace.buffer(
                    f"gemm/{slot}", (n_out, part.shape[1] * positions), x.dtype
                )
                np.matmul(weight2d, _flat(part), out=product)
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
    kept = _kept(workspace, "grad_rows", shape, dtype, key)

    def spread(first: int, last: int, slot: int) -> None:
        grad_in[first:last] = 0
        per_example = max(rows, n_out) * positions * dtype.itemsize
        for start, stop in _chunks(first, last, per_example, SPREAD_CHUNK_BYTES):
            part = _rows(kept, workspace, "grad_rows", slot, shape, start, stop, dtype)
            _backend.batch_to_columns(
                grad_out[start:stop].reshape(stop - start, n_out, positions), part
            )
            cols = workspace.buffer(f"gemm/{slot}", (rows, part.shape[1] * positions), dtype)
            np.matmul(weight2d.T, _flat(part), out=cols)
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
    totals, summed = _sum_slots(workspace, "grad_weight", (rows, n_out), dtype, len(split))

    def reduce(first: int, last: int, slot: int) -> None:
        for start, stop in _chunks(first, last, max(rows, n_out) * positions * dtype.itemsize):
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
            totals[slot] += _flat(part) @ _flat(grad_part).T

    _threads.run(reduce, split)
    total = summed()
    total *= scale
    return total.T


# ----------------------------------------------------------------------- Winograd F(2x2, 3x3)
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
    out_h, out_w = height + 2 * ph - 2, width + 2 * pw - 2
    tiles_h, tiles_w = _tile_counts(out_h, out_w)
    count = tiles_h * tiles_w
    per_tile = (_G @ weight.astype(np.float64) @ _G.T).astype(x.dtype)  # (n_out, C, 4, 4)
    kernel = np.ascontiguousarray(per_tile.transpose(2, 3, 0, 1).reshape(16, n_out, channels))
    out = np.empty((batch, n_out, out_h, out_w), x.dtype)
    shape = (16 * channels, batch, count)
    kept = _kept(workspace, buffer, shape, x.dtype, key)

    def convolve(first: int, last: int, slot: int) -> None:
        per_example = 16 * max(channels, n_out) * count * x.dtype.itemsize
        for start, stop in _chunks(first, last, per_example):
            part = _rows(kept, workspace, buffer, slot, shape, start, stop, x.dtype)
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
    totals, summed = _sum_slots(
        workspace, "winograd_grad_weight", (16, n_out, channels), x.dtype, len(split)
    )

    def reduce(first: int, last: int, slot: int) -> None:
        partial = workspace.buffer(f"winograd_partial/{slot}", (16, n_out, channels), x.dtype)
        per_example = 16 * max(channels, n_out) * count * x.dtype.itemsize
        for start, stop in _chunks(first, last, per_example):
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


# ----------------------------------------------------------------------- pooling
def max_pool(
    x: np.ndarray, geometry: Geometry, out_h: int, out_w: int, indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling of every plane of ``(B, C, H, W)``; returns the output and the argmax indices.

    The previous ``indices`` array is overwritten when it has the right shape (it is the
    module's state, as in torch/nn; a fresh array would cost page faults on every call).
    """
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
