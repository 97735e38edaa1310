"""Decorator: a container holding one module and passing every call through to it."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Container, Module

from .linear import Linear


class Decorator(Container):
    """``y = module(x)``, ``dx = module.dx`` (torch/nn ``Decorator``).

    The base of Bottle, NaN, Profile, DontCast and WeightNorm, which change what goes in or
    comes out around the wrapped module.  The wrapped module is child ``"0"`` of the container
    protocol, so it is found, converted, saved and replaced like any other child.

    >>> from nncore import nn
    >>> Decorator(nn.Linear(3, 2))
    nn.Decorator @ nn.Linear(3 -> 2)
    """

    def __init__(self, module: Module) -> None:
        super().__init__(module)

    @property
    def module(self) -> Module:
        """The wrapped module."""
        return self.modules[0]

    def update_output(self, input: Any) -> Any:
        return self.module.forward(input)

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        return self.module.update_grad_input(input, grad_output)

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        self.module.acc_grad_parameters(input, grad_output, scale)

    def __repr__(self) -> str:
        return f"{Module.__repr__(self)} @ {self.module!r}"


def examples() -> list[Case]:
    """The conformance kit's cases for Decorator."""
    return [Case(Decorator(Linear(4, 3)), input_shape=(5, 4), batched=True)]
