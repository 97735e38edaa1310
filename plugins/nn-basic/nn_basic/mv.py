"""MV: matrix-vector product of the table [matrix, vector]."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_ndim

from ._cases import normal_pair
from ._rows import matrix_table


class MV(Module):
    """``y = M @ v`` (``M.T @ v`` with ``trans``) for the table ``[M, v]`` (torch/nn ``MV``).
    One matrix ``(n, m)`` and vector, or a batch: ``(batch, n, m)`` and ``(batch, m)``.

    ``dM = outer(dy, v)`` (``outer(v, dy)`` with ``trans``); ``dv = M.T @ dy`` (``M @ dy``).

    >>> import numpy as np
    >>> MV().forward([np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0])])
    array([3., 7.])
    """

    def __init__(self, trans: bool = False) -> None:
        super().__init__()
        self.trans = trans

    def _operands(self, input: Any) -> tuple[np.ndarray, np.ndarray]:
        matrix, vector = matrix_table(input, "[M, v]", fewer_dims=1)
        if self.trans:
            matrix = np.swapaxes(matrix, -1, -2)
        if matrix.shape[-1] != vector.shape[-1]:
            raise ShapeError(
                f"expected a vector of size {matrix.shape[-1]} (trans={self.trans}), "
                f"got shape {vector.shape}"
            )
        return matrix, vector

    def update_output(self, input: Any) -> np.ndarray:
        matrix, vector = self._operands(input)
        return (matrix @ vector[..., None])[..., 0]

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        matrix, vector = self._operands(input)
        expect_ndim(grad_output, vector.ndim, "grad_output")
        grad_matrix = grad_output[..., :, None] * vector[..., None, :]
        grad_vector = (np.swapaxes(matrix, -1, -2) @ grad_output[..., None])[..., 0]
        if self.trans:
            grad_matrix = np.swapaxes(grad_matrix, -1, -2)
        return [grad_matrix, grad_vector]

    def extra_repr(self) -> str:
        return "trans" if self.trans else ""


def examples() -> list[Case]:
    """The conformance kit's cases for MV."""
    return [
        Case(MV(), input=normal_pair((3, 4), (4,))),
        Case(MV(trans=True), input=normal_pair((2, 4, 3), (2, 4)), batched=True),
        Case(MV(), input=normal_pair((2, 3, 4), (2, 4)), batched=True),
    ]
