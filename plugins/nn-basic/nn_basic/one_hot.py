"""OneHot: class indices to one-hot vectors."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_indices


class OneHot(Module):
    """``y[..., c] = 1`` where ``c = x[...]``, 0 elsewhere (torch/nn ``OneHot``), 0-based.

    ``x`` holds class indices in ``0..output_size-1`` (an integer array, whole floats or a
    single integer); ``y`` has shape ``x.shape + (output_size,)`` and the module's dtype.
    Gradient: zero (indices are not differentiable).

    >>> import numpy as np
    >>> OneHot(5).forward(np.array([2, 1, 0]))
    array([[0., 0., 1., 0., 0.],
           [0., 1., 0., 0., 0.],
           [1., 0., 0., 0., 0.]])
    """

    accepts = "index"

    def __init__(self, output_size: int) -> None:
        super().__init__()
        self.output_size = output_size

    def update_output(self, input: np.ndarray) -> np.ndarray:
        indices = expect_indices(input, 0, self.output_size, "class index")
        return (indices[..., np.newaxis] == np.arange(self.output_size)).astype(self.dtype)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(input), dtype=self.dtype)

    def extra_repr(self) -> str:
        return str(self.output_size)


def examples() -> list[Case]:
    """The conformance kit's cases for OneHot."""
    return [
        Case(OneHot(5), input=np.array([3, 0, 4, 4]), batched=True),
        Case(OneHot(3), input=np.array([[0, 2], [1, 1]]), batched=True),
    ]
