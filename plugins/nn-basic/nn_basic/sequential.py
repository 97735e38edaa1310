"""Sequential: a chain of modules, each fed the previous one's output."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Container, Module, format_chain

from .linear import Linear
from .tanh import Tanh


class Sequential(Container):
    """``y = m[n-1](...m[1](m[0](x)))``; backward runs the chain in reverse
    (torch/nn ``Sequential``).

    >>> from nncore import nn
    >>> print(Sequential().add(nn.Linear(3, 2)).add(nn.Tanh()))
    nn.Sequential {
      [input -> (0) -> (1) -> output]
      (0): nn.Linear(3 -> 2)
      (1): nn.Tanh
    }
    """

    def update_output(self, input: Any) -> Any:
        output = input
        for module in self.modules:
            output = module.forward(output)
        return output

    def _reversed(self, input: Any) -> list[tuple[Module, Any]]:
        """Each child with the input it had in the forward pass, the last child first."""
        inputs = [input] + [m.output for m in self.modules[:-1]]
        # not strict: an empty chain has one input and no child
        return list(zip(self.modules, inputs, strict=False))[::-1]

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        grad = grad_output
        for module, module_input in self._reversed(input):
            grad = module.backward_input(module_input, grad)
        return grad

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        grad = grad_output
        for module, module_input in self._reversed(input):
            module.acc_grad_parameters(module_input, grad, scale)
            grad = module.grad_input

    def __repr__(self) -> str:
        return format_chain(self, self.modules)


def examples() -> list[Case]:
    """The conformance kit's cases for Sequential."""
    return [
        Case(Sequential(Linear(4, 3), Tanh(), Linear(3, 2)), input_shape=(5, 4), batched=True),
        Case(
            Sequential(Linear(4, 3), Sequential(Tanh(), Sequential(Linear(3, 2)))), input_shape=(4,)
        ),
    ]
