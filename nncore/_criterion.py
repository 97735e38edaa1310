"""``Criterion``: a loss function of an input and a target (torch/nn ``nn.Criterion``)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ._dtypes import Policy, accept
from ._location import locate, register
from ._module import Module
from .errors import InputTypeError


class Criterion(Module[[Any, Any]]):
    """Base class of losses: ``forward(input, target) -> float``, ``backward -> grad_input``.

    Subclasses implement ``update_output(input, target)`` (returning a float) and
    ``update_grad_input(input, target)``.  ``size_average`` (where a loss has it) divides by
    the number of elements or examples, as in torch/nn.  A criterion is a Module, so clone, type,
    config and the container protocol (for criteria made of criteria) work on it unchanged.
    For type checkers it is ``Module[[Any, Any]]``: ``update_output`` takes an input and a
    target (see ``Module``).
    """

    #: the dtype policy of the target (``Module.accepts`` is the input's): ``"float"`` for
    #: regression targets, ``"index"`` for class indices
    target_accepts: ClassVar[Policy] = "float"

    def __init__(self) -> None:
        super().__init__()
        self.output: Any = 0.0

    def forward(self, input: Any, target: Any = None) -> float:
        """Compute the loss, store it in ``output`` and return it.

        ``target`` may be left out by criteria that have none (``L1Cost``).
        """
        try:
            input, target = self._accept(input, target)
            output = self.update_output(input, target)
        except Exception as error:
            locate(error, self)
            raise
        self.output = output
        return output

    # Not ``Module.backward(input, grad_output, scale)``: a criterion's gradient is its loss's
    # for ``target``, not the chain rule through a ``grad_output``, and it takes no scale
    def backward(self, input: Any, target: Any = None) -> Any:  # type: ignore[override]
        """Compute, store and return the gradient of the loss with respect to ``input``."""
        try:
            input, target = self._accept(input, target)
            grad_input = self.update_grad_input(input, target)
        except Exception as error:
            locate(error, self)
            raise
        self.grad_input = grad_input
        return grad_input

    def _accept(self, input: Any, target: Any) -> tuple[Any, Any]:
        dtype = self._dtype
        if type(input) is not np.ndarray or input.dtype is not dtype:
            input = accept(input, self.accepts, dtype)
        if target is not None and (type(target) is not np.ndarray or target.dtype is not dtype):
            target = accept(target, self.target_accepts, dtype, "target")
        return input, target

    # Not ``Module.__call__(input=NO_INPUT)``: a criterion is no graph node, it needs an input
    def __call__(self, input: Any, target: Any = None) -> float:  # type: ignore[override]
        return self.forward(input, target)

    def __neg__(self) -> Any:
        # ``-module`` makes a graph input node; a criterion needs an input and a target
        raise InputTypeError(
            f"{type(self).__name__}: -criterion expected a module, got a criterion, which is "
            "no graph node (nn-graph's ModuleFromCriterion(criterion) makes it a module)"
        )

    def update_output(self, input: Any, target: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement update_output")

    def update_grad_input(self, input: Any, target: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement update_grad_input")

    def clear_state(self) -> Criterion:
        super().clear_state()
        for module in self.list_modules():
            if isinstance(module, Criterion):
                module.output = 0.0
        return self

    def _reduce(self, total: float, count: int) -> float:
        """``total / count`` when ``size_average`` is set, else ``total`` (as a Python float)."""
        average = getattr(self, "size_average", False)
        return float(total / count) if average and count else float(total)


register(Criterion, Criterion.forward, Criterion.backward)
