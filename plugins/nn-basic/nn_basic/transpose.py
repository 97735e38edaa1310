"""Transpose: swaps pairs of dimensions, one pair after the other."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore.plugin import Case, InputTypeError, Module, dimension, expect_array

from ._reduce import batch_offset, expect_shape


class Transpose(Module):
    """``y = x.swapaxes(*pairs[0]).swapaxes(*pairs[1])...`` (torch/nn ``Transpose``).

    Each argument is a pair of 0-based dimensions.  With ``num_input_dims`` (the dimensions of
    one example), leading extra dimensions are a batch and non-negative dimensions are counted
    after them.  Gradient: the swaps undone in reverse order.

    >>> import numpy as np
    >>> Transpose((0, 2)).forward(np.zeros((5, 2, 4, 3))).shape
    (4, 2, 5, 3)
    >>> Transpose((0, 2), num_input_dims=3).forward(np.zeros((5, 2, 4, 3))).shape
    (5, 3, 4, 2)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, *permutations: Sequence[int], num_input_dims: int | None = None) -> None:
        super().__init__()
        if not all(isinstance(p, Sequence) and len(p) == 2 for p in permutations):
            raise InputTypeError(f"expected pairs of dimensions, got {permutations}")
        self.permutations = tuple((int(a), int(b)) for a, b in permutations)
        self.num_input_dims = num_input_dims

    def _pairs(self, ndim: int) -> list[tuple[int, int]]:
        offset = batch_offset(ndim, self.num_input_dims)

        def actual(d: int) -> int:
            return dimension(d + offset if d >= 0 else d, ndim)

        return [(actual(a), actual(b)) for a, b in self.permutations]

    def update_output(self, input: np.ndarray) -> np.ndarray:
        output = expect_array(input)
        for a, b in self._pairs(input.ndim):
            output = np.swapaxes(output, a, b)
        return output.copy()

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        pairs = self._pairs(input.ndim)
        shape = list(input.shape)
        for a, b in pairs:
            shape[a], shape[b] = shape[b], shape[a]
        grad = expect_shape(grad_output, tuple(shape))
        for a, b in reversed(pairs):
            grad = np.swapaxes(grad, a, b)
        return grad.copy()

    def extra_repr(self) -> str:
        return ", ".join(f"{a}<->{b}" for a, b in self.permutations)


def examples() -> list[Case]:
    """The conformance kit's cases for Transpose."""
    return [
        Case(Transpose((0, 1)), input_shape=(2, 3)),
        Case(Transpose((0, 2), (0, 1)), input_shape=(2, 3, 4)),
        Case(Transpose((0, 1), num_input_dims=2), input_shape=(3, 2, 4), batched=True),
    ]
