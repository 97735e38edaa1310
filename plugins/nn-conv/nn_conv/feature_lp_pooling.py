"""FeatureLPPooling: the p-norm of windows along the feature dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_float, expect_ndim

from ._spatial import expect_grad_shape, unwindows, windows


class FeatureLPPooling(Module):
    """``y[..., f, ...] = (sum_{i < width} x[..., f*stride + i, ...] ** power) ** (1 / power)``
    along the feature dimension (torch/nn ``FeatureLPPooling``).

    The feature dimension is the first of an example: ``(F,)``, ``(F, a)`` or ``(F, a, b)``, or
    with ``batch_mode`` a batch ``(N, F)``, ``(N, F, a)`` or ``(N, F, a, b)``; the output has
    ``(F - width) // stride + 1`` features.  As in torch/nn the power is not taken of ``|x|``
    (an odd or fractional ``power`` wants non-negative input), ``width`` is 2 to 16 and
    ``stride`` 1 to 4.  Gradient, summed over the windows holding ``x``:
    ``dx = dy * (x / y) ** (power - 1)``, nothing where ``y = 0``.

    >>> import numpy as np
    >>> FeatureLPPooling(2, 2, 2).forward(np.array([3.0, 4.0, 6.0, 8.0]))
    array([ 5., 10.])
    """

    def __init__(self, width: int, stride: int, power: float, batch_mode: bool = False) -> None:
        super().__init__()
        if not 2 <= width <= 16:
            raise ValueError(f"expected a width from 2 to 16, got {width}")
        if not 1 <= stride <= 4:
            raise ValueError(f"expected a stride from 1 to 4, got {stride}")
        self.width, self.stride, self.power, self.batch_mode = width, stride, power, batch_mode

    def _features_last(self, input: object) -> tuple[np.ndarray, int]:
        """The input with its feature dimension moved last, and where it was."""
        x = expect_float(input)
        expect_ndim(x, (2, 3, 4) if self.batch_mode else (1, 2, 3))
        axis = 1 if self.batch_mode else 0
        if x.shape[axis] < self.width:
            raise ShapeError(
                f"expected at least {self.width} features (the width) in dimension {axis}, "
                f"got shape {x.shape}"
            )
        return np.moveaxis(x, axis, -1), axis

    def _norms(self, x: np.ndarray) -> np.ndarray:
        sums = windows(x**self.power, (self.width,), (self.stride,)).sum(axis=-1)
        return sums ** (1.0 / self.power)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, axis = self._features_last(input)
        return np.moveaxis(self._norms(x), -1, axis)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, axis = self._features_last(input)
        y = self._norms(x)
        g = np.moveaxis(expect_grad_shape(grad_output, np.moveaxis(y, -1, axis).shape), axis, -1)
        kernel, stride = (self.width,), (self.stride,)
        ratio = windows(x, kernel, stride) / np.where(y == 0, 1, y)[..., None]
        spread = np.where((y == 0)[..., None], 0, g[..., None] * ratio ** (self.power - 1))
        return np.moveaxis(unwindows(spread, x.shape[-1:], kernel, stride), -1, axis)

    def extra_repr(self) -> str:
        text = f"w{self.width} s{self.stride} power {self.power:g}"
        return text + (", batch" if self.batch_mode else "")


def _positive(shape: tuple[int, ...]):
    return lambda rng: rng.uniform(0.5, 1.5, shape)


def examples() -> list[Case]:
    """The conformance kit's cases for FeatureLPPooling."""
    return [
        Case(FeatureLPPooling(2, 1, 2), input_shape=(5,)),
        Case(FeatureLPPooling(3, 2, 2), input_shape=(7, 2, 3)),
        Case(FeatureLPPooling(2, 2, 3, batch_mode=True), input=_positive((3, 6, 2))),
        Case(FeatureLPPooling(4, 1, 1.5, batch_mode=True), input=_positive((2, 5, 2, 2))),
    ]
