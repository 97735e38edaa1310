"""Shared numpy machinery of nn-conv's numpy layers.

Two families of helpers (separable linear maps live in ``_separable``, feature dropout and
local normalizations in ``_planes``):

* batch promotion and input checks (``promote``, ``expect_planes``, ``expect_min_size``);
* windowed views (``windows``) and their adjoint (``unwindows``), on which every convolution,
  sub-sampling and pooling is built: the forward pass is a matmul/reduction over a
  ``sliding_window_view``, the backward pass scatters back with one strided add per kernel
  offset (a loop over the kernel, never over pixels).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nncore.plugin import (
    ShapeError,
    expect_float,
    expect_ndim,
    expect_same_shape,
    expect_size,
)

from ._geometry import CeilMode

Ints = Sequence[int]


# ----------------------------------------------------------------------- batches and checks
def promote(input: object, spatial: int, what: str = "input") -> tuple[np.ndarray, bool]:
    """Check ``input`` is ``(C, *S)`` or ``(N, C, *S)`` with ``spatial`` dims; return it batched.

    The flag says whether a batch dimension was added (``demote`` removes it again).
    """
    x = expect_ndim(expect_float(input, what), (spatial + 1, spatial + 2), what)
    return (x[None], True) if x.ndim == spatial + 1 else (x, False)


def demote(x: np.ndarray, single: bool) -> np.ndarray:
    return x[0] if single else x


def promote_pair(
    input: object, grad_output: object, spatial: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """``promote`` an input and the matching grad_output (which must have as many dims)."""
    x, single = promote(input, spatial)
    g = expect_ndim(expect_float(grad_output, "grad_output"), (x.ndim - single,), "grad_output")
    return x, (g[None] if single else g), single


def expect_planes(x: np.ndarray, planes: int) -> None:
    """Check the plane (channel) dimension of a batched array."""
    expect_size(x, 1, planes, "input (batch first)")


def expect_min_size(x: np.ndarray, minimum: Ints) -> None:
    """Check the trailing spatial sizes are at least ``minimum`` (the window, padding included)."""
    sizes = x.shape[x.ndim - len(minimum) :]
    if any(s < m for s, m in zip(sizes, minimum, strict=True)):
        raise ShapeError(
            # (padding wider than the window makes a minimum negative: any size, 0 too, fits)
            f"expected spatial size at least {tuple(max(m, 0) for m in minimum)}, got input of "
            f"shape {x.shape}"
        )


def expect_positive_output(x: np.ndarray, sizes: Ints) -> None:
    """Check the output ``sizes`` a transposed convolution computes for ``x`` are positive (an
    input with an empty axis gives the bias alone where they are)."""
    if min(sizes) < 1:
        raise ShapeError(
            f"expected an input giving a positive output size, got shape {x.shape} "
            f"(output {'x'.join(map(str, sizes))})"
        )


def expect_grad_shape(grad_output: object, output_shape: tuple[int, ...]) -> np.ndarray:
    expect_float(grad_output, "grad_output")
    return expect_same_shape(
        grad_output, np.empty(output_shape, dtype=np.int8), "grad_output", "the output"
    )


# ----------------------------------------------------------------------- windows
def _pairs(pad: Ints | Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [p if isinstance(p, tuple) else (p, p) for p in pad]


def windows(
    x: np.ndarray,
    kernel: Ints,
    stride: Ints,
    dilation: Ints | None = None,
    pad: Sequence | None = None,
    fill: float = 0.0,
) -> np.ndarray:
    """View of ``x`` of shape ``(..., *out, *kernel)``: every window of the trailing axes.

    ``pad`` holds an int or a ``(before, after)`` pair per axis, filled with ``fill``;
    the output size along an axis is ``floor((size + before + after - span) / stride) + 1``
    with ``span = dilation * (kernel - 1) + 1``.
    """
    k = len(kernel)
    dilation = dilation or (1,) * k
    pairs = _pairs(pad or (0,) * k)
    if any(a or b for a, b in pairs):
        x = np.pad(x, [(0, 0)] * (x.ndim - k) + pairs, constant_values=fill)
    span = [d * (kk - 1) + 1 for kk, d in zip(kernel, dilation, strict=True)]
    outs = [(n - sp) // st + 1 for n, sp, st in zip(x.shape[-k:], span, stride, strict=True)]
    if min(outs) == 0:
        # no window starts inside (the gradient of a transposed convolution whose input has an
        # empty axis): numpy refuses a window larger than the array, the answer is no window
        return np.zeros(x.shape[:-k] + tuple(outs) + tuple(kernel), x.dtype)
    axes = tuple(range(x.ndim - k, x.ndim))
    view = sliding_window_view(x, span, axis=axes)
    picks = tuple(slice(None, None, s) for s in stride) + tuple(
        slice(None, None, d) for d in dilation
    )
    return view[(Ellipsis,) + picks]


def out_sizes(
    sizes: Ints,
    kernel: Ints,
    stride: Ints,
    pad: Sequence | None = None,
    dilation: Ints | None = None,
) -> list[int]:
    dilation = dilation or (1,) * len(kernel)
    pairs = _pairs(pad or (0,) * len(kernel))
    return [
        (s + a + b - d * (k - 1) - 1) // st + 1
        for s, k, st, (a, b), d in zip(sizes, kernel, stride, pairs, dilation, strict=True)
    ]


def unwindows(
    cols: np.ndarray,
    sizes: Ints,
    kernel: Ints,
    stride: Ints,
    dilation: Ints | None = None,
    pad: Sequence | None = None,
) -> np.ndarray:
    """Adjoint of :func:`windows`: add every window ``(..., *out, *kernel)`` back into an array
    of trailing shape ``sizes`` (the padding is dropped)."""
    k = len(kernel)
    dilation = dilation or (1,) * k
    pairs = _pairs(pad or (0,) * k)
    lead = cols.shape[: cols.ndim - 2 * k]
    outs = cols.shape[cols.ndim - 2 * k : cols.ndim - k]
    padded = np.zeros(
        lead + tuple(s + a + b for s, (a, b) in zip(sizes, pairs, strict=True)), dtype=cols.dtype
    )
    for offset in itertools.product(*(range(kk) for kk in kernel)):
        target = tuple(
            slice(o * d, o * d + (n - 1) * st + 1, st)
            for o, d, n, st in zip(offset, dilation, outs, stride, strict=True)
        )
        padded[(Ellipsis,) + target] += cols[(Ellipsis,) + offset]
    crop = tuple(slice(a, a + s) for s, (a, _) in zip(sizes, pairs, strict=True))
    return padded[(Ellipsis,) + crop]


# ----------------------------------------------------------------------- convolutions
def conv(
    x: np.ndarray,
    weight: np.ndarray,
    stride: Ints,
    pad: Sequence | None = None,
    dilation: Ints | None = None,
) -> np.ndarray:
    """Cross-correlation of ``x (N, C, *S)`` with ``weight (O, C, *K)``: ``(N, O, *out)``."""
    k = weight.ndim - 2
    cols = windows(x, weight.shape[2:], stride, dilation, pad)
    out = np.tensordot(cols, weight, axes=([1, *range(2 + k, 2 + 2 * k)], [1, *range(2, 2 + k)]))
    return np.moveaxis(out, -1, 1)


def conv_grad_input(
    g: np.ndarray,
    weight: np.ndarray,
    sizes: Ints,
    stride: Ints,
    pad: Sequence | None = None,
    dilation: Ints | None = None,
) -> np.ndarray:
    """Gradient of :func:`conv` with respect to its input (trailing sizes ``sizes``)."""
    kernel = weight.shape[2:]
    if all(s == 1 for s in stride) and all(d == 1 for d in dilation or ()):
        # with stride 1 the adjoint is a correlation too, of g padded by k - 1 - before in
        # front (and what makes the sizes up behind) with the flipped kernel: one product
        # instead of an add per kernel offset
        pairs = _pairs(pad or (0,) * len(kernel))
        padding = [
            (k - 1 - before, size + before - out)
            for k, (before, _), size, out in zip(kernel, pairs, sizes, g.shape[2:], strict=True)
        ]
        if all(front >= 0 and back >= 0 for front, back in padding):
            flipped = np.flip(weight, axis=tuple(range(2, weight.ndim))).swapaxes(0, 1)
            return conv(g, flipped, stride, padding)
    cols = np.moveaxis(np.tensordot(g, weight, axes=([1], [0])), 1 + (g.ndim - 2), 1)
    return unwindows(cols, sizes, kernel, stride, dilation, pad)


def conv_grad_weight(
    x: np.ndarray,
    g: np.ndarray,
    kernel: Ints,
    stride: Ints,
    pad: Sequence | None = None,
    dilation: Ints | None = None,
) -> np.ndarray:
    """Gradient of :func:`conv` with respect to its weight: ``(O, C, *K)``."""
    k = len(kernel)
    cols = windows(x, kernel, stride, dilation, pad)
    spatial = list(range(2, 2 + k))
    return np.tensordot(g, cols, axes=([0, *spatial], [0, *spatial]))


def conv_output(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: Ints,
    pad: Sequence,
    dilation: Ints | None = None,
) -> np.ndarray:
    """:func:`conv` plus a per-plane bias, after checking the window fits."""
    k = weight.ndim - 2
    expect_planes(x, weight.shape[1])
    pairs = _pairs(pad)
    span = [
        (d * (kk - 1) + 1) - a - b
        for kk, d, (a, b) in zip(weight.shape[2:], dilation or (1,) * k, pairs, strict=True)
    ]
    expect_min_size(x, span)
    y = conv(x, weight, stride, pad, dilation)
    if bias is not None:
        y += bias.reshape((-1,) + (1,) * k)
    return y


# ----------------------------------------------------------------------- pooling
def pool_geometry(
    sizes: Ints, kernel: Ints, stride: Ints, pad: Ints, dilation: Ints, ceil_mode: bool
) -> tuple[list[int], list[tuple[int, int]]]:
    """Output sizes and ``(before, after)`` paddings of a max pooling (torch's rules: in ceil
    mode the last window may hang over the end, but must start inside the input or left pad)."""
    outs, pairs = [], []
    for s, k, st, p, d in zip(sizes, kernel, stride, pad, dilation, strict=True):
        span = d * (k - 1) + 1
        room = s + 2 * p - span
        if room < 0:
            raise ShapeError(
                f"expected input planes no smaller than the padded window, got {tuple(sizes)}"
            )
        o = (-(-room // st) if ceil_mode else room // st) + 1
        if ceil_mode and (o - 1) * st >= s + p:
            o -= 1
        taps = np.arange(o)[:, None] * st - p + np.arange(k) * d
        if not np.all(((taps >= 0) & (taps < s)).any(axis=1)):
            raise ShapeError(
                f"expected every pooling window to overlap the input, got planes {tuple(sizes)}"
            )
        outs.append(o)
        pairs.append((p, max(p, (o - 1) * st + span - s - p)))
    return outs, pairs


def max_pool(
    x: np.ndarray, kernel: Ints, stride: Ints, pad: Ints, dilation: Ints, ceil_mode: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Max over windows of the trailing axes; returns the maxima and, for each, the flat
    (row-major) index of the winner inside its input plane (0-based)."""
    k = len(kernel)
    sizes = x.shape[-k:]
    outs, pairs = pool_geometry(sizes, kernel, stride, pad, dilation, ceil_mode)
    cropped = (Ellipsis,) + tuple(slice(0, o) for o in outs) + (slice(None),) * k
    cols = windows(x, kernel, stride, dilation, pairs, fill=-np.inf)[cropped]
    flat = cols.reshape(cols.shape[: x.ndim] + (math.prod(kernel),))
    arg = flat.argmax(axis=-1)
    # a window of -inf only (or an empty one) must not be won by a padding cell, which lies
    # outside the plane: the first cell inside wins it, as in torch/nn
    inside = windows(np.ones(sizes, bool), kernel, stride, dilation, pairs, fill=False)[cropped]
    inside = np.broadcast_to(inside.reshape((*outs, math.prod(kernel))), flat.shape)
    won_inside = np.take_along_axis(inside, arg[..., None], axis=-1)[..., 0]
    arg = np.where(won_inside, arg, inside.argmax(axis=-1))
    values = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
    offsets = np.unravel_index(arg, tuple(kernel))
    coords = []
    for i, (o, st, p, d) in enumerate(zip(outs, stride, pad, dilation, strict=True)):
        position = (np.arange(o) * st - p).reshape((o,) + (1,) * (k - 1 - i))
        coords.append(position + offsets[i] * d)
    return values, np.ravel_multi_index(tuple(coords), sizes)


def scatter_planes(
    values: np.ndarray, indices: np.ndarray, lead: tuple[int, ...], plane: int
) -> np.ndarray:
    """Add ``values[..., j]`` at ``indices[..., j]`` of flat planes: result ``(*lead, plane)``."""
    rows = np.arange(math.prod(lead)).reshape(lead + (1,) * (values.ndim - len(lead)))
    flat = (rows * plane + indices).ravel()
    total = np.bincount(flat, weights=values.ravel(), minlength=math.prod(lead) * plane)
    return total.astype(values.dtype, copy=False).reshape(lead + (plane,))


def gather_planes(x: np.ndarray, indices: np.ndarray, spatial: int) -> np.ndarray:
    """``x[..., indices]`` within each flat plane of the trailing ``spatial`` axes."""
    lead = x.shape[: x.ndim - spatial]
    flat = x.reshape(lead + (math.prod(x.shape[x.ndim - spatial :]),))
    picked = np.take_along_axis(
        flat, indices.reshape(lead + (math.prod(indices.shape[len(lead) :]),)), axis=-1
    )
    return picked.reshape(indices.shape)


def max_pool_grad(
    g: np.ndarray, indices: np.ndarray, shape: tuple[int, ...], spatial: int
) -> np.ndarray:
    """Backward of a max pooling: route each gradient to its argmax."""
    lead = shape[: len(shape) - spatial]
    plane = math.prod(shape[len(shape) - spatial :])
    return scatter_planes(g, indices, lead, plane).reshape(shape)


def windowed_sum_grad(g: np.ndarray, sizes: Ints, kernel: Ints, stride: Ints) -> np.ndarray:
    """Adjoint of summing each window of the trailing axes (no padding)."""
    cols = np.broadcast_to(g.reshape(g.shape + (1,) * len(kernel)), g.shape + tuple(kernel))
    return unwindows(cols, sizes, kernel, stride)


class MaxPooling(CeilMode):
    """Max pooling over the trailing ``spatial`` axes with padding, dilation and ceil mode.

    ``kernel``, ``stride`` (None: the kernel), ``pad`` and ``dilation`` are tuples, outermost
    axis first, also kept under torch/nn's names for the ``axes`` (``"thw"``: ``kt``, ``dt``,
    ``pad_t``, ``dilation_t``, ...).  ``indices`` (shape of the output) holds the flat 0-based
    position of each maximum inside its input plane, as torch/nn's max poolings do; the input's
    trailing sizes are recorded in ``input_size`` (what a max unpooling needs).  ``ceil()`` and
    ``floor()`` switch the rounding.
    """

    def __init__(
        self,
        axes: str,
        kernel: Ints,
        stride: Sequence[int | None],
        pad: Ints,
        dilation: Ints,
        ceil_mode: bool,
    ) -> None:
        super().__init__()
        if any(2 * p > k for p, k in zip(pad, kernel, strict=True)):
            raise ValueError(f"expected padding at most half the kernel {kernel}, got {pad}")
        self.spatial = len(kernel)
        steps = tuple(s or k for s, k in zip(stride, kernel, strict=True))
        self.kernel, self.stride, self.pad = tuple(kernel), steps, tuple(pad)
        self.dilation, self.ceil_mode = tuple(dilation), ceil_mode
        for axis, *sizes in zip(axes, kernel, steps, pad, dilation, strict=True):
            for prefix, size in zip(("k", "d", "pad_", "dilation_"), sizes, strict=True):
                setattr(self, prefix + axis, size)
        self.indices = np.empty(0, dtype=np.int64)
        self.input_size: tuple[int, ...] | None = None

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, self.spatial)
        values, indices = max_pool(
            x, self.kernel, self.stride, self.pad, self.dilation, self.ceil_mode
        )
        self.indices, self.input_size = demote(indices, single), x.shape[2:]
        return demote(values, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, self.spatial)
        values, indices = max_pool(
            x, self.kernel, self.stride, self.pad, self.dilation, self.ceil_mode
        )
        expect_grad_shape(g, values.shape)
        return demote(max_pool_grad(g, indices, x.shape, self.spatial), single)

    def extra_repr(self) -> str:
        def dims(values: Ints) -> str:
            return "x".join(str(v) for v in reversed(tuple(values)))

        text = f"{dims(self.kernel)}, {','.join(str(s) for s in reversed(self.stride))}"
        if any(self.pad):
            text += f", {','.join(str(p) for p in reversed(self.pad))}"
        if any(d != 1 for d in self.dilation):
            text += f", dilation {dims(self.dilation)}"
        return text + (", ceil" if self.ceil_mode else "")
