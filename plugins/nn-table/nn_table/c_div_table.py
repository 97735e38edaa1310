"""CDivTable: the elementwise quotient of a pair of arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore import Module

from ._tables import expect_arrays, expect_like


class CDivTable(Module):
    """``y = x[0] / x[1]``; ``dx[0] = dy / x[1]``, ``dx[1] = -dy * x[0] / x[1]**2``
    (torch/nn ``CDivTable``).

    >>> import numpy as np
    >>> CDivTable().forward([np.array([2.2, 1.0]), np.array([4.4, 4.0])])
    array([0.5 , 0.25])
    """

    def update_output(self, input: Any) -> np.ndarray:
        x, y = expect_arrays(input, length=2)
        return x / y

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        x, y = expect_arrays(input, length=2)
        grad_x = expect_like(grad_output, x) / y
        return [grad_x, -grad_x * x / y]
