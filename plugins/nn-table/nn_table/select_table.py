"""SelectTable: one element (or a slice) of the input table."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Module

from ._cases import normal, three
from ._tables import expect_like, expect_table, position, scatter


class SelectTable(Module):
    """``y = x[index]``; ``dx`` is zero except ``dx[index] = dy`` (torch/nn ``SelectTable``).

    ``index`` is 0-based, negative counts from the end, and a ``slice`` (or its ``(start, stop,
    step)`` tuple) selects a sub-table: ``SelectTable(slice(1, None))`` drops the first element.
    The selected element may be an array or a table; the gradient of every other element is
    zeros of its nesting and shapes.

    >>> import numpy as np
    >>> x = [np.ones(2), [np.zeros(3)]]
    >>> SelectTable(-1).forward(x)
    [array([0., 0., 0.])]
    >>> first = SelectTable(0)
    >>> first.forward(x)
    array([1., 1.])
    >>> first.backward(x, np.array([5.0, 6.0]))
    [array([5., 6.]), [array([0., 0., 0.])]]
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, index: int | slice | tuple[int | None, ...]) -> None:
        super().__init__()
        self.index = slice(*index) if isinstance(index, tuple) else index

    def config(self) -> dict[str, Any]:
        """A slice is given as its ``(start, stop, step)`` tuple, which the constructor accepts."""
        if isinstance(self.index, slice):
            return {"index": (self.index.start, self.index.stop, self.index.step)}
        return super().config()

    def _picked(self, input: Any) -> list[int]:
        index = self.index
        if type(index) is int and type(input) is list and -len(input) <= index < len(input):
            return [index % len(input)]  # the per-call case, tested inline
        items = expect_table(input)
        if isinstance(index, slice):
            return list(range(len(items)))[index]
        return [position(index, len(items))]

    def update_output(self, input: Any) -> Any:
        picked = self._picked(input)
        return [input[i] for i in picked] if isinstance(self.index, slice) else input[picked[0]]

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        picked = self._picked(input)
        if isinstance(self.index, slice):
            grads = expect_like(grad_output, [input[i] for i in picked])
        else:
            grads = [expect_like(grad_output, input[picked[0]])]
        return scatter(input, picked, grads)

    def extra_repr(self) -> str:
        if isinstance(self.index, slice):
            parts = (self.index.start, self.index.stop) + (
                () if self.index.step is None else (self.index.step,)
            )
            return ":".join("" if v is None else str(v) for v in parts)
        return str(self.index)


def examples() -> list[Case]:
    """The conformance kit's cases for SelectTable."""
    return [
        Case(SelectTable(1), input=three, batched=True, bad_inputs=["not an array", []]),
        Case(SelectTable(-1), input=normal((3,), [(2,), [(4,)]])),
        Case(SelectTable(slice(1, None)), input=three, batched=True),
    ]
