"""SpatialMaxUnpooling: put values back where a max pooling found its maxima."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from nncore.plugin import Case, Module, StateError, expect_indices, expect_same_shape

from ._cases import BAD_INPUTS
from ._spatial import (
    demote,
    expect_grad_shape,
    gather_planes,
    promote,
    promote_pair,
    scatter_planes,
)
from .spatial_dilated_max_pooling import SpatialDilatedMaxPooling
from .spatial_max_pooling import SpatialMaxPooling


class _Pooling(Protocol):
    """The window of the pooling an unpooling inverts, which every such pooling has."""

    kh: int
    kw: int
    dh: int
    dw: int


class SpatialMaxUnpooling(Module):
    """The partial inverse of a max pooling (torch/nn ``SpatialMaxUnpooling``).

    Built on the pooling module it inverts (a ``SpatialMaxPooling`` or any module with ``kh``,
    ``kw``, ``dh``, ``dw`` and, after its forward, ``indices``: the flat 0-based position
    ``row * W + col`` of each maximum).  The output has the pooling's input size, zero except
    ``y[..., indices[..., i, j]] = x[..., i, j]``; the backward pass gathers ``grad_output`` at
    the same positions.  The pooling's windows must not overlap (kernel equal to stride).
    Indices outside the output plane raise ``IndexError``.

    >>> import numpy as np
    >>> from nn_conv.spatial_dilated_max_pooling import SpatialDilatedMaxPooling
    >>> pool = SpatialDilatedMaxPooling(2, 2)
    >>> pooled = pool.forward(np.array([[[1.0, 4.0], [3.0, 2.0]]]))
    >>> SpatialMaxUnpooling(pool).forward(pooled)
    array([[[0., 4.],
            [0., 0.]]])
    """

    def __init__(self, pooling_module: _Pooling) -> None:
        super().__init__()
        if (pooling_module.kh, pooling_module.kw) != (pooling_module.dh, pooling_module.dw):
            raise ValueError("expected a pooling module whose kernel equals its stride")
        self.pooling = pooling_module

    def _output_size(self, x: np.ndarray) -> tuple[int, int]:
        pool = self.pooling
        size = getattr(pool, "input_size", None)
        if size is None and getattr(pool, "iheight", None) is not None:
            legacy: Any = pool  # a pooling keeping the input size as torch/nn does
            size = (legacy.iheight, legacy.iwidth)
        if size is None:  # torch's size formula, exact when the pooled input was tiled evenly
            size = tuple(
                (n - 1) * d + k - 2 * getattr(pool, "pad_" + a, 0)
                for n, d, k, a in zip(
                    x.shape[-2:], (pool.dh, pool.dw), (pool.kh, pool.kw), "hw", strict=True
                )
            )
        height, width = size[-2:]
        return int(height), int(width)

    def _indices(self, x: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """The pooling's indices, batched like ``x`` (a pooling may keep them batched always)."""
        indices = getattr(self.pooling, "indices", None)
        if not isinstance(indices, np.ndarray) or indices.size == 0:
            raise StateError(f"expected indices in {self.pooling!r}: run its forward first")
        if indices.ndim == x.ndim - 1:
            indices = indices[None]
        expect_same_shape(indices, x, "the pooling's indices", "the (batched) input")
        return expect_indices(indices, 0, size[0] * size[1], "unpooling index")

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 2)
        size = self._output_size(x)
        indices = self._indices(x, size)
        out = scatter_planes(x, indices, x.shape[:2], size[0] * size[1])
        return demote(out.reshape(x.shape[:2] + size), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 2)
        size = self._output_size(x)
        expect_grad_shape(g, x.shape[:2] + size)
        return demote(gather_planes(g, self._indices(x, size), 2), single)

    def extra_repr(self) -> str:
        return f"associated to {self.pooling!r}"


def _unpooling(
    pool: SpatialMaxPooling | SpatialDilatedMaxPooling, shape: tuple[int, ...]
) -> SpatialMaxUnpooling:
    pool.forward(np.random.default_rng(0).standard_normal(shape))
    return SpatialMaxUnpooling(pool)


unsaved = "the pooling's argmax indices are the state of its last forward, not saved"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialMaxUnpooling."""
    return [
        Case(
            _unpooling(SpatialDilatedMaxPooling(2, 2), (2, 2, 4, 6)),
            input_shape=(2, 2, 2, 3),
            bad_inputs=BAD_INPUTS + [np.zeros((1, 2, 2, 3))],
            skip={"check_save_load": unsaved},
        ),
        Case(
            _unpooling(SpatialMaxPooling(2, 1), (2, 3, 4)),
            input_shape=(2, 3, 2),
            skip={"check_save_load": unsaved},
        ),
    ]
