"""Plane-wise layers' shared pieces: feature (whole-plane) dropout and local normalizations."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Module, StateError, generator

from ._spatial import conv, demote, expect_grad_shape, promote, promote_pair


class FeatureDropout(Module):
    """Zero whole feature maps with probability ``p`` in training; scale by ``1 - p`` in
    evaluation (torch/nn's Spatial/VolumetricDropout, which do not rescale while training)."""

    spatial = 2

    def __init__(self, p: float = 0.5, stochastic_inference: bool = False) -> None:
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"expected a dropout probability 0 <= p < 1, got {p}")
        self.p = p
        self.stochastic_inference = stochastic_inference
        self.noise: np.ndarray = np.empty(0)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, self.spatial)
        if self.train or self.stochastic_inference:
            keep = generator().random(x.shape[:2]) >= self.p
            self.noise = keep.astype(x.dtype).reshape(x.shape[:2] + (1,) * self.spatial)
            return demote(x * self.noise, single)
        return demote(x * (1 - self.p), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, self.spatial)
        expect_grad_shape(g, x.shape)
        if not (self.train or self.stochastic_inference):
            return demote(g * (1 - self.p), single)
        if self.noise.shape != x.shape[:2] + (1,) * self.spatial:
            raise StateError(
                f"expected a forward pass on input of shape {input.shape} before backward"
            )
        return demote(g * self.noise, single)

    def clear_state(self) -> Module:
        self.noise = np.empty(0)
        return super().clear_state()

    def extra_repr(self) -> str:
        return f"{self.p:g}"


def channel_window_sum(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """``out[:, c] = sum x[:, c - before : c + after + 1]`` along axis 1 (zeros outside)."""
    padded = np.pad(x, [(0, 0), (before + 1, after)] + [(0, 0)] * (x.ndim - 2))
    total = np.cumsum(padded, axis=1)
    return total[:, before + after + 1 :] - total[:, : x.shape[1]]


def normalization_kernel(kernel: np.ndarray | None, planes: int, root: bool) -> np.ndarray:
    """The 2-D per-plane averaging kernel torch/nn's local normalizations convolve with.

    A 2-D kernel is divided by ``sum * planes``; a 1-D kernel is applied along both axes, each
    time divided by ``sum * planes`` (``sum * sqrt(planes)`` with ``root``, as
    ``SpatialDivisiveNormalization`` does).  Kernel sizes must be odd.
    """
    k = np.ones((9, 9)) if kernel is None else np.asarray(kernel, dtype=np.float64)
    if k.ndim not in (1, 2):
        raise ValueError(f"expected a 1-D or 2-D averaging kernel, got shape {k.shape}")
    if any(s % 2 == 0 for s in k.shape):
        raise ValueError(f"expected an averaging kernel with odd sizes, got shape {k.shape}")
    if k.ndim == 2:
        return k / (k.sum() * planes)
    k = k / (k.sum() * (np.sqrt(planes) if root else planes))
    return np.outer(k, k)


def normalization_text(n_input_plane: int, kernel: np.ndarray | None) -> str:
    """The repr of a local normalization: its planes and kernel size (``9x9`` by default)."""
    shape = () if kernel is None else np.shape(kernel)
    return f"{n_input_plane}, kernel {'x'.join(map(str, shape)) or '9x9'}"


class LocalAverage:
    """``M(x)[n, h, w] = sum_c sum_ij E[i, j] x[n, c, h + i - kh//2, w + j - kw//2]`` (zero
    padded) and its border correction ``M(1)``, the operator the local normalizations share."""

    def __init__(self, kernel: np.ndarray, planes: int) -> None:
        self.weight = kernel[None, None]  # every plane has the same kernel: sum planes first
        # M keeps the plane size (odd kernel, half of it padded on each side), so its adjoint
        # is the same correlation with the flipped kernel
        self.flipped = np.flip(self.weight, axis=(2, 3))
        self.planes = planes
        self.pad = tuple(s // 2 for s in kernel.shape)

    def _same(self, x: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Correlate ``(N, 1, H, W)`` with ``weight``, keeping ``(H, W)``.  An empty plane has
        no pixel to average and stays empty (numpy's windows refuse a plane smaller than the
        kernel)."""
        if x.size == 0:
            return np.zeros_like(x)
        return conv(x, weight.astype(x.dtype), (1, 1), self.pad)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``(N, 1, H, W)``."""
        return self._same(x.sum(axis=1, keepdims=True), self.weight)

    def adjoint(self, g: np.ndarray) -> np.ndarray:
        """``M^T`` of ``g (N, 1, H, W)``, the same for every plane (it broadcasts over them)."""
        return self._same(g, self.flipped)

    def coef(self, x: np.ndarray) -> np.ndarray:
        """``M(1)`` for ``x``'s plane size, ``(1, 1, H, W)``: made once per size and dtype
        (forward and backward both divide by it), read-only."""
        key = (x.shape[2:], x.dtype)
        cached = self.__dict__.setdefault("_coefs", {})
        if key not in cached:
            ones = np.full((1, 1) + x.shape[2:], self.planes, dtype=x.dtype)
            coef = self._same(ones, self.weight)
            coef.flags.writeable = False
            cached.clear()  # one size at a time is what a network sees
            cached[key] = coef
        return cached[key]
