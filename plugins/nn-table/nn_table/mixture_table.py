"""MixtureTable: a mixture of experts weighted by a gater."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import (
    Case,
    Module,
    ShapeError,
    dimension,
    expect_float,
    expect_ndim,
    expect_size,
)

from ._cases import normal
from ._tables import expect_arrays, expect_shape, expect_table, is_table


class MixtureTable(Module):
    """``y = sum_i g[..., i] * e_i`` for the input ``[g, experts]`` (torch/nn ``MixtureTable``).

    ``g`` is the gater, ``(n,)`` for one example or ``(batch, n)``.  ``experts`` is a table of
    ``n`` arrays of one shape (with the batch first), or one array holding the ``n`` experts
    along dimension ``dim`` (0-based; by default 0 for one example and 1 for a batch).
    Gradients: ``dg[..., i] = sum(dy * e_i)`` over each example, ``de_i = g[..., i] * dy``.

    >>> import numpy as np
    >>> MixtureTable().forward([np.array([0.25, 0.75]), [np.ones(3), np.zeros(3)]])
    array([0.25, 0.25, 0.25])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def _unpack(self, input: Any) -> tuple[np.ndarray, Any, tuple[int, ...], int]:
        """The gater, the experts, the gater's broadcast shape and the expert axis."""
        gater, experts = expect_table(input, length=2)
        expect_ndim(expect_float(gater, "input[0] (the gater)"), (1, 2), "input[0] (the gater)")
        count = gater.shape[-1]
        if is_table(experts):
            arrays = expect_arrays(experts, "input[1] (the experts)", length=count)
            if gater.ndim == 2:
                expect_size(arrays[0], 0, gater.shape[0], "input[1][0]")
            # stacking the experts on a new last axis lets one formula serve both layouts
            return (
                gater,
                arrays,
                gater.shape[:-1] + (1,) * (arrays[0].ndim - gater.ndim + 1) + (count,),
                -1,
            )
        expect_float(experts, "input[1] (the experts)")
        default = 0 if gater.ndim == 1 else 1
        axis = dimension(default if self.dim is None else self.dim, experts.ndim)
        expect_size(experts, axis, count, "input[1] (the experts)")
        shape = [1] * experts.ndim
        shape[axis] = count
        if gater.ndim == 2:
            if axis == 0:
                raise ShapeError(
                    "expected the experts' dimension to differ from the batch "
                    f"dimension 0 for a batch gater of shape {gater.shape}, got 0"
                )
            expect_size(experts, 0, gater.shape[0], "input[1] (the experts)")
            shape[0] = gater.shape[0]
        return gater, experts, tuple(shape), axis

    def update_output(self, input: Any) -> np.ndarray:
        gater, experts, shape, axis = self._unpack(input)
        stacked = np.stack(experts, axis=-1) if is_table(experts) else experts
        return np.sum(gater.reshape(shape) * stacked, axis=axis)

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[Any]:
        gater, experts, shape, axis = self._unpack(input)
        stacked = np.stack(experts, axis=-1) if is_table(experts) else experts
        expect_shape(grad_output, tuple(np.delete(stacked.shape, axis)))
        spread = np.expand_dims(grad_output, axis)
        weighted = spread * stacked
        kept = {axis % stacked.ndim} | ({0} if gater.ndim == 2 else set())
        grad_gater = weighted.sum(axis=tuple(d for d in range(stacked.ndim) if d not in kept))
        grad_experts = gater.reshape(shape) * spread
        if is_table(experts):
            return [grad_gater, list(np.moveaxis(grad_experts, -1, 0))]
        return [grad_gater.reshape(gater.shape), grad_experts]

    def extra_repr(self) -> str:
        return "" if self.dim is None else str(self.dim)


def examples() -> list[Case]:
    """The conformance kit's cases for MixtureTable."""
    return [
        Case(
            MixtureTable(),
            input=normal((4, 3), [(4, 2), (4, 2), (4, 2)]),
            batched=True,
            bad_inputs=["not an array", [np.ones(3), [np.ones(2)] * 2]],
        ),
        Case(MixtureTable(), input=normal((4, 3), (4, 3, 2)), batched=True),
        Case(MixtureTable(2), input=normal((4, 3), (4, 2, 3))),
    ]
