"""Shared pieces of the elementwise layers: a base class for parameter-free maps and the
broadcasting rules of ``CAdd``/``CMul`` (a parameter applied to an input or a batch of inputs)."""

from __future__ import annotations

import numpy as np

from nncore import Module
from nncore.checks import expect_float, expect_same_shape
from nncore.errors import ShapeError


class Elementwise(Module):
    """``y = f(x)`` elementwise, ``dx = dy * f'(x)``; subclasses define ``function`` and
    ``derivative``.  Accepts arrays of any shape (single examples and batches alike)."""

    def function(self, input: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, input: np.ndarray, output: np.ndarray) -> np.ndarray:
        """``f'(x)``, given ``x`` and ``f(x)``."""
        raise NotImplementedError

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return self.function(expect_float(input))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        output = self.output
        if not isinstance(output, np.ndarray) or output.shape != input.shape:
            output = self.function(input)  # backward without a forward on this input
        return grad_output * self.derivative(input, output)


def expand_to(param: np.ndarray, input: np.ndarray) -> np.ndarray:
    """View ``param`` so that it broadcasts against ``input``, by torch/nn's ``CMul`` rules.

    Same number of elements: reshaped to the input's shape.  Same number of dimensions: used as
    is (each size must match or be 1).  Otherwise the input is a batch of examples each holding
    ``param.size`` elements.
    """
    if param.size == input.size:
        return param.reshape(input.shape)
    if param.ndim == input.ndim:
        if all(p in (1, s) for p, s in zip(param.shape, input.shape, strict=True)):
            return param
    elif input.ndim >= 1 and param.size == input.size // max(input.shape[0], 1):
        return param.reshape((1,) + input.shape[1:])
    raise ShapeError(
        f"expected input of shape {param.shape}, a broadcastable shape or a batch of "
        f"{param.size}-element examples, got shape {input.shape}"
    )


def reduce_to(grad: np.ndarray, expanded: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` (input-shaped) over the dimensions ``expanded`` was broadcast along."""
    pairs = enumerate(zip(expanded.shape, grad.shape, strict=True))
    axes = tuple(d for d, (e, g) in pairs if e == 1 != g)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def size_tuple(size: int | tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """``5`` or ``(1, 5)`` as a shape tuple."""
    if isinstance(size, (int, np.integer)):
        return (int(size),)
    return tuple(int(s) for s in size)
