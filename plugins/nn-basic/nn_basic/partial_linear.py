"""PartialLinear: a Linear layer restricted to a chosen subset of its output units."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import POSITIVE, Case, Module, expect_indices, generator, matmul

from ._rows import as_rows, grad_rows


class PartialLinear(Module):
    """``y = x @ weight[partition].T + bias[0, partition]`` (torch/nn ``PartialLinear``).

    ``weight`` is ``(output_size, input_size)`` and ``bias`` ``(1, output_size)``.  The
    partition (distinct 0-based output indices, in output order) is every unit until
    :meth:`set_partition` chooses some; :meth:`reset_partition` restores all.  It is kept in the
    fixed-shape buffer ``partition_position`` (each unit's output column, -1 when left out) so
    that it is saved with the module.  Only the partition's rows get gradients.
    ``reset(stdv)`` draws ``weight`` from ``N(0, stdv**2)`` (``stdv = 1`` by default, as
    torch/nn's ``LookupTable``) and zeroes ``bias``.

    >>> import numpy as np
    >>> m = PartialLinear(3, 4)
    >>> m.set_partition(np.array([0, 2]))
    >>> m.forward(np.ones((5, 3))).shape
    (5, 2)
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"input_size": POSITIVE, "output_size": POSITIVE}
    buffer_names = ("partition_position",)

    def __init__(self, input_size: int, output_size: int, bias: bool = True) -> None:
        super().__init__()
        self.weight = np.empty((output_size, input_size))
        self.grad_weight = np.zeros_like(self.weight)
        self.bias = np.zeros((1, output_size)) if bias else None
        self.grad_bias = np.zeros((1, output_size)) if bias else None
        self.reset_partition()
        self.reset()

    def reset(self, stdv: float | None = None) -> PartialLinear:
        self.weight[...] = generator().normal(0.0, 1.0 if stdv is None else stdv, self.weight.shape)
        if self.bias is not None:
            self.bias[...] = 0
        return self

    @property
    def partition(self) -> np.ndarray:
        """The output units in use, in output order."""
        chosen = np.flatnonzero(self.partition_position >= 0)
        return chosen[np.argsort(self.partition_position[chosen])]

    def set_partition(self, indices: Any) -> None:
        """Restrict the layer to the distinct output units ``indices`` (0-based)."""
        chosen = expect_indices(indices, 0, self.weight.shape[0], "partition index").ravel()
        if len(np.unique(chosen)) != len(chosen):
            raise ValueError(f"expected distinct partition indices, got {chosen.tolist()}")
        self.partition_position = np.full(self.weight.shape[0], -1, dtype=np.int64)
        self.partition_position[chosen] = np.arange(len(chosen))

    def reset_partition(self) -> None:
        """Use every output unit again."""
        self.partition_position = np.arange(self.weight.shape[0], dtype=np.int64)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, partition = as_rows(input, self.weight.shape[1]), self.partition
        output = matmul(x, self.weight[partition].T)
        if self.bias is not None:
            output += self.bias[0, partition]
        return output.reshape(input.shape[:-1] + partition.shape)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        partition = self.partition
        dy = grad_rows(grad_output, input.shape[:-1] + partition.shape)
        return matmul(dy, self.weight[partition]).reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, partition = as_rows(input, self.weight.shape[1]), self.partition
        dy = grad_rows(grad_output, input.shape[:-1] + partition.shape)
        self.grad_weight[partition] += scale * matmul(dy.T, x)
        if self.grad_bias is not None:  # with a bias
            self.grad_bias[0, partition] += scale * dy.sum(axis=0)

    def extra_repr(self) -> str:
        size = f"{self.weight.shape[1]} -> {self.weight.shape[0]}"
        return size if self.bias is not None else size + ", without bias"


def _partial_linear() -> PartialLinear:
    module = PartialLinear(4, 5)
    module.set_partition(np.array([3, 0, 2]))
    return module


def examples() -> list[Case]:
    """The conformance kit's cases for PartialLinear."""
    return [
        Case(_partial_linear(), input_shape=(3, 4), batched=True),
        Case(PartialLinear(3, 2), input_shape=(2, 3), batched=True),
    ]
