"""Normalize: scale every example to unit p-norm."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_ndim, expect_same_shape


class Normalize(Module):
    """``y = x / ||x||_p`` for a vector or each row of a batch (torch/nn ``Normalize``).

    ``||x||_p = (sum |x_i|**p + eps)**(1/p)``, and ``max |x_i| + eps`` for ``p = inf``.
    ``dx = dy / n - x |x|**(p-2) <x, dy> / n**(p+1)`` (``n`` the norm; ``|x| + eps`` inside the
    power when ``p < 2``, as torch/nn does to avoid dividing by zero); for ``p = inf`` the
    second term sits on the largest element only.

    >>> import numpy as np
    >>> Normalize(2).forward(np.array([3.0, 4.0]))
    array([0.6, 0.8])
    """

    def __init__(self, p: float, eps: float = 1e-10) -> None:
        super().__init__()
        if not p > 0:
            raise ValueError(f"expected a norm p > 0, got {p}")
        self.p = p
        self.eps = eps

    def _norm(self, x: np.ndarray) -> np.ndarray:
        """The (batch, 1) norms of the rows of ``x``."""
        if math.isinf(self.p):  # (the max of no elements is 0: a vector of none has norm eps)
            return np.maximum.reduce(np.abs(x), axis=1, keepdims=True, initial=0) + self.eps
        return (np.sum(np.abs(x) ** self.p, axis=1, keepdims=True) + self.eps) ** (1 / self.p)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), (1, 2))
        x = np.atleast_2d(input)
        return (x / self._norm(x)).reshape(input.shape)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        x, dy = np.atleast_2d(input), np.atleast_2d(grad_output)
        norm = self._norm(x)
        cross = np.sum(x * dy, axis=1, keepdims=True)
        if not x.shape[1]:  # a vector of no elements: its gradient has none either
            return grad_output.copy()
        if math.isinf(self.p):
            peak = np.abs(x).argmax(axis=1)[:, None]
            direction = np.zeros_like(x)
            np.put_along_axis(direction, peak, np.take_along_axis(x, peak, 1) / norm, 1)
            grad = dy / norm - direction * cross / norm**2
        else:
            magnitude = np.abs(x) + self.eps if self.p < 2 else np.abs(x)
            direction = x * magnitude ** (self.p - 2)
            grad = dy / norm - direction * cross / norm ** (self.p + 1)
        return grad.reshape(input.shape)

    def extra_repr(self) -> str:
        return f"{self.p:g}"


def examples() -> list[Case]:
    """The conformance kit's cases for Normalize."""
    return [
        Case(Normalize(2), input_shape=(3, 4), batched=True),
        Case(Normalize(1), input_shape=(4,)),
        Case(Normalize(3), input_shape=(2, 3), batched=True),
        Case(Normalize(float("inf")), input_shape=(2, 3), batched=True),
    ]
