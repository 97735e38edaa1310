"""Bottle: lets a module made for n dimensions take extra leading (batch) dimensions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_array

from .decorator import Decorator
from .linear import Linear
from .sequential import Sequential
from .tanh import Tanh


class Bottle(Decorator):
    """Fuses the leading dimensions of an input with more than ``n_input_dim`` dimensions into
    one, applies the module, and unfuses its output (torch/nn ``Bottle``).

    An input ``(a, b, ..., *rest)`` with ``len(rest) = n_input_dim - 1`` reaches the module as
    ``(a * b * ..., *rest)``; its output ``(a * b * ..., *out)`` (``n_output_dim`` dimensions,
    by default ``n_input_dim``) comes back as ``(a, b, ..., *out)``.  Inputs with at most
    ``n_input_dim`` dimensions pass through unchanged.

    >>> import numpy as np
    >>> from nncore import nn
    >>> Bottle(nn.Linear(4, 3)).forward(np.zeros((5, 2, 4))).shape
    (5, 2, 3)
    """

    def __init__(
        self, module: Module, n_input_dim: int = 2, n_output_dim: int | None = None
    ) -> None:
        super().__init__(module)
        self.n_input_dim = n_input_dim
        self.n_output_dim = n_input_dim if n_output_dim is None else n_output_dim

    def _fused(self, input: Any) -> tuple[int, np.ndarray]:
        """How many leading dimensions are fused, and the input the module sees."""
        lead = expect_array(input).ndim - self.n_input_dim + 1
        if lead <= 1:
            return lead, input
        return lead, input.reshape((math.prod(input.shape[:lead]),) + input.shape[lead:])

    def update_output(self, input: Any) -> Any:
        lead, fused = self._fused(input)
        output = self.module.forward(fused)
        if lead <= 1:
            return output
        if np.ndim(output) != self.n_output_dim:
            raise ShapeError(
                f"expected the wrapped module to return {self.n_output_dim} dimensions, "
                f"got shape {np.shape(output)}"
            )
        return output.reshape(input.shape[:lead] + output.shape[1:])

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        lead, fused = self._fused(input)
        if lead <= 1:
            return self.module.update_grad_input(input, grad_output)
        grad = expect_array(grad_output, "grad_output").reshape(self.module.output.shape)
        return self.module.update_grad_input(fused, grad).reshape(input.shape)

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        lead, fused = self._fused(input)
        if lead > 1:
            grad_output = grad_output.reshape(self.module.output.shape)
        self.module.acc_grad_parameters(fused, grad_output, scale)


def examples() -> list[Case]:
    """The conformance kit's cases for Bottle."""
    return [
        Case(Bottle(Linear(4, 3)), input_shape=(2, 3, 4), batched=True),
        Case(Bottle(Linear(4, 3)), input_shape=(2, 2, 3, 4)),
        Case(Bottle(Sequential(Linear(4, 2), Tanh()), 2, 2), input_shape=(3, 4)),
    ]
