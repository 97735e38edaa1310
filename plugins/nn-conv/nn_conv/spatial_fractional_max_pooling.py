"""SpatialFractionalMaxPooling: max pooling over pseudo-random overlapping windows."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError, StateError, generator

from ._cases import BAD_INPUTS
from ._spatial import (
    demote,
    expect_grad_shape,
    max_pool_at,
    max_pool_grad,
    promote,
    promote_pair,
)


def _starts(samples: np.ndarray, size: int, out: int, pool: int) -> np.ndarray:
    """Window starts ``floor((i + u) * a) - floor(u * a)``, ``a = (size - pool) / (out - 1)``,
    the last window ending at the border (Graham's fractional max pooling, as torch/nn)."""
    alpha = (size - pool) / (out - 1) if out > 1 else 0.0
    i = np.arange(out - 1)
    starts = np.floor((i + samples[..., None]) * alpha) - np.floor(samples[..., None] * alpha)
    last = np.full(samples.shape + (1,), size - pool)
    return np.concatenate([starts.astype(np.int64), last], axis=-1)


class SpatialFractionalMaxPooling(Module):
    """Fractional max pooling of ``(C, H, W)`` or ``(N, C, H, W)`` (torch/nn
    ``SpatialFractionalMaxPooling``, Graham 2014).

    Each output is the max over a ``pool_size_h x pool_size_w`` window; the window starts of
    every plane follow ``floor((i + u) * a) - floor(u * a)`` with ``a = (size - pool) / (out - 1)``
    and one ``u ~ U(0, 1)`` per plane and axis, drawn from ``nncore.random`` at every forward
    (``random_samples``, shape ``(N, C, 2)``: width then height) unless
    ``fix_pooling_regions()`` keeps them.  ``out_w, out_h`` are the output size, or, when both
    are below 1, ratios: ``out = floor(size * ratio)``.

    >>> import numpy as np
    >>> SpatialFractionalMaxPooling(2, 2, 0.5, 0.5).forward(np.ones((3, 1, 8, 6))).shape
    (3, 1, 4, 3)
    """

    def __init__(self, pool_size_w: int, pool_size_h: int, out_w: float, out_h: float) -> None:
        super().__init__()
        if pool_size_w < 2 or pool_size_h < 2:
            raise ValueError(f"expected pool sizes of at least 2, got {pool_size_w}x{pool_size_h}")
        ratio = out_w < 1 and out_h < 1
        if ratio and not (out_w > 0 and out_h > 0):
            raise ValueError(f"expected reduction ratios in (0, 1), got {out_w}, {out_h}")
        self.pool_size_w, self.pool_size_h = pool_size_w, pool_size_h
        self.out_w, self.out_h, self.ratio = out_w, out_h, ratio
        self.random_samples: np.ndarray | None = None
        self.fixed = False

    def fix_pooling_regions(self, val: bool = True) -> SpatialFractionalMaxPooling:
        """Keep the current random samples in later forwards (``val=False`` draws again)."""
        self.fixed = val
        return self

    def _output_size(self, x: np.ndarray) -> tuple[int, int]:
        height, width = x.shape[-2:]
        if self.ratio:
            out = int(np.floor(height * self.out_h)), int(np.floor(width * self.out_w))
        else:
            out = int(self.out_h), int(self.out_w)
        if (
            min(out) < 1
            or out[0] + self.pool_size_h - 1 > height
            or out[1] + self.pool_size_w - 1 > width
        ):
            raise ShapeError(
                f"expected input planes of at least {out[0] + self.pool_size_h - 1}x"
                f"{out[1] + self.pool_size_w - 1} for output {out[0]}x{out[1]}, got shape "
                f"{x.shape}"
            )
        return out

    def _pool(self, x: np.ndarray, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out_h, out_w = self._output_size(x)
        starts = (
            _starts(samples[..., 1], x.shape[-2], out_h, self.pool_size_h),
            _starts(samples[..., 0], x.shape[-1], out_w, self.pool_size_w),
        )
        return max_pool_at(x, (self.pool_size_h, self.pool_size_w), starts)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        self._output_size(x)
        shape = x.shape[:2] + (2,)
        samples = self.random_samples
        if samples is None or samples.shape != shape or not self.fixed:
            samples = generator().random(shape)
        values, indices = self._pool(x, samples)
        self.random_samples, self.indices = samples, demote(indices, single)
        return demote(values, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        if self.random_samples is None or self.random_samples.shape != x.shape[:2] + (2,):
            raise StateError(f"expected a forward pass on input of shape {input.shape} first")
        _, indices = self._pool(x, self.random_samples)
        expect_grad_shape(g, indices.shape)
        return demote(max_pool_grad(g, indices, x.shape, 2), single)

    def clear_state(self) -> Module:
        if not self.fixed:
            self.random_samples = None
        return super().clear_state()

    def extra_repr(self) -> str:
        return f"{self.out_w}x{self.out_h}, {self.pool_size_w},{self.pool_size_h}"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialFractionalMaxPooling."""
    return [
        Case(
            SpatialFractionalMaxPooling(2, 2, 3, 2), input_shape=(2, 2, 4, 5), bad_inputs=BAD_INPUTS
        ),
        Case(SpatialFractionalMaxPooling(2, 3, 0.5, 0.6), input_shape=(2, 6, 5)),
    ]
