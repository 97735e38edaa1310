"""The part ParallelTable and MapTable share: the i-th child applied to the i-th table element."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Container, Module

from ._tables import expect_table


class Branches(Container):
    """Applies ``branches(input)[i]`` to ``input[i]``; subclasses choose the children."""

    def branches(self, inputs: list[Any]) -> list[Module]:
        """The children serving ``inputs``, one per element (raise if the table does not fit)."""
        raise NotImplementedError

    def _zipped(self, input: Any, grad_output: Any) -> list[tuple[Module, Any, Any]]:
        inputs = expect_table(input)
        grads = expect_table(grad_output, "grad_output", len(inputs))
        return list(zip(self.branches(inputs), inputs, grads, strict=True))

    def update_output(self, input: Any) -> list[Any]:
        inputs = expect_table(input)
        return [child.forward(x) for child, x in zip(self.branches(inputs), inputs, strict=True)]

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        return [c.backward_input(x, g) for c, x, g in self._zipped(input, grad_output)]

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        for child, x, g in self._zipped(input, grad_output):
            child.acc_grad_parameters(x, g, scale)
