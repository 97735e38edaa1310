"""Index: the slices of the input at given positions along one dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, dimension, expect_float, expect_indices, expect_ndim

from ._reduce import expect_pair, expect_shape


class Index(Module):
    """``y = x.take(indices, axis=dim)`` for the table input ``[x, indices]`` (torch/nn ``Index``).

    ``indices`` is a vector of 0-based positions along ``dimension`` (repeats allowed).
    Gradient: ``[dx, 0]`` where ``dx`` adds each slice of ``dy`` at its position; the indices
    get a zero gradient.

    >>> import numpy as np
    >>> x = np.arange(6.0).reshape(3, 2)
    >>> Index(0).forward([x, np.array([2, 0, 2])])
    array([[4., 5.],
           [0., 1.],
           [4., 5.]])
    """

    accepts = ("any", "index")  # [values, indices]

    def __init__(self, dimension: int) -> None:
        super().__init__()
        self.dimension = dimension

    def _unpack(self, input: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
        x, indices = expect_pair(input, "[input, indices]")
        dim = dimension(self.dimension, expect_float(x).ndim)
        indices = expect_indices(expect_ndim(indices, 1, "indices"), 0, x.shape[dim], "indices")
        return x, indices, dim

    def update_output(self, input: list[np.ndarray]) -> np.ndarray:
        x, indices, dim = self._unpack(input)
        return np.take(x, indices, axis=dim)

    def update_grad_input(
        self, input: list[np.ndarray], grad_output: np.ndarray
    ) -> list[np.ndarray]:
        x, indices, dim = self._unpack(input)
        shape = x.shape[:dim] + indices.shape + x.shape[dim + 1 :]
        grad = expect_shape(grad_output, shape)
        grad_x = np.zeros(x.shape, dtype=grad.dtype)
        # repeated indices must add up, which fancy-index assignment would not do
        np.add.at(np.moveaxis(grad_x, dim, 0), indices, np.moveaxis(grad, dim, 0))
        return [grad_x, np.zeros(np.shape(input[1]), dtype=grad.dtype)]

    def extra_repr(self) -> str:
        return f"dim {self.dimension}"


def _indexed(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((4, 3)), np.array([2, 0, 2, 3, 2])]


def examples() -> list[Case]:
    """The conformance kit's cases for Index."""
    return [
        Case(Index(0), input=_indexed),
        Case(Index(-1), input=lambda rng: [rng.standard_normal((2, 3)), np.array([1, 1])]),
    ]
