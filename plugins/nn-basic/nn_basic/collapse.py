"""Collapse: flattens every non-batch dimension into one."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_array

from ._reduce import reshaped, reshaped_back


class Collapse(Module):
    """``y = x.reshape(-1)``, or ``x.reshape(batch, -1)`` when ``x`` has more than
    ``n_input_dims`` dimensions (torch/nn ``Collapse``, i.e. ``View(-1)`` with
    ``num_input_dims``).  Gradient: ``dx = dy.reshape(x.shape)``.

    >>> import numpy as np
    >>> m = Collapse(3)
    >>> m.forward(np.zeros((2, 3, 4))).shape, m.forward(np.zeros((5, 2, 3, 4))).shape
    ((24,), (5, 24))
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, n_input_dims: int) -> None:
        super().__init__()
        self.n_input_dims = n_input_dims

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        if input.ndim > self.n_input_dims:
            return reshaped(input, (input.shape[0], -1))
        return reshaped(input, (-1,))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return reshaped_back(grad_output, input)

    def extra_repr(self) -> str:
        return str(self.n_input_dims)


def examples() -> list[Case]:
    """The conformance kit's cases for Collapse."""
    return [
        Case(Collapse(3), input_shape=(2, 3, 4)),
        Case(Collapse(2), input_shape=(3, 2, 4), batched=True),
    ]
