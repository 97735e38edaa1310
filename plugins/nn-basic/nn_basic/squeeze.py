"""Squeeze: removes dimensions of size 1."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, dimension, expect_array

from ._reduce import reshaped_back


class Squeeze(Module):
    """``y = x.squeeze()`` or ``x.squeeze(dim)`` (torch/nn ``Squeeze``).

    As Torch, a size-1 ``dim`` is removed only if it is not the last dimension left, a ``dim``
    of another size is left alone, and squeezing everything leaves a 1-element vector rather
    than a scalar.  With ``num_input_dims``, an input with one dimension more is a batch: a
    non-negative ``dim`` moves one to the right and a batch of one is kept.  Gradient:
    ``dx = dy.reshape(x.shape)``.

    >>> import numpy as np
    >>> x = np.zeros((2, 1, 3, 1))
    >>> Squeeze().forward(x).shape, Squeeze(1).forward(x).shape, Squeeze(0).forward(x).shape
    ((2, 3), (2, 3, 1), (2, 1, 3, 1))
    >>> Squeeze(num_input_dims=2).forward(np.zeros((1, 1, 4))).shape
    (1, 4)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, dim: int | None = None, num_input_dims: int | None = None) -> None:
        super().__init__()
        self.dim = dim
        self.num_input_dims = num_input_dims

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        batched = self.num_input_dims is not None and input.ndim == self.num_input_dims + 1
        if self.dim is not None:
            axis = dimension(self.dim + int(batched and self.dim >= 0), input.ndim)
            return np.squeeze(input, axis) if input.shape[axis] == 1 and input.ndim > 1 else input
        output = np.squeeze(input) if input.ndim else input
        output = output.reshape(1) if output.ndim == 0 else output
        return output[np.newaxis] if batched and input.shape[0] == 1 else output

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return reshaped_back(grad_output, input)

    def extra_repr(self) -> str:
        return "" if self.dim is None else f"dim {self.dim}"


def examples() -> list[Case]:
    """The conformance kit's cases for Squeeze."""
    return [
        Case(Squeeze(), input_shape=(3, 1, 4, 1)),
        Case(Squeeze(1), input_shape=(3, 1, 1)),
        Case(Squeeze(0, 2), input_shape=(3, 1, 4), batched=True),
        Case(Squeeze(num_input_dims=2), input_shape=(3, 1, 4), batched=True),
    ]
