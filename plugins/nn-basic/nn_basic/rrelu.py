"""RReLU: a leaky ReLU whose negative slopes are random while training."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, InputError, generator

from ._pointwise import Pointwise, inplace_repr


class RReLU(Pointwise):
    """``y = x`` for ``x > 0``, ``a * x`` otherwise (torch/nn ``RReLU``).

    Training: every element draws its own ``a ~ U(lower, upper)`` from ``nncore.random`` at each
    forward (kept in ``noise``, 1 where ``x > 0``), and ``dx = dy * noise``.  Evaluation: ``a =
    (lower + upper) / 2`` for every element, like a LeakyReLU.

    >>> import numpy as np
    >>> RReLU(0.1, 0.3).evaluate().forward(np.array([-1.0, 2.0]))
    array([-0.2,  2. ])
    """

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= lower <= upper:
            raise InputError(f"expected 0 <= lower <= upper, got lower {lower}, upper {upper}")
        self.lower = float(lower)
        self.upper = float(upper)
        self.inplace = bool(inplace)
        self.noise = np.empty(0)

    def _slopes(self, x: np.ndarray) -> np.ndarray:
        if not self.train:
            return np.where(x > 0, 1, (self.lower + self.upper) / 2)
        return self.noise

    def function(self, x: np.ndarray) -> np.ndarray:
        if self.train:
            drawn = generator().uniform(self.lower, self.upper, x.shape)
            self.noise = np.where(x > 0, 1, drawn).astype(x.dtype)
        return x * self._slopes(x).astype(x.dtype, copy=False)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self._slopes(x)

    def extra_repr(self) -> str:
        return inplace_repr(self, f"l={self.lower:g}, u={self.upper:g}")


def examples() -> list[Case]:
    """The conformance kit's cases for RReLU."""
    return [
        Case(RReLU(), input_shape=(3, 4)),
        Case(RReLU(0.2, 0.4).evaluate(), input_shape=(3, 4), batched=True),
        Case(RReLU(inplace=True), input_shape=(3, 4)),
        Case(RReLU(inplace=True).evaluate(), input_shape=(3, 4), batched=True),
    ]
