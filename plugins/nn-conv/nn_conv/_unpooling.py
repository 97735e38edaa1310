"""Max unpooling: what torch/nn's Spatial and VolumetricMaxUnpooling share (they differ in the
axes of the pooling they invert)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from nncore.plugin import Module, StateError, expect_indices, expect_same_shape

from ._spatial import (
    demote,
    expect_grad_shape,
    gather_planes,
    promote,
    promote_pair,
    scatter_planes,
)

#: torch/nn's names of a pooling's input sizes
_TORCH_SIZES = {"t": "itime", "h": "iheight", "w": "iwidth"}


class MaxUnpooling(Module):
    """The partial inverse of a max pooling over the ``axes`` (``"hw"`` or ``"thw"``).

    Built on the pooling module it inverts: any module with the kernel and stride of each axis
    (``kh``, ``dh``, ...) and, after its forward, ``indices``, the flat 0-based position of each
    maximum in its plane or volume.  The output has the pooling's input size (its
    ``input_size``, or torch/nn's ``itime``/``iheight``/``iwidth``, or else ``(n - 1) * d + k -
    2 * pad``), zero except ``y[..., indices[..., i]] = x[..., i]``; the backward pass gathers
    ``grad_output`` at the same positions.  The pooling's windows must not overlap (kernel equal
    to stride).  Indices outside the output raise ``IndexError``.
    """

    axes: ClassVar[str] = "hw"

    def __init__(self, pooling_module: Any) -> None:
        super().__init__()
        kernel = [getattr(pooling_module, "k" + a) for a in self.axes]
        if kernel != [getattr(pooling_module, "d" + a) for a in self.axes]:
            raise ValueError("expected a pooling module whose kernel equals its stride")
        self.pooling = pooling_module

    def _output_size(self, x: np.ndarray) -> tuple[int, ...]:
        pool = self.pooling
        size = getattr(pool, "input_size", None)
        legacy = [getattr(pool, _TORCH_SIZES[a], None) for a in self.axes]
        if size is None and None not in legacy:  # a pooling keeping torch/nn's fields
            size = tuple(legacy)
        if size is None:  # torch's size formula, exact when the pooled input was tiled evenly
            size = tuple(
                (n - 1) * getattr(pool, "d" + a)
                + getattr(pool, "k" + a)
                - 2 * getattr(pool, "pad_" + a, 0)
                for n, a in zip(x.shape[2:], self.axes, strict=True)
            )
        return tuple(int(s) for s in size[len(size) - len(self.axes) :])

    def _indices(self, x: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
        """The pooling's indices, batched like ``x`` (a pooling may keep them batched always)."""
        indices = getattr(self.pooling, "indices", None)
        if not isinstance(indices, np.ndarray) or indices.size == 0:
            raise StateError(f"expected indices in {self.pooling!r}: run its forward first")
        if indices.ndim == x.ndim - 1:
            indices = indices[None]
        expect_same_shape(indices, x, "the pooling's indices", "the (batched) input")
        return expect_indices(indices, 0, int(np.prod(size)), "unpooling index")

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, len(self.axes))
        size = self._output_size(x)
        indices = self._indices(x, size)
        out = scatter_planes(x, indices, x.shape[:2], int(np.prod(size)))
        return demote(out.reshape(x.shape[:2] + size), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, len(self.axes))
        size = self._output_size(x)
        expect_grad_shape(g, x.shape[:2] + size)
        return demote(gather_planes(g, self._indices(x, size), len(self.axes)), single)

    def extra_repr(self) -> str:
        return f"associated to {self.pooling!r}"


UNSAVED = "the pooling's argmax indices are the state of its last forward, not saved"


def after_forward(pool: Module, shape: tuple[int, ...]) -> Module:
    """``pool`` after a forward on standard normal input of ``shape`` (an unpooling's case)."""
    pool.forward(np.random.default_rng(0).standard_normal(shape))
    return pool
