"""Separable linear maps along the trailing axes of a batch of planes.

Padding, nearest and bilinear upsampling and adaptive average pooling are ``y = A_h x A_w^T``
(one matrix per spatial axis, ``along``), so their backward pass is the same product with the
transposed matrices.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nncore.plugin import Module, ShapeError

from ._spatial import demote, expect_grad_shape, promote, promote_pair


def along(
    x: np.ndarray, matrices: Sequence[np.ndarray | None], transpose: bool = False
) -> np.ndarray:
    """Multiply the trailing axes of ``x`` by one matrix each (``None`` leaves an axis alone).

    ``matrices[i]`` has shape ``(out, in)`` and acts on axis ``x.ndim - len(matrices) + i``;
    with ``transpose`` the transposed matrices are applied (the adjoint map).
    """
    first = x.ndim - len(matrices)
    for i, m in enumerate(matrices):
        if m is None:
            continue
        m = (m.T if transpose else m).astype(x.dtype, copy=False)
        axis = first + i
        if axis == x.ndim - 1:
            x = x @ m.T
        else:  # (lead, n, rest) -> (lead, out, rest): one batched matmul over the leading dims
            lead, rest = x.shape[:axis], x.shape[axis + 1 :]
            flat = np.ascontiguousarray(x).reshape(lead + (x.shape[axis], math.prod(rest)))
            x = (m @ flat).reshape(lead + (m.shape[0],) + rest)
    return x


def selection(index: np.ndarray, size: int) -> np.ndarray:
    """A 0/1 matrix picking ``index[i]`` for row ``i``; a negative index gives a zero row."""
    m = np.zeros((len(index), size))
    rows = np.nonzero(index >= 0)[0]
    m[rows, index[rows]] = 1.0
    return m


def pad_index(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """The source position of each padded position (-1 for a zero); negative pads crop."""
    p = np.arange(-before, size + after)
    if mode == "zero":
        return np.where((p >= 0) & (p < size), p, -1)
    if mode == "replicate":
        if size == 0 < max(before, after):  # no border element to repeat (it gave zeros)
            raise ShapeError(f"expected a nonzero size to replicate its border, got {size}")
        return np.clip(p, 0, size - 1)
    if mode == "reflect":
        if max(before, after) >= size and max(before, after) > 0:
            raise ShapeError(
                f"expected a size above the reflection padding {max(before, after)}, got {size}"
            )
        p = np.abs(p)
        return np.where(p >= size, 2 * (size - 1) - p, p)
    raise ValueError(f"unknown padding mode {mode!r}")


def bilinear_matrix(size: int, out: int) -> np.ndarray:
    """Linear interpolation from ``size`` to ``out`` points, corners aligned."""
    pos = np.arange(out) * ((size - 1) / (out - 1) if out > 1 else 0.0)
    low = np.minimum(np.floor(pos).astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    frac = pos - low
    m = np.zeros((out, size))
    np.add.at(m, (np.arange(out), low), 1.0 - frac)
    np.add.at(m, (np.arange(out), high), frac)
    return m


def expect_sources(shape: tuple[int, ...], outs: Sequence[int]) -> None:
    """Check no trailing axis of ``shape`` is empty where its output ``outs`` is not: an output
    position is interpolated, averaged or maxed from input positions, and there would be none."""
    sizes = shape[len(shape) - len(outs) :]
    if any(n == 0 < o for n, o in zip(sizes, outs, strict=True)):
        raise ShapeError(
            f"expected nonzero spatial sizes for output size {tuple(outs)}, "
            f"got input of shape {shape}"
        )


def bilinear_matrices(shape: tuple[int, ...], outs: Sequence[int]) -> list[np.ndarray]:
    """:func:`bilinear_matrix` for each trailing axis of ``shape``, to the sizes ``outs``."""
    expect_sources(shape, outs)
    sizes = shape[len(shape) - len(outs) :]
    return [bilinear_matrix(n, o) for n, o in zip(sizes, outs, strict=True)]


def adaptive_ranges(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """Window ``i`` covers ``[floor(i*size/out), ceil((i+1)*size/out))`` (adaptive pools)."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def adaptive_mask(size: int, out: int) -> np.ndarray:
    """Boolean ``(out, size)``: which positions each adaptive window covers."""
    start, end = adaptive_ranges(size, out)
    p = np.arange(size)
    return (p >= start[:, None]) & (p < end[:, None])


def adaptive_masks(shape: tuple[int, ...], outs: Sequence[int]) -> list[np.ndarray]:
    """:func:`adaptive_mask` for each trailing axis of ``shape``, pooled to the sizes ``outs``."""
    expect_sources(shape, outs)
    sizes = shape[len(shape) - len(outs) :]
    return [adaptive_mask(n, o) for n, o in zip(sizes, outs, strict=True)]


class SeparableMap(Module):
    """A parameter-free layer ``y = x`` times one matrix per trailing spatial axis.

    Subclasses give ``spatial`` (2 or 3) and ``matrices(shape)``, the ``(out, in)`` matrices for a
    batched input shape, after validating it.
    """

    spatial = 2

    def matrices(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        raise NotImplementedError

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, self.spatial)
        return demote(along(x, self.matrices(x.shape)), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, self.spatial)
        mats = self.matrices(x.shape)
        expect_grad_shape(g, x.shape[:2] + tuple(m.shape[0] for m in mats))
        return demote(along(g, mats, transpose=True), single)


class Padding(SeparableMap):
    """Zero, reflection or replication padding of the trailing axes; ``pads`` is
    ``[(before, after), ...]`` for each spatial axis, outermost first."""

    mode = "zero"

    def pads(self) -> list[tuple[int, int]]:
        raise NotImplementedError

    def matrices(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        sizes = shape[-self.spatial :]
        out = [s + a + b for s, (a, b) in zip(sizes, self.pads(), strict=True)]
        # cropping may not take away more than there is, nor everything; an axis that is
        # empty to begin with and is not padded stays empty
        if any(o < 0 or (o == 0 < s) for s, o in zip(sizes, out, strict=True)):
            raise ShapeError(
                f"expected an input larger than the cropping {self.pads()}, got shape {shape}"
            )
        return [
            selection(pad_index(s, a, b, self.mode), s)
            for s, (a, b) in zip(sizes, self.pads(), strict=True)
        ]

    def extra_repr(self) -> str:
        return ", ".join(f"{a},{b}" for a, b in reversed(self.pads()))


class PlanePadding(Padding):
    """The four-sided padding of the Spatial*Padding layers; omitted pads default to ``pad_l``."""

    def __init__(
        self,
        pad_l: int,
        pad_r: int | None = None,
        pad_t: int | None = None,
        pad_b: int | None = None,
    ) -> None:
        super().__init__()
        self.pad_l = pad_l
        self.pad_r = pad_l if pad_r is None else pad_r
        self.pad_t = pad_l if pad_t is None else pad_t
        self.pad_b = pad_l if pad_b is None else pad_b

    def pads(self) -> list[tuple[int, int]]:
        return [(self.pad_t, self.pad_b), (self.pad_l, self.pad_r)]
