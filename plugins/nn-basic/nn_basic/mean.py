"""Mean: averages the input over one dimension."""

from __future__ import annotations

from nncore.plugin import Case

from .sum import Sum


class Mean(Sum):
    """``y = x.mean(dim)``: torch/nn's ``Mean``, i.e. ``Sum`` with ``size_average=True``.

    ``dimension`` is 0-based; with ``n_input_dims`` an input with one dimension more is a
    batch.  Gradient: ``dx = dy / x.shape[dim]`` broadcast along ``dim``.

    >>> import numpy as np
    >>> Mean(1, 2).forward(np.array([[1.0, 3.0], [2.0, 6.0]]))
    array([2., 4.])
    >>> Mean(1, 2).forward(np.ones((4, 2, 3))).shape  # a batch of four 2x3 inputs
    (4, 2)
    """

    def __init__(self, dimension: int = 0, n_input_dims: int | None = None) -> None:
        super().__init__(dimension, n_input_dims, size_average=True)


def examples() -> list[Case]:
    """The conformance kit's cases for Mean."""
    return [
        Case(Mean(1, 2), input_shape=(3, 2)),
        Case(Mean(0, 2), input_shape=(2, 3, 4), batched=True),
        Case(Mean(-2), input_shape=(2, 3, 4)),
    ]
