"""LookupTable: rows of a weight matrix selected by integer ids (torch/nn)."""

from __future__ import annotations

import numpy as np

from nncore import Module
from nncore.checks import expect_array, expect_indices, expect_ndim
from nncore.random import generator

from . import _backend
from ._ops import expect_grad


class LookupTable(Module):
    """Embedding lookup (torch/nn ``LookupTable``) with **0-based** ids.

    Input: integer ids of shape ``(n,)`` or ``(B, n)``; ``out[..., :] = weight[id]``, so the output
    has shape ``input.shape + (n_output,)``.  The backward pass adds each output gradient row to
    ``grad_weight[id]`` (``scale_grad_by_freq`` divides it by the id's count in the input; the
    row ``padding_value``, if given, gets no gradient).  With ``max_norm``, every looked-up row
    whose ``norm_type``-norm exceeds it is rescaled in place to that norm before the lookup.
    An id outside ``[0, n_index)`` raises ``IndexOutOfRangeError`` (an ``IndexError``).

    >>> table = LookupTable(5, 3)
    >>> table.forward(np.array([[0, 4], [4, 1]])).shape
    (2, 2, 3)
    """

    parameter_names = ("weight",)

    def __init__(
        self,
        n_index: int,
        n_output: int,
        padding_value: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
    ) -> None:
        super().__init__()
        self.n_index, self.n_output = n_index, n_output
        self.padding_value, self.max_norm, self.norm_type = padding_value, max_norm, norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.weight = np.empty((n_index, n_output))
        self.grad_weight = np.zeros_like(self.weight)
        self.reset()

    def reset(self, stdv: float | None = None) -> LookupTable:
        self.weight[...] = generator().normal(0.0, 1.0 if stdv is None else stdv, self.weight.shape)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        ids = self._ids(input)
        if self.max_norm is not None:
            _backend.embedding_renorm(ids, self.weight, self.max_norm, self.norm_type)
        out = np.empty((ids.size, self.n_output), self.weight.dtype)
        _backend.embedding_forward(ids, self.weight, out)
        return out.reshape(*np.shape(input), self.n_output)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self._ids(input)
        return np.zeros(np.shape(input), self.weight.dtype)  # ids are not differentiable

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        ids = self._ids(input)
        grad = expect_grad(grad_output, (*np.shape(input), self.n_output), self.weight.dtype)
        padding = -1 if self.padding_value is None else self.padding_value
        _backend.embedding_backward(
            ids,
            grad.reshape(-1, self.n_output),
            self.grad_weight,
            scale,
            padding,
            self.scale_grad_by_freq,
        )

    def _ids(self, input: np.ndarray) -> np.ndarray:
        """Validated ids, flat, contiguous int64 (every id checked before any kernel runs)."""
        expect_ndim(expect_array(input), (1, 2))
        ids = expect_indices(input, 0, self.n_index, "index")
        return np.ascontiguousarray(ids.reshape(-1), dtype=np.int64)

    def extra_repr(self) -> str:
        text = f"{self.n_index} -> {self.n_output}"
        if self.padding_value is not None:
            text += f", padding {self.padding_value}"
        return text + (f", max_norm {self.max_norm}" if self.max_norm is not None else "")
