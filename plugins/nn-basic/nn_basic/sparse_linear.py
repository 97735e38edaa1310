"""SparseLinear: a Linear layer for sparse inputs given as (index, value) pairs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import (
    POSITIVE,
    Case,
    InputTypeError,
    Module,
    describe,
    expect_float,
    expect_indices,
    expect_ndim,
    expect_size,
)

from ._rows import grad_rows, reset_uniform


class SparseLinear(Module):
    """``y = weight @ x + bias`` for a sparse ``x`` (torch/nn ``SparseLinear``).

    One example is an ``(nnz, 2)`` array of ``[index, value]`` rows (0-based indices below
    ``input_size``; repeated indices add up); a batch is a list of such arrays (or a
    ``(batch, nnz, 2)`` array), giving a ``(batch, output_size)`` output.
    ``dweight[:, index] += scale * value * dy``, ``dbias += scale * sum(dy)``.
    With ``do_grad_input`` the gradient with respect to the input is the dense
    ``dy @ weight`` in the same ``[index, value]`` form, every index listed (an array
    ``(input_size, 2)`` per example); otherwise it is an empty list, as in torch/nn.
    ``reset(stdv)`` draws ``weight`` from ``U(-a, a)``, ``a = stdv * sqrt(3)``, by default
    ``1 / sqrt(input_size)``, and ``bias`` from the same distribution times ``1e-6``.

    >>> import numpy as np
    >>> m = SparseLinear(5, 2)
    >>> m.forward(np.array([[0.0, 1.0], [3.0, 2.0]])).shape
    (2,)
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"input_size": POSITIVE, "output_size": POSITIVE}

    def __init__(self, input_size: int, output_size: int, do_grad_input: bool = False) -> None:
        super().__init__()
        self.do_grad_input = do_grad_input
        self.weight = np.zeros((output_size, input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.zeros(output_size)
        self.grad_bias = np.zeros(output_size)
        self.reset()

    def reset(self, stdv: float | None = None) -> SparseLinear:
        reset_uniform(stdv, 1 / math.sqrt(self.weight.shape[1]), self.weight, self.bias)
        self.bias *= 1e-6
        return self

    def _entries(self, input: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """``(example, index, value)`` of every nonzero, and whether the input is a batch."""
        if isinstance(input, np.ndarray) and input.ndim == 2:
            examples, batched = [input], False
        elif isinstance(input, (list, tuple)) or getattr(input, "ndim", 0) == 3:
            examples, batched = list(input), True
        else:
            raise InputTypeError(
                f"expected an (nnz, 2) array of [index, value] rows or a list of them, "
                f"got {describe(input)}"
            )
        rows, indices, values = [], [], []
        for k, example in enumerate(examples):
            what = f"example {k}" if batched else "input"
            expect_ndim(expect_float(example, what), 2, what)
            expect_size(example, 1, 2, what)
            indices.append(expect_indices(example[:, 0], 0, self.weight.shape[1], "sparse index"))
            values.append(example[:, 1])
            rows.append(np.full(len(example), k))
        if not examples:
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0, self.weight.dtype), True
        return np.concatenate(rows), np.concatenate(indices), np.concatenate(values), batched

    def update_output(self, input: Any) -> np.ndarray:
        rows, indices, values, batched = self._entries(input)
        count = len(input) if batched else 1
        output = np.zeros((count, self.weight.shape[0]), dtype=np.result_type(self.weight, values))
        np.add.at(output, rows, values[:, None] * self.weight.T[indices])
        output += self.bias
        return output if batched else output[0]

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> Any:
        batched = self._entries(input)[3]
        dy = grad_rows(grad_output, ((len(input),) if batched else ()) + self.weight.shape[:1])
        if not self.do_grad_input:
            return []
        dense = dy @ self.weight
        index = np.arange(self.weight.shape[1], dtype=dense.dtype)
        grads = [np.stack([index, row], axis=1) for row in dense]
        if isinstance(input, np.ndarray):
            return np.stack(grads) if batched else grads[0]
        return grads

    def acc_grad_parameters(self, input: Any, grad_output: np.ndarray, scale: float = 1.0) -> None:
        rows, indices, values, batched = self._entries(input)
        dy = grad_rows(grad_output, ((len(input),) if batched else ()) + self.weight.shape[:1])
        np.add.at(self.grad_weight.T, indices, scale * values[:, None] * dy[rows])
        self.grad_bias += scale * dy.sum(axis=0)

    def extra_repr(self) -> str:
        return f"{self.weight.shape[1]} -> {self.weight.shape[0]}"


def _sparse(nnz: int, input_size: int):
    """One sparse example: ``[index, value]`` rows, indices drawn with repeats allowed."""
    return lambda rng: np.column_stack(
        [rng.integers(0, input_size, nnz).astype(float), rng.standard_normal(nnz)]
    )


sparse_skip = {"check_input_jacobian": "the index column of a sparse input has no gradient"}


def examples() -> list[Case]:
    """The conformance kit's cases for SparseLinear."""
    return [
        Case(SparseLinear(6, 3), input=_sparse(4, 6), skip=sparse_skip),
        Case(
            SparseLinear(6, 3, do_grad_input=True),
            input=lambda rng: [_sparse(3, 6)(rng), _sparse(2, 6)(rng)],
            skip=sparse_skip,
        ),
        Case(
            SparseLinear(5, 2),
            input=lambda rng: np.stack([_sparse(3, 5)(rng)] * 2),
            batched=True,
            skip=sparse_skip,
        ),
    ]
