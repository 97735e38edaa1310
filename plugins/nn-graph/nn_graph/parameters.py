"""Parameters: trainable parameters that compute nothing (nnop's ``nn.Parameters``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, expect_same_shape, generator

from . import _tables


class Parameters(Module):
    """A parameter array ``weight`` of shape ``shape``: the output is ``weight`` itself.

    The input is ignored (its gradient is zero), so a graph node made by calling it with no
    argument, ``Parameters(10, 100)()``, is a source of the graph rather than a graph input.
    Backward accumulates ``grad_weight += scale * grad_output``: every use of the node in a
    graph adds its gradient.  ``reset(stdv)`` draws from ``N(0, stdv)``, by default
    ``stdv = 0.01`` as nnop does.

    >>> p = Parameters(2, 3)
    >>> p
    nn.Parameters(2x3)
    >>> p.forward(None) is p.weight
    True
    """

    accepts = "any"  # the input is ignored

    parameter_names = ("weight",)
    #: a graph node of this module needs no input (gModule accepts it as a source)
    needs_input = False

    def __init__(self, *shape: int) -> None:
        super().__init__()
        self.weight = np.empty(shape)
        self.grad_weight = np.zeros(shape)
        self.reset()

    def reset(self, stdv: float | None = None) -> Parameters:
        stdv = 0.01 if stdv is None else stdv
        self.weight[...] = generator().normal(0.0, stdv, self.weight.shape)
        return self

    def update_output(self, input: Any) -> np.ndarray:
        return self.weight

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> Any:
        expect_same_shape(grad_output, self.weight, "grad_output", "weight")
        return _tables.zeros_like(input)

    def acc_grad_parameters(self, input: Any, grad_output: np.ndarray, scale: float = 1.0) -> None:
        self.grad_weight += scale * grad_output

    def extra_repr(self) -> str:
        return "x".join(map(str, self.weight.shape)) or "scalar"


def examples() -> list[Case]:
    """The conformance kit's cases for Parameters."""
    return [
        Case(Parameters(2, 3), input_shape=(4,), bad_inputs=[]),
        Case(Parameters(5), input=lambda rng: [], bad_inputs=[]),
    ]
