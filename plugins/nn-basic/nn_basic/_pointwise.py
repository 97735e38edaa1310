"""Shared machinery of the elementwise transfer functions (Sigmoid, ReLU, ELU, ...).

A subclass of :class:`Pointwise` defines ``function(x)`` and ``derivative(x, y)``; validation,
integer-to-float promotion and Torch's in-place mode live here once.
"""

from __future__ import annotations

import numpy as np

from nncore import Module
from nncore.checks import expect_float, expect_same_shape
from nncore.errors import StateError


def floating(input: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``input`` itself when it holds floats, else a copy converted to ``dtype``."""
    return input if input.dtype.kind == "f" else input.astype(dtype)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` without overflow for large ``|x|``."""
    return np.exp(-np.logaddexp(0, -x))


def forward_output(module: Module, input: np.ndarray) -> np.ndarray:
    """The module's output, after checking it was computed for an input of this shape."""
    output = module.output
    if not isinstance(output, np.ndarray) or output.shape != np.shape(input):
        raise StateError(
            f"expected forward on an input of shape {np.shape(input)} before backward, "
            f"got a stored output of shape {np.shape(output)}"
        )
    return output


def inplace_repr(module: Module, text: str = "") -> str:
    """``text`` followed by ``", in place"`` when the module works in place."""
    if not getattr(module, "inplace", False):
        return text
    return f"{text}, in place" if text else "in place"


class Pointwise(Module):
    """``y = function(x)`` elementwise, ``dx = dy * derivative(x, y)``; any input shape.

    With ``inplace`` set (Torch's memory-saving mode), forward writes ``y`` into the input
    array and backward writes ``dx`` into ``grad_output``.  ``derivative`` then receives the
    overwritten input, so in-place layers compute it from what survives the overwrite.
    """

    inplace: bool = False

    def function(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = floating(expect_float(input), self.dtype)
        y = self.function(x)
        if self.inplace:
            x[...] = y
            return x
        return y.astype(x.dtype, copy=False)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, expect_float(input), "grad_output", "input")
        slope = self.derivative(input, forward_output(self, input))
        if self.inplace and grad_output.dtype.kind == "f":
            grad_output *= slope
            return grad_output
        return (grad_output * slope).astype(self.output.dtype, copy=False)

    def extra_repr(self) -> str:
        return inplace_repr(self)


class Shrink(Pointwise):
    """Base of HardShrink and SoftShrink: zero where ``|x| <= lam``, slope 1 elsewhere."""

    def __init__(self, lam: float = 0.5) -> None:
        super().__init__()
        self.lam = float(lam)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.abs(x) > self.lam

    def extra_repr(self) -> str:
        return f"{self.lam:g}"
