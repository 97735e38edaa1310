"""IndexLinear: a Linear layer over sparse inputs given as keys and values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import (
    ArgumentError,
    Case,
    InputTypeError,
    Module,
    ShapeError,
    describe,
    expect_array,
    expect_float,
    expect_indices,
    expect_ndim,
)

from ._rows import grad_rows, reset_uniform

#: the extra leading columns of ``weight`` per key with ``normalize``: the largest absolute value
#: seen in training, its inverse, torch/nn's update scale and the key's own bias
NORMALIZE_COLUMNS = 4


class IndexLinear(Module):
    """``y[b] = bias + sum_i values[i] * weight[keys[i] + keys_offset]`` over the entries of
    example ``b`` (torch/nn ``IndexLinear``); ``weight`` is ``(input_size, output_size)``.

    An example is a pair ``[keys, values]`` of 1-D arrays (0-based integer keys, real values)
    and gives an ``(output_size,)`` output; a batch is ``[[keys_0, ...], [values_0, ...]]`` or the
    flat ``[keys, values, sizes]`` (the examples' entries one after the other, ``sizes[b]`` of
    them for example ``b``) and gives ``(batch, output_size)``.  Repeated keys add up.
    ``dweight[key] += scale * value * dy[b]``, ``dbias += scale * sum_b dy[b]``.

    With ``normalize``, ``weight`` has 4 more leading columns per key: in training the forward
    pass records the largest ``|value|`` of each key (column 0, its inverse in column 1,
    torch/nn's update scale 1 in column 2), and every value is used as
    ``value / max|value| + weight[key, 3]`` (``sign(value)`` where ``|value|`` exceeds the
    recorded maximum, in evaluation), column 3 being a learnt per-key bias.  The maxima are
    updated from the whole batch before any value is normalized.

    The gradient with respect to the input is ``[]`` (keys and values are data, as torch/nn
    has it), or with ``do_grad_input`` (not with ``normalize``) the dense ``dy @ weight.T`` in
    the input's form: every key with its gradient (``[keys, grads]``, ``[[keys, ...], [grads,
    ...]]`` or ``[keys (batch, input_size), grads]``).  ``weight`` and ``bias`` given to the
    constructor are used as they are (torch/nn shares them).  As in torch/nn, both start at
    zero; ``reset(stdv)`` draws ``weight`` from ``U(-a, a)`` (``a = stdv * sqrt(3)``, by default
    ``1 / sqrt(weight.shape[1])``), ``bias`` from the same times ``1e-6``, and zeroes the
    normalization columns.

    >>> import numpy as np
    >>> m = IndexLinear(5, 2)
    >>> m.weight[3] = [1.0, 2.0]
    >>> m.forward([np.array([3, 3]), np.array([0.5, 1.0])])
    array([1.5, 3. ])
    """

    accepts = ("index", "float", "index")
    parameter_names = ("weight", "bias")

    def __init__(
        self,
        input_size: int,
        output_size: int,
        do_grad_input: bool = False,
        keys_offset: int = 0,
        weight: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        normalize: bool = False,
    ) -> None:
        super().__init__()
        if do_grad_input and normalize:
            raise ArgumentError("nn.IndexLinear: no input gradient in normalize mode (torch/nn)")
        self.normalize = NORMALIZE_COLUMNS if normalize else 0
        self.do_grad_input, self.keys_offset = do_grad_input, keys_offset
        shape = (input_size, output_size + self.normalize)
        if weight is None and min(input_size, output_size) < 1:
            raise ArgumentError(
                f"nn.IndexLinear: expected input_size > 0 and output_size > 0 (or a weight), "
                f"got {input_size} and {output_size}"
            )
        self.weight = np.zeros(shape) if weight is None else np.asarray(weight, np.float64)
        if self.weight.ndim != 2 or self.weight.shape[1] <= self.normalize:
            raise ArgumentError(
                f"nn.IndexLinear: expected a weight of shape {shape}, got {self.weight.shape}"
            )
        out = self.weight.shape[1] - self.normalize
        self.bias = np.zeros(out) if bias is None else np.asarray(bias, np.float64)
        if self.bias.shape != (out,):
            raise ArgumentError(
                f"nn.IndexLinear: expected a bias of shape {(out,)}, got {self.bias.shape}"
            )
        self.grad_weight = np.zeros_like(self.weight)
        self.grad_bias = np.zeros_like(self.bias)

    @property
    def input_size(self) -> int:
        return self.weight.shape[0]

    @property
    def output_size(self) -> int:
        return self.weight.shape[1] - self.normalize

    def config(self) -> dict[str, Any]:
        """The constructor arguments with the sizes of the arrays (a rebuilt module gets its
        own ``weight`` and ``bias``)."""
        sizes = {"input_size": self.input_size, "output_size": self.output_size}
        return {**super().config(), **sizes, "weight": None, "bias": None}

    def reset(self, stdv: float | None = None) -> IndexLinear:
        reset_uniform(stdv, 1 / math.sqrt(self.weight.shape[1]), self.weight, self.bias)
        self.bias *= 1e-6
        self.weight[:, : self.normalize] = 0.0
        return self

    # ------------------------------------------------------------------ input
    def _entries(self, input: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """Each entry's weight row and value, its example, and the input's form (``"one"``,
        ``"tables"`` or ``"flat"``), after checking everything."""
        if not isinstance(input, (list, tuple)) or len(input) not in (2, 3):
            raise InputTypeError(
                f"expected a table [keys, values] or [keys, values, sizes], got {describe(input)}"
            )
        if len(input) == 3:
            keys, values = self._pair(input[0], input[1], "input")
            sizes = np.atleast_1d(expect_indices(input[2], 0, 2**62, "size"))
            if sizes.ndim != 1 or sizes.sum() != keys.size:
                raise ShapeError(
                    f"expected sizes adding up to the {keys.size} keys, got {describe(sizes)}"
                )
            examples, form = np.repeat(np.arange(sizes.size), sizes), "flat"
        elif isinstance(input[0], (list, tuple)) and isinstance(input[1], (list, tuple)):
            if len(input[0]) != len(input[1]):
                raise ShapeError(
                    f"expected as many values as keys arrays, got {len(input[1])} and "
                    f"{len(input[0])}"
                )
            pairs = [
                self._pair(k, v, f"example {b}")
                for b, (k, v) in enumerate(zip(input[0], input[1], strict=True))
            ]
            keys = np.concatenate([k for k, _ in pairs] or [np.zeros(0, np.int64)])
            values = np.concatenate([v for _, v in pairs] or [np.zeros(0)])
            examples = np.repeat(np.arange(len(pairs)), [k.size for k, _ in pairs])
            form = "tables"
        else:
            keys, values = self._pair(input[0], input[1], "input")
            examples, form = np.zeros(keys.size, np.int64), "one"
        rows = expect_indices(keys + self.keys_offset, 0, self.input_size, "key + keys_offset")
        return rows, values.astype(self.weight.dtype, copy=False), examples, form

    @staticmethod
    def _pair(keys: Any, values: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
        expect_ndim(expect_array(keys, f"{what}'s keys"), 1, f"{what}'s keys")
        expect_ndim(expect_float(values, f"{what}'s values"), 1, f"{what}'s values")
        if keys.size != values.size:
            raise ShapeError(
                f"expected {what}'s keys and values of one size, got {keys.size} and {values.size}"
            )
        return expect_indices(keys, -(2**62), 2**62, f"{what}'s key"), values

    @staticmethod
    def _count(input: Any, form: str) -> int:
        return 1 if form == "one" else len(np.atleast_1d(input[2]) if form == "flat" else input[0])

    def _output_shape(self, count: int, form: str) -> tuple[int, ...]:
        return (self.output_size,) if form == "one" else (count, self.output_size)

    # ------------------------------------------------------------------ normalization
    def _normalized(self, rows: np.ndarray, values: np.ndarray, record: bool) -> np.ndarray:
        """Each value as it multiplies its key's weights (``record``: update the maxima first,
        as a training forward does)."""
        if not self.normalize:
            return values
        if record and rows.size:
            np.maximum.at(self.weight[:, 0], rows, np.abs(values))
            touched = np.unique(rows)
            largest = self.weight[touched, 0]
            self.weight[touched, 1] = np.divide(
                1.0, largest, out=np.zeros_like(largest), where=largest > 0
            )
            self.weight[touched, 2] = 1.0
        scaled = np.where(
            np.abs(values) > self.weight[rows, 0], np.sign(values), values * self.weight[rows, 1]
        )
        return scaled + self.weight[rows, 3]

    # ------------------------------------------------------------------ the three methods
    def update_output(self, input: Any) -> np.ndarray:
        rows, values, examples, form = self._entries(input)
        scaled = self._normalized(rows, values, record=self.train)
        output = np.zeros((self._count(input, form), self.output_size), self.weight.dtype)
        np.add.at(output, examples, scaled[:, None] * self.weight[rows, self.normalize :])
        output += self.bias
        return output[0] if form == "one" else output

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> list[Any]:
        _, _, _, form = self._entries(input)
        count = self._count(input, form)
        grad_rows(grad_output, self._output_shape(count, form))
        if not self.do_grad_input:
            return []
        dense = np.atleast_2d(grad_output) @ self.weight[:, self.normalize :].T
        keys = np.arange(self.input_size) - self.keys_offset
        if form == "one":
            return [keys, dense[0]]
        if form == "flat":
            return [np.tile(keys, (count, 1)), dense]
        return [[keys.copy() for _ in range(count)], list(dense)]

    def acc_grad_parameters(self, input: Any, grad_output: np.ndarray, scale: float = 1.0) -> None:
        rows, values, examples, form = self._entries(input)
        dy = grad_rows(grad_output, self._output_shape(self._count(input, form), form))
        scaled = self._normalized(rows, values, record=False)
        np.add.at(
            self.grad_weight[:, self.normalize :], rows, scale * scaled[:, None] * dy[examples]
        )
        if self.normalize:  # the per-key bias (column 3) shifts every normalized value
            weights = self.weight[rows, self.normalize :]
            np.add.at(self.grad_weight[:, 3], rows, scale * np.sum(dy[examples] * weights, axis=1))
        self.grad_bias += scale * dy.sum(axis=0)

    def extra_repr(self) -> str:
        text = f"{self.input_size} -> {self.output_size}"
        return text + (", normalize" if self.normalize else "")


def _example(nnz: int, input_size: int):
    return lambda rng: [rng.integers(0, input_size, nnz), rng.standard_normal(nnz)]


def _tables(rng: np.random.Generator) -> list[Any]:
    keys = [rng.integers(0, 6, n) for n in (3, 1, 4)]
    return [keys, [rng.standard_normal(k.size) for k in keys]]


def _flat(rng: np.random.Generator) -> list[Any]:
    sizes = np.array([2, 0, 3])
    return [rng.integers(1, 7, 5), rng.standard_normal(5), sizes]


_NO_INPUT_GRADIENT = {"check_input_jacobian": "keys and values are data: no input gradient"}
_DENSE = {"check_input_jacobian": "the input gradient is dense, over every key"}
_RUNNING_MAXIMA = {
    **_NO_INPUT_GRADIENT,
    "check_parameter_jacobian": "columns 0-2 hold running maxima, not trained weights",
}


def examples() -> list[Case]:
    """The conformance kit's cases for IndexLinear."""
    bad = ["not an array", [np.array([0, 1]), np.ones(3)], [np.array([0, 9]), np.ones(2)]]
    return [
        Case(
            IndexLinear(6, 3).reset(), input=_example(4, 6), skip=_NO_INPUT_GRADIENT, bad_inputs=bad
        ),
        Case(IndexLinear(6, 2, do_grad_input=True).reset(), input=_tables, skip=_DENSE),
        Case(IndexLinear(6, 1, keys_offset=-1).reset(), input=_flat, skip=_NO_INPUT_GRADIENT),
        Case(IndexLinear(6, 3, normalize=True).reset(), input=_tables, skip=_RUNNING_MAXIMA),
    ]
