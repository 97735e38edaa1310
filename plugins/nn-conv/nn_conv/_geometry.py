"""The geometry of a 2-D window (kernel, stride, padding, dilation) and its output size, and the
rounding mode of the poolings' output sizes."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, TypeVar

from nncore.plugin import Module


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

    def kernel_args(self) -> tuple[int, int, int, int, int, int, int, int]:
        """``(kh, kw, sh, sw, ph, pw, dh, dw)``, the window arguments of the kernels."""
        return (self.kh, self.kw, self.sh, self.sw, self.ph, self.pw, self.dh, self.dw)

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


_Pooling = TypeVar("_Pooling", bound="CeilMode")


class CeilMode(Module):
    """torch/nn's chainable ``ceil()`` and ``floor()`` of a pooling with ``ceil_mode``: they
    change the rounding of the output size after construction, and :meth:`config` reports the
    current mode so that saving and swapping keep it."""

    ceil_mode: bool

    def ceil(self: _Pooling) -> _Pooling:
        """Round the output size up (the last window may hang over the end).  Returns self."""
        self.ceil_mode = True
        return self

    def floor(self: _Pooling) -> _Pooling:
        """Round the output size down (the default).  Returns self."""
        self.ceil_mode = False
        return self

    def config(self) -> dict[str, Any]:
        """The constructor arguments, with the current ``ceil_mode``."""
        return {**super().config(), "ceil_mode": self.ceil_mode}
