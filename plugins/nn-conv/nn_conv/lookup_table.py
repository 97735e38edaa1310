"""LookupTable: rows of a weight matrix selected by integer ids (torch/nn)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from nncore.plugin import (
    POSITIVE,
    Case,
    Module,
    StateError,
    expect_array,
    expect_indices,
    expect_ndim,
    generator,
    update_rate,
)

from . import _backend
from ._batches import expect_grad


class LookupTable(Module):
    """Embedding lookup (torch/nn ``LookupTable``) with **0-based** ids.

    Input: integer ids of shape ``(n,)`` or ``(B, n)``; ``out[..., :] = weight[id]``, so the output
    has shape ``input.shape + (n_output,)``.  The backward pass adds each output gradient row to
    ``grad_weight[id]`` (``scale_grad_by_freq`` divides it by the id's count in the input; the
    row ``padding_value``, if given, gets no gradient).  With ``max_norm``, every looked-up row
    whose ``norm_type``-norm exceeds it is rescaled in place to that norm before the lookup.
    An id outside ``[0, n_index)`` raises ``IndexOutOfRangeError`` (an ``IndexError``).

    ``acc_update_only()`` (or ``acc_update_only=True``) drops ``grad_weight``, so that a huge
    table keeps no gradient buffer: ``acc_update_grad_parameters(input, grad_output, lr)`` then
    subtracts ``lr`` times the gradient from the looked-up rows directly (as it always does),
    also when it comes from a container's ``acc_update_grad_parameters``
    (:func:`nncore.update_rate`); ``acc_grad_parameters`` otherwise raises ``StateError``, and
    the weight is no longer listed by ``parameters()``/``get_parameters()`` (it is still
    converted, saved and loaded).

    >>> table = LookupTable(5, 3)
    >>> table.forward(np.array([[0, 4], [4, 1]])).shape
    (2, 2, 3)
    """

    accepts = "index"

    parameter_names = ("weight",)
    argument_ranges = {"n_index": POSITIVE, "n_output": POSITIVE}

    def __init__(
        self,
        n_index: int,
        n_output: int,
        padding_value: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        acc_update_only: bool = False,
    ) -> None:
        super().__init__()
        self.n_index, self.n_output = n_index, n_output
        self.padding_value, self.max_norm, self.norm_type = padding_value, max_norm, norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.weight = np.empty((n_index, n_output))
        self.grad_weight = None if acc_update_only else np.zeros_like(self.weight)
        self.reset()

    def reset(self, stdv: float | None = None) -> LookupTable:
        self.weight[...] = generator().normal(0.0, 1.0 if stdv is None else stdv, self.weight.shape)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        ids = self._ids(input)
        if self.max_norm is not None:
            _backend.in_c_order(
                self.weight,
                lambda weight: _backend.embedding_renorm(
                    ids, weight, self.max_norm, self.norm_type
                ),
            )
        out = np.empty((ids.size, self.n_output), self.weight.dtype)
        _backend.embedding_forward(ids, np.ascontiguousarray(self.weight), out)
        return out.reshape(*np.shape(input), self.n_output)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        self._ids(input)
        return np.zeros(np.shape(input), self.weight.dtype)  # ids are not differentiable

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.grad_weight is not None:
            self._scatter(input, grad_output, self.grad_weight, scale)
            return
        lr = update_rate()  # a container's acc_update_grad_parameters reaches us this way
        if lr is None:
            raise StateError(
                "expected a gradient buffer for acc_grad_parameters, got a table in "
                "acc-update-only mode (grad_weight is None): call "
                "acc_update_grad_parameters(input, grad_output, lr) instead"
            )
        self._scatter(input, grad_output, self.weight, -lr * scale)

    def acc_update_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, lr: float
    ) -> None:
        # the gradient does not depend on the weight, so it can be scattered straight into it
        self._scatter(input, grad_output, self.weight, -lr)

    def acc_update_only(self) -> LookupTable:
        """Drop the gradient buffer; train with ``acc_update_grad_parameters`` (torch/nn
        ``accUpdateOnly``).  Returns self."""
        self.grad_weight = None
        return self

    def own_parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        """The weight with its gradient, or nothing in acc-update-only mode."""
        if self.grad_weight is not None:
            yield from super().own_parameters()

    def config(self) -> dict[str, Any]:
        """The constructor arguments, with the current acc-update-only mode."""
        return {**super().config(), "acc_update_only": self.grad_weight is None}

    def _scatter(
        self, input: np.ndarray, grad_output: np.ndarray, target: np.ndarray, scale: float
    ) -> None:
        """``target[id] += scale * grad_output[i]`` for every looked-up ``id`` (padding and
        frequency rules applied), after checking both arguments."""
        ids = self._ids(input)
        grad = expect_grad(grad_output, (*np.shape(input), self.n_output), self.weight.dtype)
        padding = -1 if self.padding_value is None else self.padding_value
        rows = grad.reshape(-1, self.n_output)
        _backend.in_c_order(
            target,
            lambda written: _backend.embedding_backward(
                ids, rows, written, scale, padding, self.scale_grad_by_freq
            ),
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
        text += f", max_norm {self.max_norm}" if self.max_norm is not None else ""
        return text + (", acc-update only" if self.grad_weight is None else "")


def _ids(n_index: int, shape: tuple[int, ...]):
    return lambda rng: rng.integers(0, n_index, shape)


_NOT_A_GRADIENT = {
    "check_parameter_jacobian": "padding rows and frequency scaling change the gradient on purpose",
}


def examples() -> list[Case]:
    """The conformance kit's cases for LookupTable."""
    return [
        Case(LookupTable(6, 3), input=_ids(6, (2, 4)), batched=True),
        Case(
            LookupTable(5, 2, padding_value=1, scale_grad_by_freq=True),
            input=_ids(5, (7,)),
            skip=_NOT_A_GRADIENT,
        ),
    ]
