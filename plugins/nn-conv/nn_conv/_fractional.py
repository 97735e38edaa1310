"""Fractional max pooling (Graham 2014, pseudorandom mode) over planes or volumes: what torch/nn's
Spatial and VolumetricFractionalMaxPooling share."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nncore.plugin import Module, ShapeError, StateError, generator

from ._spatial import demote, expect_grad_shape, max_pool_grad, promote, promote_pair, windows


def window_starts(samples: np.ndarray, size: int, out: int, pool: int) -> np.ndarray:
    """Window starts ``floor((i + u) * a) - floor(u * a)``, ``a = (size - pool) / (out - 1)``,
    the last window ending at the border (Graham's fractional max pooling, as torch/nn)."""
    alpha = (size - pool) / (out - 1) if out > 1 else 0.0
    i = np.arange(out - 1)
    starts = np.floor((i + samples[..., None]) * alpha) - np.floor(samples[..., None] * alpha)
    last = np.full(samples.shape + (1,), size - pool)
    return np.concatenate([starts.astype(np.int64), last], axis=-1)


def max_pool_at(
    x: np.ndarray, kernel: Sequence[int], starts: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Max over windows of size ``kernel`` starting at per-plane positions.

    ``x`` is ``(N, C, *S)``; ``starts[a]`` holds the ``(N, C, out_a)`` starts along spatial axis
    ``a``.  Returns the maxima ``(N, C, *out)`` and the flat (row-major) index of each within
    its plane or volume.
    """
    n, c = x.shape[:2]
    k = len(kernel)
    cols = windows(x, kernel, (1,) * k)  # (N, C, *positions, *kernel)
    placed = [
        s.reshape((n, c) + (1,) * a + (s.shape[-1],) + (1,) * (k - 1 - a))
        for a, s in enumerate(starts)
    ]
    pick = (np.arange(n).reshape((n,) + (1,) * (k + 1)), np.arange(c).reshape((1, c) + (1,) * k))
    chosen = cols[pick + tuple(placed)]  # (N, C, *out, *kernel)
    # the window size, not -1: numpy cannot infer it when there are no planes (C = 0)
    flat = chosen.reshape(chosen.shape[: 2 + k] + (math.prod(kernel),))
    arg = flat.argmax(axis=-1)
    values = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
    offsets = np.unravel_index(arg, tuple(kernel))
    coords = tuple(p + o for p, o in zip(placed, offsets, strict=True))
    return values, np.ravel_multi_index(coords, x.shape[2:])


class FractionalMaxPooling(Module):
    """Fractional max pooling over the trailing ``len(pool)`` axes of ``(C, *S)`` or
    ``(N, C, *S)``.

    ``pool`` and ``out`` are given per spatial axis, outermost first: the window size and the
    output size, or, when any output size is below 1, ratios in (0, 1) (``out = floor(size *
    ratio)``).  The starts of each plane's windows follow :func:`window_starts` with one
    ``u ~ U(0, 1)`` per plane and axis, drawn from ``nncore.random`` at every forward into
    ``random_samples`` (``(N, C, axes)``, torch/nn's order: the innermost axis first) unless
    ``fix_pooling_regions()`` keeps them.  ``indices`` holds each maximum's flat position.
    """

    def __init__(self, pool: Sequence[int], out: Sequence[float]) -> None:
        super().__init__()
        if min(pool) < 2:
            raise ValueError(f"expected pool sizes of at least 2, got {tuple(pool)}")
        self.ratio = not all(o >= 1 for o in out)
        if self.ratio and not all(0 < o < 1 for o in out):
            raise ValueError(f"expected output sizes, or reduction ratios in (0, 1), got {out}")
        self.pool, self.out = tuple(pool), tuple(out)
        self.random_samples: np.ndarray | None = None
        self.fixed = False
        self.indices = np.empty(0, np.int64)

    def fix_pooling_regions(self, val: bool = True) -> FractionalMaxPooling:
        """Keep the current random samples in later forwards (``val=False`` draws again)."""
        self.fixed = val
        return self

    def _output_size(self, x: np.ndarray) -> tuple[int, ...]:
        sizes = x.shape[2:]
        if self.ratio:
            out = tuple(int(np.floor(s * r)) for s, r in zip(sizes, self.out, strict=True))
        else:
            out = tuple(int(o) for o in self.out)
        needed = tuple(o + p - 1 for o, p in zip(out, self.pool, strict=True))
        if min(out) < 1 or any(n > s for n, s in zip(needed, sizes, strict=True)):
            raise ShapeError(
                f"expected spatial sizes of at least {needed} for output {out}, got shape {x.shape}"
            )
        return out

    def _pool(self, x: np.ndarray, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = len(self.pool)
        geometry = zip(x.shape[2:], self._output_size(x), self.pool, strict=True)
        starts = [
            window_starts(samples[..., k - 1 - a], size, out, pool)
            for a, (size, out, pool) in enumerate(geometry)
        ]
        return max_pool_at(x, self.pool, starts)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, len(self.pool))
        self._output_size(x)
        shape = x.shape[:2] + (len(self.pool),)
        samples = self.random_samples
        if samples is None or samples.shape != shape or not self.fixed:
            samples = generator().random(shape)
        values, indices = self._pool(x, samples)
        self.random_samples, self.indices = samples, demote(indices, single)
        return demote(values, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, len(self.pool))
        shape = x.shape[:2] + (len(self.pool),)
        if self.random_samples is None or self.random_samples.shape != shape:
            raise StateError(f"expected a forward pass on input of shape {input.shape} first")
        _, indices = self._pool(x, self.random_samples)
        expect_grad_shape(g, indices.shape)
        return demote(max_pool_grad(g, indices, x.shape, len(self.pool)), single)

    def clear_state(self) -> Module:
        if not self.fixed:
            self.random_samples = None
        return super().clear_state()
