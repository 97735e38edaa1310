"""VolumetricFractionalMaxPooling: max pooling over pseudo-random overlapping 3-D windows."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS
from ._fractional import FractionalMaxPooling


class VolumetricFractionalMaxPooling(FractionalMaxPooling):
    """Fractional max pooling of ``(C, H, W, T)`` or ``(N, C, H, W, T)`` volumes (torch/nn
    ``VolumetricFractionalMaxPooling``, Graham 2014).

    torch/nn lays these volumes out with the time **last**, unlike its other volumetric layers
    (``(C, T, H, W)``); so does this one.  Each output is the max over a ``pool_size_h x
    pool_size_w x pool_size_t`` window; the window starts along each axis follow ``floor((i +
    u) * a) - floor(u * a)`` with ``a = (size - pool) / (out - 1)`` and one ``u ~ U(0, 1)`` per
    plane and axis, drawn from ``nncore.random`` at every forward (``random_samples``, shape
    ``(N, C, 3)``: time, width, height) unless ``fix_pooling_regions()`` keeps them.
    ``out_t, out_w, out_h`` are the output size, or, when any is below 1, ratios in (0, 1):
    ``out = floor(size * ratio)``.  ``indices`` holds each maximum's flat position
    ``(row * W + col) * T + t`` in its volume.

    >>> import numpy as np
    >>> VolumetricFractionalMaxPooling(2, 2, 2, 0.6, 0.5, 0.5).forward(np.ones((1, 8, 6, 5))).shape
    (1, 4, 3, 3)
    """

    def __init__(
        self,
        pool_size_t: int,
        pool_size_w: int,
        pool_size_h: int,
        out_t: float,
        out_w: float,
        out_h: float,
    ) -> None:
        self.pool_size_t, self.pool_size_w, self.pool_size_h = pool_size_t, pool_size_w, pool_size_h
        self.out_t, self.out_w, self.out_h = out_t, out_w, out_h
        super().__init__((pool_size_h, pool_size_w, pool_size_t), (out_h, out_w, out_t))

    def extra_repr(self) -> str:
        return (
            f"{self.out_t}x{self.out_w}x{self.out_h}, "
            f"{self.pool_size_t},{self.pool_size_w},{self.pool_size_h}"
        )


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricFractionalMaxPooling."""
    return [
        Case(
            VolumetricFractionalMaxPooling(2, 2, 2, 2, 3, 2),
            input_shape=(2, 2, 4, 5, 3),
            bad_inputs=BAD_INPUTS,
        ),
        Case(VolumetricFractionalMaxPooling(2, 3, 2, 0.5, 0.6, 0.7), input_shape=(2, 4, 5, 4)),
    ]
