"""ModuleCriterion: a criterion behind optional modules applied to the input and the target."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nncore.plugin import Case, Criterion, Dtype, Module

from ._cases import normal_like
from .abs_criterion import AbsCriterion
from .mse_criterion import MSECriterion
from .tanh import Tanh


class ModuleCriterion(Criterion):
    """``loss = criterion(input_module(input), target_module(target))``, either module optional;
    the gradient flows back through ``input_module`` (whose parameters are not trained, as in
    torch/nn ``ModuleCriterion``).  With ``cast_target=False``, ``type()`` leaves
    ``target_module`` alone (for targets that must keep their dtype).

    >>> import numpy as np
    >>> from nncore import nn
    >>> crit = ModuleCriterion(nn.MSECriterion(), nn.Tanh())
    >>> crit.forward(np.zeros(2), np.ones(2))
    1.0
    """

    accepts = target_accepts = "any"  # its modules and criterion apply theirs

    def __init__(
        self,
        criterion: Criterion,
        input_module: Module | None = None,
        target_module: Module | None = None,
        cast_target: bool = True,
    ) -> None:
        super().__init__()
        self.criterion = criterion
        self.input_module = input_module
        self.target_module = target_module
        self.cast_target = cast_target

    def update_output(self, input: Any, target: Any) -> float:
        if self.input_module is not None:
            input = self.input_module.forward(input)
        if self.target_module is not None:
            target = self.target_module.forward(target)
        return self.criterion.forward(input, target)

    def update_grad_input(self, input: Any, target: Any) -> Any:
        inner = input if self.input_module is None else self.input_module.output
        if self.target_module is not None:
            target = self.target_module.output
        grad = self.criterion.backward(inner, target)
        return grad if self.input_module is None else self.input_module.backward(input, grad)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name in ("criterion", "input_module", "target_module"):
            child = getattr(self, name)
            if child is not None:
                yield name, child

    def set_child(self, name: str, module: Module) -> None:
        setattr(self, name, module)

    def type(self, dtype: Dtype) -> ModuleCriterion:
        if self.cast_target or self.target_module is None:
            super().type(dtype)
            return self
        target_module, self.target_module = self.target_module, None
        try:
            super().type(dtype)
        finally:
            self.target_module = target_module
        return self


def examples() -> list[Case]:
    """The conformance kit's cases for ModuleCriterion."""
    return [
        Case(
            ModuleCriterion(MSECriterion(), Tanh(), Tanh()), input_shape=(3, 2), target=normal_like
        ),
        Case(
            ModuleCriterion(AbsCriterion(), target_module=Tanh(), cast_target=False),
            input_shape=(4,),
            target=normal_like,
            skip={
                "check_float32": "cast_target=False keeps the target module in float64, "
                "so a float32 target is refused as mixing dtypes"
            },
        ),
    ]
