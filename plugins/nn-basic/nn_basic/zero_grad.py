"""ZeroGrad: identity forward, zero gradient backward."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, InputTypeError, Module, describe

from ._cases import normal_pair


def _zeros_like(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_zeros_like(item) for item in value]
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    raise InputTypeError(f"expected an array or a table of arrays, got {describe(value)}")


class ZeroGrad(Module):
    """``y = x`` (an array or a table); ``dx = 0`` with ``x``'s structure, so nothing flows
    back along this path (torch/nn ``ZeroGrad``).

    >>> import numpy as np
    >>> stop = ZeroGrad()
    >>> stop.forward(np.ones(2))
    array([1., 1.])
    >>> stop.backward(np.ones(2), np.ones(2))
    array([0., 0.])
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def update_output(self, input: Any) -> Any:
        _zeros_like(input)
        return input

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        return _zeros_like(input)


ZEROED = {"check_input_jacobian": "backward returns zeros on purpose, forward is y = x"}


def examples() -> list[Case]:
    """The conformance kit's cases for ZeroGrad."""
    return [
        Case(ZeroGrad(), input_shape=(3, 4), batched=True, skip=ZEROED),
        Case(ZeroGrad(), input=normal_pair((2,), (2, 2)), skip=ZEROED),
    ]
