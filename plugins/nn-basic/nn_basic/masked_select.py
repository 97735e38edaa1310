"""MaskedSelect: the elements of the input where a mask is set, as a vector."""

from __future__ import annotations

import numpy as np

from nncore.plugin import (
    Case,
    InputTypeError,
    Module,
    expect_array,
    expect_float,
    expect_same_shape,
)

from ._reduce import expect_pair, expect_shape


class MaskedSelect(Module):
    """``y = x[mask]`` for the table input ``[x, mask]`` (torch/nn ``MaskedSelect``).

    ``mask`` is a boolean (or 0/1 integer) array of ``x``'s shape; ``y`` is the vector of the
    selected elements in row-major order.  Gradient: ``[dx, 0]`` with ``dx[mask] = dy`` and
    zero elsewhere; the mask gets a zero gradient.

    >>> import numpy as np
    >>> x, mask = np.array([[10.0, 20.0], [30.0, 40.0]]), np.array([[1, 0], [0, 1]])
    >>> m = MaskedSelect()
    >>> m.forward([x, mask])
    array([10., 40.])
    >>> m.backward([x, mask], m.output)[0]
    array([[10.,  0.],
           [ 0., 40.]])
    """

    accepts = ("any", "index")  # [values, mask]

    def _unpack(self, input: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        x, mask = expect_pair(input, "[input, mask]")
        expect_float(x)
        expect_same_shape(expect_array(mask, "mask"), x, "mask", "input")
        binary = mask.dtype.kind in "iu" and np.all((mask == 0) | (mask == 1))
        if mask.dtype != bool and not binary:
            raise InputTypeError(f"expected a boolean or 0/1 mask, got dtype {mask.dtype}")
        return x, mask.astype(bool)

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        x, mask = self._unpack(input)
        return x[mask]

    def update_grad_input(
        self, input: list[np.ndarray], grad_output: np.ndarray
    ) -> list[np.ndarray]:
        x, mask = self._unpack(input)
        grad = expect_shape(grad_output, (int(mask.sum()),))
        grad_x = np.zeros(x.shape, dtype=grad.dtype)
        grad_x[mask] = grad
        return [grad_x, np.zeros_like(input[1])]


def _masked(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), rng.random((3, 4)) < 0.5]


def examples() -> list[Case]:
    """The conformance kit's cases for MaskedSelect."""
    return [Case(MaskedSelect(), input=_masked)]
