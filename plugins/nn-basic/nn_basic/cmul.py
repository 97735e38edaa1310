"""CMul: elementwise multiplication by a learnable array."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_same_shape

from ._pointwise import expand_to, reduce_to, shape_from_args, sized_config
from ._rows import reset_uniform


class CMul(Module):
    """``y = x * weight`` elementwise, ``weight`` broadcast as torch/nn ``CMul`` does.

    The size is given as torch/nn takes it: varargs (``CMul(1, 5)``) or one size (``CMul(5)``,
    ``CMul((1, 5))``).  The input has ``weight``'s number of elements, or its number of
    dimensions with sizes that ``weight`` broadcasts to (dimensions of size 1), or is a batch of
    such examples.
    ``dx = dy * weight``; ``dweight += scale * sum(x * dy)`` over the broadcast dimensions.
    ``reset(stdv)`` draws from ``U(-a, a)`` with ``a = stdv * sqrt(3)``, by default
    ``a = 1 / sqrt(weight.size)``.

    >>> import numpy as np
    >>> m = CMul(3)
    >>> m.weight[...] = [1.0, 2.0, 3.0]
    >>> m.forward(np.ones((2, 3)))
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """

    parameter_names = ("weight",)

    def __init__(self, *size: int | tuple[int, ...]) -> None:
        super().__init__()
        self.weight = np.empty(shape_from_args(type(self).__name__, size))
        self.grad_weight = np.zeros_like(self.weight)
        self.reset()

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        return super().from_config(sized_config(config))

    def reset(self, stdv: float | None = None) -> CMul:
        reset_uniform(stdv, 1.0 / math.sqrt(self.weight.size), self.weight)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return expect_float(input) * expand_to(self.weight, input)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        return grad_output * expand_to(self.weight, input)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        expanded = expand_to(self.weight, input)
        self.grad_weight += reduce_to(input * grad_output, expanded, self.weight.shape, scale)

    def extra_repr(self) -> str:
        return "x".join(str(s) for s in self.weight.shape)


def examples() -> list[Case]:
    """The conformance kit's cases for CMul."""
    return [
        Case(CMul(4), input_shape=(3, 4), batched=True),
        Case(CMul((1, 4)), input_shape=(3, 4)),
        Case(CMul((2, 3)), input_shape=(2, 2, 3), batched=True),
    ]
