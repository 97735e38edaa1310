"""Convert: between data layouts named by axis letters ('bchw' -> 'bf'), to the module's dtype."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, InputTypeError, Module, ShapeError, expect_array

from ._reduce import expect_shape


class Convert(Module):
    """Converts between layouts named by letters, ``b`` being the batch (torch/nn ``Convert``).

    ``Convert('bchw', 'bf')`` (or ``Convert('chw', 'f')``) flattens images; same letters in
    another order transpose (``Convert('chw', 'hwc')``); ``'bt'``/``'bf'`` to ``'b'`` keep the
    first column; ``'b'`` to ``'bt'``/``'bf'`` adds a unit column.  The default ``'b*'`` leaves
    the layout alone.  An input with one dimension less than the layout is one example.  The
    output has the module's dtype; the gradient is converted back to the input's dtype.

    >>> import numpy as np
    >>> Convert('bchw', 'bf').forward(np.zeros((3, 2, 3, 1))).shape
    (3, 6)
    >>> Convert('chw', 'hwc').forward(np.zeros((2, 3, 4))).shape
    (3, 4, 2)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, input_shape: str | None = None, output_shape: str | None = None) -> None:
        super().__init__()
        if output_shape is not None and input_shape is None:
            raise InputTypeError("expected an input_shape when an output_shape is given, got None")
        source = input_shape or "b*"
        target = output_shape or source
        self.input_shape = source if "b" in source else "b" + source
        self.output_shape = target if "b" in target else "b" + target
        if "b*" in (self.input_shape, self.output_shape) and self.input_shape != self.output_shape:
            raise InputTypeError(
                f"expected both shapes or neither to be 'b*', got {input_shape!r}, {output_shape!r}"
            )
        self.transposition = sorted(self.input_shape) == sorted(self.output_shape)
        supported = {
            "bf": self.input_shape not in ("bt", "tb"),
            "b": self.input_shape in ("bt", "tb", "bf", "fb"),
            "bt": self.input_shape == "b",
        }
        if not self.transposition and not supported.get(self.output_shape, False):
            raise InputTypeError(
                f"expected a supported conversion, "
                f"got {self.input_shape!r} to {self.output_shape!r}"
            )

    def _apply(self, x: np.ndarray) -> np.ndarray:
        """The conversion of ``x``, a batch or one example."""
        source, target = self.input_shape, self.output_shape
        if source == "b*":
            return x
        single = x.ndim == len(source) - 1
        if single:
            x = np.expand_dims(x, source.index("b"))
        elif x.ndim != len(source):
            raise ShapeError(
                f"expected input with {len(source)} dimensions ('{source}') or {len(source) - 1} "
                f"(one example), got shape {x.shape}"
            )
        if self.transposition:
            y = np.transpose(x, [source.index(axis) for axis in target])
        elif target == "b":
            axis = 1 - source.index("b")
            if source in ("bf", "fb") and x.shape[axis] != 1:
                raise ShapeError(
                    f"expected one feature to convert '{source}' to 'b', got shape {x.shape}"
                )
            y = np.take(x, 0, axis=axis)
        elif len(source) == 1:  # 'b' to 'bf' or 'bt'
            y = x.reshape(-1, 1)
        else:  # to 'bf': the batch axis swapped to the front (as torch/nn), the rest flattened
            y = np.swapaxes(x, 0, source.index("b"))
            y = y.reshape(y.shape[0], math.prod(y.shape[1:]))
        return np.squeeze(y, target.index("b")) if single else y

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return np.array(self._apply(expect_array(input)), dtype=self.dtype)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # every conversion moves or drops elements: map positions forward, then send dy back
        positions = self._apply(np.arange(input.size).reshape(input.shape))
        grad = expect_shape(grad_output, positions.shape)
        dtype = input.dtype if input.dtype.kind == "f" else self.dtype
        grad_input = np.zeros(input.size, dtype=dtype)
        np.add.at(grad_input, positions.ravel(), grad.ravel())
        return grad_input.reshape(input.shape)

    def extra_repr(self) -> str:
        return f"{self.input_shape} -> {self.output_shape}"


def examples() -> list[Case]:
    """The conformance kit's cases for Convert."""
    return [
        Case(Convert(), input_shape=(3, 4), batched=True),
        Case(Convert("bchw", "bf"), input_shape=(3, 2, 3, 1), batched=True),
        Case(Convert("chw", "hwc"), input_shape=(2, 2, 3, 4), batched=True),
        Case(Convert("fb", "b"), input_shape=(1, 4)),
        Case(Convert("b", "bt"), input_shape=(4,)),
        Case(Convert("chwb", "bf"), input_shape=(2, 3, 2, 4)),
    ]
