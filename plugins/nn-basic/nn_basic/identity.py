"""Identity: passes its input (an array or a table) through unchanged."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Module


class Identity(Module):
    """``y = x`` and ``dx = dy`` for arrays and (nested) tables alike (torch/nn ``Identity``).

    >>> import numpy as np
    >>> x = [np.zeros(2), [np.ones(1)]]
    >>> Identity().forward(x) is x
    True
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def update_output(self, input: Any) -> Any:
        return input

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        return grad_output


def examples() -> list[Case]:
    """The conformance kit's cases for Identity."""
    return [Case(Identity(), input_shape=(3, 4), batched=True, bad_inputs=[])]
