"""Linear: torch/nn's affine map with one cheap check per call."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import POSITIVE, Case, Module, expect_float, expect_ndim, expect_size, generator


class Linear(Module):
    """``y = x @ weight.T + bias``, a drop-in for nn-basic's ``Linear`` with less overhead per call.

    Same constructor ``(input_size, output_size, bias=True)`` and parameter layout (``weight`` is
    ``(output_size, input_size)``, ``bias`` ``(output_size,)``), so ``nncore._swap`` can carry the
    parameters over.  Well-formed input passes a single combined test instead of one helper call
    per property; only bad input goes through ``nncore.plugin``'s checks to get the precise error.
    Gradients: ``dx = dy @ weight``, ``dW += scale * dy.T @ x``, ``db += scale * sum(dy)``.

    >>> Linear(10, 5)
    nn.Linear(10 -> 5)
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"input_size": POSITIVE, "output_size": POSITIVE}

    def __init__(self, input_size: int, output_size: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = np.empty((output_size, input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.empty(output_size) if bias else None
        self.grad_bias = np.zeros(output_size) if bias else None
        self.reset()

    def reset(self, stdv: float | None = None) -> Linear:
        stdv = 1.0 / math.sqrt(self.weight.shape[1]) if stdv is None else stdv
        for _, param, _ in self.own_parameters():
            param[...] = generator().uniform(-stdv, stdv, param.shape)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        if not (
            isinstance(input, np.ndarray)
            and 0 < input.ndim < 3
            and input.shape[-1] == self.weight.shape[1]
            and input.dtype.kind in "fiub"
        ):
            expect_size(expect_ndim(expect_float(input), (1, 2)), -1, self.weight.shape[1])
        output = np.dot(input, self.weight.T)
        if self.bias is not None:
            output += self.bias
        return output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return np.dot(grad_output, self.weight)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        # scaling grad_output (batch x outputs) first is cheaper than scaling the weight update
        grad = grad_output if scale == 1 else scale * grad_output
        if input.ndim == 1:
            self.grad_weight += np.multiply.outer(grad, input)
        else:
            self.grad_weight += np.dot(grad.T, input)
        if self.grad_bias is not None:  # with a bias
            self.grad_bias += grad if grad.ndim == 1 else grad.sum(axis=0)

    def extra_repr(self) -> str:
        size = f"{self.weight.shape[1]} -> {self.weight.shape[0]}"
        return size if self.bias is not None else size + ", without bias"


def examples() -> list[Case]:
    """The conformance kit's cases for Linear."""
    return [
        Case(
            Linear(5, 3),
            input_shape=(4, 5),
            batched=True,
            bad_inputs=["not an array", np.zeros((4, 6)), np.zeros((2, 4, 5))],
        ),
        Case(Linear(5, 3), input_shape=(5,)),
        Case(Linear(4, 2, bias=False), input_shape=(3, 4), batched=True),
    ]
