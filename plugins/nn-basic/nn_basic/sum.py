"""Sum: adds the input up over one dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module

from ._reduce import drop_reduced, reduced_dimension, spread_reduced


class Sum(Module):
    """``y = x.sum(dim)``, or the mean with ``size_average`` (torch/nn ``Sum``).

    ``dimension`` is 0-based (negative counts from the end).  With ``n_input_dims``, an input
    with one dimension more is a batch and a non-negative ``dimension`` moves one to the right.
    The reduced axis is dropped when ``squeeze`` (a vector still gives a 1-element vector), kept
    as size 1 otherwise.  Gradient: ``dx = dy`` broadcast along ``dim`` (divided by its size
    with ``size_average``).

    >>> import numpy as np
    >>> Sum(0).forward(np.arange(1.0, 6.0))
    array([15.])
    >>> Sum(1, squeeze=False).forward(np.ones((2, 3)))
    array([[3.],
           [3.]])
    """

    def __init__(
        self,
        dimension: int = 0,
        n_input_dims: int | None = None,
        size_average: bool = False,
        squeeze: bool = True,
    ) -> None:
        super().__init__()
        self.dimension = dimension
        self.n_input_dims = n_input_dims
        self.size_average = size_average
        self.squeeze = squeeze

    def update_output(self, input: np.ndarray) -> np.ndarray:
        dim = reduced_dimension(input, self.dimension, self.n_input_dims)
        output = input.sum(axis=dim, keepdims=True)
        if self.size_average:
            output = output / input.shape[dim]
        return drop_reduced(output, dim) if self.squeeze else output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        dim = reduced_dimension(input, self.dimension, self.n_input_dims)
        grad = spread_reduced(grad_output, input, dim)
        if self.size_average:
            grad = grad / input.shape[dim]
        return np.broadcast_to(grad, input.shape).copy()

    def extra_repr(self) -> str:
        return f"dim {self.dimension}"


def examples() -> list[Case]:
    """The conformance kit's cases for Sum."""
    return [
        Case(Sum(0), input_shape=(5,)),
        Case(Sum(1, 2), input_shape=(3, 4, 2), batched=True),
        Case(Sum(-1, squeeze=False), input_shape=(3, 4)),
        Case(Sum(0, 2, size_average=True), input_shape=(2, 3, 4), batched=True),
    ]
