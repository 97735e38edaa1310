"""CAdd: elementwise addition of a learnable array."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape

from ._pointwise import expand_to, reduce_to, shape_from_args, sized_config
from ._rows import reset_uniform


class CAdd(Module):
    """``y = x + bias`` elementwise, ``bias`` broadcast as torch/nn ``CAdd`` does.

    The size is varargs or one size, as for :class:`CMul` (``CAdd(1, 5)``, ``CAdd((1, 5))``,
    ``CAdd(5)``); inputs are matched to ``bias`` as in :class:`CMul`.  ``dx = dy``;
    ``dbias += scale * sum(dy)`` over the broadcast dimensions.  ``reset(stdv)`` draws from
    ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default ``a = 1 / sqrt(bias.size)``.

    >>> import numpy as np
    >>> m = CAdd((1, 2))
    >>> m.bias[...] = [[10.0, 20.0]]
    >>> m.forward(np.zeros((3, 2)))[2]
    array([10., 20.])
    """

    parameter_names = ("bias",)

    def __init__(self, *size: int | tuple[int, ...]) -> None:
        super().__init__()
        self.bias = np.empty(shape_from_args(type(self).__name__, size))
        self.grad_bias = np.zeros_like(self.bias)
        self.reset()

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        return super().from_config(sized_config(config))

    def reset(self, stdv: float | None = None) -> CAdd:
        reset_uniform(stdv, 1.0 / math.sqrt(self.bias.size), self.bias)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return expect_float(input) + expand_to(self.bias, input)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return expect_same_shape(grad_output, input, "grad_output", "input").copy()

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        expanded = expand_to(self.bias, input)
        self.grad_bias += reduce_to(grad_output, expanded, self.bias.shape, scale)

    def extra_repr(self) -> str:
        return "x".join(str(s) for s in self.bias.shape)


def examples() -> list[Case]:
    """The conformance kit's cases for CAdd."""
    return [
        Case(CAdd(4), input_shape=(3, 4), batched=True),
        Case(CAdd((3, 1)), input_shape=(3, 4)),
    ]
