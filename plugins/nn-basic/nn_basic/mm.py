"""MM: matrix product of the two matrices of a table."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_ndim, matmul

from ._cases import normal_pair
from ._rows import matrix_table


def _t(a: np.ndarray, flag: bool) -> np.ndarray:
    return np.swapaxes(a, -1, -2) if flag else a


class MM(Module):
    """``y = op(a) @ op(b)`` for the table ``[a, b]``, ``op`` transposing when ``trans_a`` /
    ``trans_b`` is set (torch/nn ``MM``).  Two matrices, or two batches ``(batch, n, m)``.

    ``dA = dy @ B.T`` and ``dB = A.T @ dy`` for ``A = op(a)``, ``B = op(b)``, transposed back
    where ``op`` transposed.

    >>> import numpy as np
    >>> MM(trans_b=True).forward([np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]])])
    array([[1., 3.],
           [2., 4.]])
    """

    def __init__(self, trans_a: bool = False, trans_b: bool = False) -> None:
        super().__init__()
        self.trans_a = trans_a
        self.trans_b = trans_b

    def _operands(self, input: Any) -> tuple[np.ndarray, np.ndarray]:
        a, b = matrix_table(input, "[a, b]")
        left, right = _t(a, self.trans_a), _t(b, self.trans_b)
        if left.shape[-1] != right.shape[-2]:
            raise ShapeError(
                f"expected matching inner sizes, got {left.shape} @ {right.shape} "
                f"(after transposes trans_a={self.trans_a}, trans_b={self.trans_b})"
            )
        return left, right

    def update_output(self, input: Any) -> np.ndarray:
        left, right = self._operands(input)
        return matmul(left, right)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[np.ndarray]:
        left, right = self._operands(input)
        expect_ndim(grad_output, left.ndim, "grad_output")
        grad_left = matmul(grad_output, _t(right, True))
        grad_right = matmul(_t(left, True), grad_output)
        return [_t(grad_left, self.trans_a), _t(grad_right, self.trans_b)]

    def extra_repr(self) -> str:
        flags = [name for name, on in (("trans_a", self.trans_a), ("trans_b", self.trans_b)) if on]
        return ", ".join(flags)


def examples() -> list[Case]:
    """The conformance kit's cases for MM."""
    return [
        Case(MM(), input=normal_pair((3, 4), (4, 2))),
        Case(MM(True, True), input=normal_pair((2, 4, 3), (2, 2, 4)), batched=True),
        Case(MM(trans_b=True), input=normal_pair((2, 3, 4), (2, 2, 4)), batched=True),
    ]
