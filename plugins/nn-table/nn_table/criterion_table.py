"""CriterionTable: a criterion used as a module on the table ``[input, target]``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import numpy as np

from nncore.plugin import Case, Criterion, InputTypeError, Module, describe, nn

from ._tables import expect_table, scaled, zeros_like


class CriterionTable(Module):
    """``y = criterion.forward(x, t)`` for the input ``[x, t]`` (torch/nn ``CriterionTable``).

    The output is the loss (a float).  The gradient is ``[dy * criterion.backward(x, t), 0]``
    in ``x``'s dtype: the target is a constant, its gradient zeros of its shape.  ``dy``
    defaults to 1 when ``grad_output`` is None, so ``backward([x, t], None)`` returns the
    criterion's gradient.
    The criterion is this module's one child, named ``"criterion"``.

    >>> import numpy as np
    >>> from nncore import nn
    >>> loss = CriterionTable(nn.MSECriterion())
    >>> loss.forward([np.zeros(2), np.array([1.0, 3.0])])
    5.0
    """

    accepts = "any"  # the criterion applies its own policy

    def __init__(self, criterion: Criterion) -> None:
        super().__init__()
        if not isinstance(criterion, Criterion):
            raise InputTypeError(f"CriterionTable expects a Criterion, got {describe(criterion)}")
        self.criterion = criterion

    def update_output(self, input: Any) -> float:
        prediction, target = expect_table(input, length=2)
        return self.criterion.forward(prediction, target)

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        prediction, target = expect_table(input, length=2)
        grad = self.criterion.backward(prediction, target)
        factor = 1.0 if grad_output is None else grad_output
        return [scaled(grad, factor, prediction), zeros_like(target, self.dtype)]

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return iter([("criterion", self.criterion)])

    def set_child(self, name: str, module: Module) -> None:
        if name != "criterion":
            raise KeyError(f"CriterionTable has one child, 'criterion', not {name!r}")
        # what takes the criterion's place is a criterion (loading rebuilds the class that was
        # saved, swapping puts in another implementation of it)
        self.criterion = cast(Criterion, module)

    def extra_repr(self) -> str:
        return repr(self.criterion)


def _prediction_and_labels(rng: np.random.Generator) -> list[np.ndarray]:
    # integer targets are not differentiable, so the kit treats them as constants
    return [rng.standard_normal((3, 2)), rng.integers(-2, 3, (3, 2))]


def examples() -> list[Case]:
    """The conformance kit's cases for CriterionTable."""
    return [
        Case(
            CriterionTable(nn.MSECriterion()),
            input=_prediction_and_labels,
            bad_inputs=["not an array", [np.ones(2)]],
        ),
    ]
