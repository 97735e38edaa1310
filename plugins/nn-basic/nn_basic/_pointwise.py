"""Shared machinery of nn-basic's elementwise layers.

:class:`Pointwise` is the base of every parameter-free map applied element by element (Abs,
Exp, Sigmoid, the ReLU family, ...): a subclass defines ``function(x)`` and
``derivative(x, y)``; validation, integer-to-float promotion and Torch's in-place mode live here
once.  :func:`expand_to` and :func:`reduce_to` are the broadcasting rules of ``CAdd``/``CMul``
(a parameter applied elementwise to an input or to a batch of inputs).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from nncore.plugin import (
    ArgumentError,
    ArgumentTypeError,
    Module,
    ShapeError,
    StateError,
    expect_float,
    expect_same_shape,
)


def floating(input: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``input`` itself when it holds floats, else a copy converted to ``dtype``."""
    return input if input.dtype.kind == "f" else input.astype(dtype)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``, exact to rounding for every ``x``.

    ``exp(-x)`` overflows to ``inf`` only where the result rounds to 0 anyway (``x`` below
    -709 in float64, -88 in float32), and ``1 / inf`` is that 0: the overflow is harmless, so
    its warning is silenced rather than avoided with ``logaddexp`` (3-4x slower).
    """
    with np.errstate(over="ignore"):
        e = np.exp(-x)
    e += 1
    return np.reciprocal(e, out=e)


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

    Integer inputs are converted to the module's dtype; float inputs keep theirs.  With
    ``inplace`` set (Torch's memory-saving mode), forward writes ``y`` into the input array and
    backward writes ``dx`` into ``grad_output``.  ``derivative`` then receives the overwritten
    input, so in-place layers compute it from what survives the overwrite.
    """

    inplace: bool = False
    #: False where ``y`` is cheap to recompute from ``x``: backward without a forward on this
    #: input then recomputes it instead of raising StateError
    needs_forward: ClassVar[bool] = True

    def function(self, x: np.ndarray) -> np.ndarray:
        """``y = f(x)`` for a float array ``x``."""
        raise NotImplementedError

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``f'(x)``, given ``x`` and ``y = f(x)``."""
        raise NotImplementedError

    def gradient(self, x: np.ndarray, y: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        """``dy * f'(x)`` as a new array; a subclass may form it in fewer passes."""
        return grad_output * self.derivative(x, y)

    def _output_for(self, x: np.ndarray) -> np.ndarray:
        """The stored ``y`` of a forward on ``x`` (recomputed if allowed and missing)."""
        if self.needs_forward or self.inplace:
            return forward_output(self, x)
        output = self.output
        if isinstance(output, np.ndarray) and output.shape == x.shape:
            return output
        return self.function(x).astype(x.dtype, copy=False)

    # The checks below start with the per-call case (float arrays, the gradient shaped like the
    # input, the output of a forward on this shape), tested inline: for a map over a few
    # thousand elements the helpers' calls cost as much as the arithmetic.

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if type(input) is np.ndarray and input.dtype.kind == "f":
            x = input
        else:
            x = floating(expect_float(input), self.dtype)
        y = self.function(x)
        if self.inplace:
            x[...] = y
            return x
        return y if y.dtype is x.dtype else y.astype(x.dtype, copy=False)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if (
            type(input) is np.ndarray
            and type(grad_output) is np.ndarray
            and input.dtype.kind == "f"
            and grad_output.shape == input.shape
        ):
            x = input
        else:
            expect_same_shape(grad_output, expect_float(input), "grad_output", "input")
            x = floating(input, self.dtype)
        output = self.output
        y = output if type(output) is np.ndarray and output.shape == x.shape else None
        if y is None or self.inplace:  # (in place, forward_output says what is wrong)
            y = self._output_for(x)
        if self.inplace and grad_output.dtype.kind == "f":
            grad_output *= self.derivative(x, y)
            return grad_output
        grad = self.gradient(x, y, grad_output)
        return grad if grad.dtype is y.dtype else grad.astype(y.dtype, copy=False)

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


def reduce_to(
    grad: np.ndarray, expanded: np.ndarray, shape: tuple[int, ...], scale: float = 1.0
) -> np.ndarray:
    """``scale`` times the sum of ``grad`` (input-shaped) over the dimensions ``expanded`` was
    broadcast along, as a new array of ``shape``."""
    broadcast, full = expanded.shape, grad.shape  # (indexing: half the cost of zip/enumerate)
    axes = tuple([d for d in range(len(full)) if broadcast[d] == 1 != full[d]])
    # the ufunc's own reduction (grad.sum() adds a Python wrapper); it always makes a new array
    total = np.add.reduce(grad, axis=axes, keepdims=True).reshape(shape)
    if scale != 1:
        total *= scale
    return total


def shape_from_args(owner: str, size: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape of ``CMul(2, 3)`` / ``CMul((2, 3))`` / ``CMul(5)``: torch/nn takes the sizes as
    varargs or as one size; each must be a positive int (``owner`` names the class in errors)."""
    if (
        len(size) == 1
        and isinstance(size[0], (Sequence, np.ndarray))
        and not isinstance(size[0], str)
    ):
        size = tuple(size[0])
    try:
        shape = tuple(operator.index(s) for s in size)
    except TypeError:
        raise ArgumentTypeError(
            f"nn.{owner}: expected size to be int | tuple[int, ...], got {size!r:.40}"
        ) from None
    if not shape or min(shape) < 1:
        raise ArgumentError(f"nn.{owner}: expected one or more positive sizes, got {shape}")
    return shape


def sized_config(config: dict[str, Any]) -> dict[str, Any]:
    """A configuration with ``size`` as the varargs ``CMul(*size)`` takes, also when it was
    recorded as one plain number (``{"size": 5}``, the form of earlier versions)."""
    size = config.get("size")
    return {**config, "size": (size,)} if isinstance(size, (int, np.integer)) else config
