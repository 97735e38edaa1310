"""ModuleFromCriterion: a criterion as a module of ``[prediction, target]`` (nngraph's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from nncore.plugin import Case, Criterion, InputTypeError, Module, describe, nn

from . import _tables


class ModuleFromCriterion(Module):
    """``y = [criterion(prediction, target)]`` for the input ``[prediction, target]``.

    The output is a one-element vector, so a loss can be a node of a graph.  Backward gives
    ``[grad_output[0] * dloss/dprediction, 0]``: the gradient with respect to the target is
    zero, as in nngraph.  The criterion is the child ``"criterion"``.

    >>> import numpy as np
    >>> from nncore import nn
    >>> m = ModuleFromCriterion(nn.MSECriterion())
    >>> m.forward([np.array([1.0, 3.0]), np.array([0.0, 0.0])])
    array([5.])
    """

    accepts = "any"  # the criterion applies its own policy

    def __init__(self, criterion: Criterion) -> None:
        super().__init__()
        if not isinstance(criterion, Criterion):
            raise InputTypeError(f"ModuleFromCriterion expected a Criterion, got {criterion!r:.60}")
        self.criterion = criterion

    def named_children(self) -> Iterator[tuple[str, Module]]:
        yield "criterion", self.criterion

    def set_child(self, name: str, module: Module) -> None:
        if name != "criterion" or not isinstance(module, Criterion):
            raise InputTypeError(
                f"ModuleFromCriterion has one child 'criterion' (a Criterion), "
                f"got {name!r} = {module!r:.60}"
            )
        self.criterion = module

    def update_output(self, input: Any) -> np.ndarray:
        prediction, target = _pair(input)
        return np.array([self.criterion.forward(prediction, target)], dtype=self.dtype)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[Any]:
        prediction, target = _pair(input)
        if np.shape(grad_output) != (1,):
            raise InputTypeError(
                f"expected a grad_output of shape (1,), got {describe(grad_output)}"
            )
        grad = self.criterion.backward(prediction, target)
        scaled = _scale(grad, grad_output[0])
        return [scaled, _tables.zeros_like(target)]

    def __repr__(self) -> str:
        return f"nn.ModuleFromCriterion({self.criterion!r})"


def _pair(input: Any) -> tuple[Any, Any]:
    if not isinstance(input, list) or len(input) != 2:
        raise InputTypeError(f"expected a table [prediction, target], got {describe(input)}")
    return input[0], input[1]


def _scale(grad: Any, factor: float) -> Any:
    if _tables.is_table(grad):
        return [_scale(g, factor) for g in grad]
    return grad * factor


def examples() -> list[Case]:
    """The conformance kit's cases for ModuleFromCriterion."""
    return [
        Case(
            ModuleFromCriterion(nn.ClassNLLCriterion()),
            input=lambda rng: [rng.standard_normal((4, 3)), np.array([0, 2, 1, 0])],
        ),
        Case(
            ModuleFromCriterion(nn.CrossEntropyCriterion()),
            input=lambda rng: [rng.standard_normal(3), np.array(1)],
        ),
    ]
