"""Dropout: zeroes random elements while training."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, StateError, expect_float, expect_same_shape, generator

from ._pointwise import inplace_repr


class Dropout(Module):
    """Multiply by a fresh random mask ``noise``, each element kept with probability ``1 - p``
    (torch/nn ``Dropout``); ``dx = dy * noise``.

    By default (version 2) kept elements are scaled by ``1 / (1 - p)`` while training, and
    evaluation passes the input through.  With ``v1`` the mask is not scaled and evaluation
    multiplies by ``1 - p`` instead.  ``stochastic_inference`` keeps dropping in evaluation
    mode.  ``inplace`` writes the output into the input (and the gradient into ``grad_output``).
    The mask is drawn from ``nncore.random`` at every forward while dropping.

    >>> import numpy as np
    >>> Dropout(0.3).evaluate().forward(np.ones(3))
    array([1., 1., 1.])
    >>> Dropout(0.3, v1=True).evaluate().forward(np.ones(2))
    array([0.7, 0.7])
    """

    def __init__(
        self,
        p: float = 0.5,
        v1: bool = False,
        inplace: bool = False,
        stochastic_inference: bool = False,
    ) -> None:
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"expected a dropout probability 0 <= p < 1, got {p}")
        self.p = p
        self.v2 = not v1
        self.inplace = inplace
        self.stochastic_inference = stochastic_inference
        self.noise: np.ndarray | None = None

    def _dropping(self) -> bool:
        return self.p > 0 and (self.train or self.stochastic_inference)

    def _factor(self, input: np.ndarray) -> np.ndarray | float:
        """What the input (and the gradient) is multiplied by in the current mode."""
        if self._dropping():
            if self.noise is None or self.noise.shape != input.shape:
                raise StateError("expected forward on this input before backward, got no mask")
            return self.noise
        return 1.0 - self.p if not self.v2 else 1.0

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_float(input)
        if self._dropping():
            dtype = input.dtype if input.dtype.kind == "f" else self.dtype
            keep = generator().random(input.shape) < 1 - self.p
            self.noise = keep.astype(dtype) / (1 - self.p) if self.v2 else keep.astype(dtype)
        factor = self._factor(input)
        if self.inplace:
            input *= factor
            return input
        return input * factor

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        factor = self._factor(input)
        if self.inplace:
            grad_output *= factor
            return grad_output
        return grad_output * factor

    def extra_repr(self) -> str:
        return inplace_repr(self, f"p={self.p}" + ("" if self.v2 else ", v1"))


def examples() -> list[Case]:
    """The conformance kit's cases for Dropout."""
    return [
        Case(Dropout(0.3), input_shape=(3, 4)),
        Case(Dropout(0.4, v1=True), input_shape=(3, 4)),
        Case(Dropout(0.3).evaluate(), input_shape=(3, 4), batched=True),
        Case(Dropout(0.3, v1=True).evaluate(), input_shape=(3, 4), batched=True),
        Case(Dropout(0.3, inplace=True), input_shape=(3, 4)),
        Case(Dropout(0.4, v1=True, inplace=True).evaluate(), input_shape=(3, 4), batched=True),
    ]
