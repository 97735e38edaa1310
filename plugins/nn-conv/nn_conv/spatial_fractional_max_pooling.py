"""SpatialFractionalMaxPooling: max pooling over pseudo-random overlapping windows."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS
from ._fractional import FractionalMaxPooling


class SpatialFractionalMaxPooling(FractionalMaxPooling):
    """Fractional max pooling of ``(C, H, W)`` or ``(N, C, H, W)`` (torch/nn
    ``SpatialFractionalMaxPooling``, Graham 2014).

    Each output is the max over a ``pool_size_h x pool_size_w`` window; the window starts of
    every plane follow ``floor((i + u) * a) - floor(u * a)`` with ``a = (size - pool) / (out - 1)``
    and one ``u ~ U(0, 1)`` per plane and axis, drawn from ``nncore.random`` at every forward
    (``random_samples``, shape ``(N, C, 2)``: width then height) unless
    ``fix_pooling_regions()`` keeps them.  ``out_w, out_h`` are the output size, or, when
    either is below 1, ratios in (0, 1): ``out = floor(size * ratio)``.  ``indices`` holds each
    maximum's flat position ``row * W + col`` in its plane.

    >>> import numpy as np
    >>> SpatialFractionalMaxPooling(2, 2, 0.5, 0.5).forward(np.ones((3, 1, 8, 6))).shape
    (3, 1, 4, 3)
    """

    def __init__(self, pool_size_w: int, pool_size_h: int, out_w: float, out_h: float) -> None:
        self.pool_size_w, self.pool_size_h = pool_size_w, pool_size_h
        self.out_w, self.out_h = out_w, out_h
        super().__init__((pool_size_h, pool_size_w), (out_h, out_w))

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
