"""Select: one slice of the input along a dimension, that dimension removed."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, IndexOutOfRangeError, Module, dimension, expect_array

from ._reduce import placed


class Select(Module):
    """``y = x.take(index, axis=dim)`` (torch/nn ``Select``), 0-based.

    Negative ``dimension`` and ``index`` count from the end.  Gradient: ``dy`` at ``index``
    along ``dim``, zero elsewhere.

    >>> import numpy as np
    >>> x = np.arange(6.0).reshape(2, 3)
    >>> Select(0, 1).forward(x), Select(1, -1).forward(x)
    (array([3., 4., 5.]), array([2., 5.]))
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, dimension: int, index: int) -> None:
        super().__init__()
        self.dimension = dimension
        self.index = index

    def _where(self, input: np.ndarray) -> tuple:
        dim = dimension(self.dimension, input.ndim)
        size = input.shape[dim]
        if not -size <= self.index < size:
            raise IndexOutOfRangeError(
                f"expected an index in [{-size}, {size}) for dimension {dim}, got {self.index}"
            )
        return (slice(None),) * dim + (self.index,)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return input[self._where(expect_array(input))].copy()

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return placed(grad_output, input, self._where(input))

    def extra_repr(self) -> str:
        return f"dim {self.dimension}, index {self.index}"


def examples() -> list[Case]:
    """The conformance kit's cases for Select."""
    return [
        Case(Select(0, 2), input_shape=(4, 3)),
        Case(Select(-1, -2), input_shape=(3, 2, 4), batched=True),
    ]
