"""DontCast: keeps the wrapped module's dtype when the network around it is converted."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Dtype, Module, as_dtype

from .decorator import Decorator
from .linear import Linear
from .sequential import Sequential
from .tanh import Tanh


def cast(value: Any, dtype: np.dtype) -> Any:
    """Floating arrays of a value or (nested) table converted to ``dtype``; the rest as is."""
    if isinstance(value, (list, tuple)):
        return [cast(item, dtype) for item in value]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(dtype, copy=False)
    return value


def floating_dtype(value: Any) -> np.dtype | None:
    """The dtype of the first floating array of a value or (nested) table."""
    if isinstance(value, (list, tuple)):
        return next((d for d in map(floating_dtype, value) if d is not None), None)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.dtype
    return None


class DontCast(Decorator):
    """Wraps a module that ``type()``/``float()``/``double()`` of an enclosing network leave in
    ``module_type`` (torch/nn ``DontCast``; default: the module's dtype when wrapped).

    ``castin``: inputs are converted to ``module_type`` on the way in and grad_input back to the
    input's dtype.  ``castout`` (default: ``castin``): outputs are converted to this decorator's
    dtype (the network's) and grad_output to ``module_type``.

    >>> import numpy as np
    >>> from nncore import nn
    >>> net = nn.Sequential(DontCast(nn.Linear(3, 2), castin=True)).float()
    >>> net.modules[0].module.weight.dtype, net.forward(np.zeros(3, np.float32)).dtype
    (dtype('float64'), dtype('float32'))
    """

    #: the core's ``type()`` converts this module but not its descendants
    casts_children = False

    def __init__(
        self,
        module: Module,
        castin: bool = False,
        castout: bool | None = None,
        module_type: Dtype | None = None,
    ) -> None:
        super().__init__(module)
        self.castin = castin
        self.castout = castin if castout is None else castout
        self.module_type = module.dtype if module_type is None else as_dtype(module_type)

    def _in(self, value: Any, enabled: bool) -> Any:
        return cast(value, self.module_type) if enabled else value

    def update_output(self, input: Any) -> Any:
        output = self.module.forward(self._in(input, self.castin))
        return cast(output, self.dtype) if self.castout else output

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        grad_input = self.module.update_grad_input(
            self._in(input, self.castin), self._in(grad_output, self.castout)
        )
        dtype = floating_dtype(input)
        return cast(grad_input, dtype) if self.castin and dtype is not None else grad_input

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        self.module.acc_grad_parameters(
            self._in(input, self.castin), self._in(grad_output, self.castout), scale
        )


def examples() -> list[Case]:
    """The conformance kit's cases for DontCast."""
    return [
        Case(
            DontCast(Linear(4, 3), castin=True),
            input_shape=(5, 4),
            batched=True,
            skip={"check_float32": "the wrapped module stays float64 by design"},
        ),
        Case(
            DontCast(Sequential(Linear(4, 3), Tanh())),
            input_shape=(4,),
            skip={"check_float32": "the wrapped module stays float64 by design"},
        ),
    ]
