"""LayerNormalization: every example normalized over its features (Ba et al. 2016)."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import POSITIVE, Case, Module

from ._rows import as_rows, grad_rows, reset_uniform


class LayerNormalization(Module):
    """``y = sqrt(n) * c / sqrt(sum(c**2) + eps) * weight + bias`` with ``c = x - mean(x)``, for
    each example ``x`` of ``n_output`` features (torch/nn ``LayerNormalization``).

    That is ``c / sqrt(var(c) + eps / n)``: torch/nn composes it as centering, ``Normalize(2,
    eps)``, ``MulConstant(sqrt(n))`` and, with ``affine``, ``CMul(n)`` (``weight``, ones at
    first) and ``Add(n)`` (``bias``, the constructor's ``bias`` at first); here it is one module
    with those two parameters.  Input ``(n,)`` or ``(batch, n)``, each example normalized alone
    (torch/nn's ``Replicate(n, 1, 1)`` lays a batch's means out as ``(n, batch)``, which its
    ``CSubTable`` subtracts element by element from the ``(batch, n)`` input).  With ``z`` the
    normalized example and ``s = sqrt(sum(c**2) + eps)``: ``dz = sqrt(n) * (g / s - c * <c, g> /
    s**3)`` centred again (``g = dy * weight``), ``dweight += scale * sum(dy * z)``,
    ``dbias += scale * sum(dy)``.
    ``reset()`` restores the first values; ``reset(stdv)`` draws both from ``U(-a, a)``,
    ``a = stdv * sqrt(3)``.

    >>> import numpy as np
    >>> LayerNormalization(2).forward(np.array([1.0, 3.0])).round(6)
    array([-1.,  1.])
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"n_output": POSITIVE}

    def __init__(
        self, n_output: int, bias: float = 0.0, eps: float = 1e-10, affine: bool = True
    ) -> None:
        super().__init__()
        self.n_output, self.eps, self.affine, self.initial_bias = n_output, eps, affine, bias
        self.weight = np.empty(n_output) if affine else None
        self.grad_weight = np.zeros(n_output) if affine else None
        self.bias = np.empty(n_output) if affine else None
        self.grad_bias = np.zeros(n_output) if affine else None
        self.reset()

    def reset(self, stdv: float | None = None) -> LayerNormalization:
        if stdv is not None:
            reset_uniform(stdv, 0.0, self.weight, self.bias)
        elif self.weight is not None and self.bias is not None:
            self.weight.fill(1.0)
            self.bias.fill(self.initial_bias)
        return self

    def _normalized(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centred rows ``c``, their norms ``s`` (with eps) and ``z = sqrt(n) * c / s``."""
        centred = x - x.mean(axis=1, keepdims=True)
        norm = np.sqrt(np.sum(centred**2, axis=1, keepdims=True) + self.eps)
        return centred, norm, math.sqrt(self.n_output) * centred / norm

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = as_rows(input, self.n_output)
        z = self._normalized(x)[2]
        if self.weight is not None and self.bias is not None:
            z = z * self.weight + self.bias
        return z.reshape(input.shape)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = as_rows(input, self.n_output)
        g = grad_rows(grad_output, input.shape)
        if self.weight is not None:
            g = g * self.weight
        centred, norm, _ = self._normalized(x)
        cross = np.sum(centred * g, axis=1, keepdims=True)
        grad = math.sqrt(self.n_output) * (g / norm - centred * cross / norm**3)
        return (grad - grad.mean(axis=1, keepdims=True)).reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.grad_weight is None or self.grad_bias is None:
            return
        g = grad_rows(grad_output, input.shape)
        z = self._normalized(as_rows(input, self.n_output))[2]
        self.grad_weight += scale * np.sum(g * z, axis=0)
        self.grad_bias += scale * g.sum(axis=0)

    def extra_repr(self) -> str:
        return str(self.n_output) + ("" if self.affine else ", without affine")


def examples() -> list[Case]:
    """The conformance kit's cases for LayerNormalization."""
    return [
        Case(LayerNormalization(4).reset(0.5), input_shape=(3, 4), batched=True),
        Case(LayerNormalization(5, bias=0.5, eps=1e-5), input_shape=(5,)),
        Case(LayerNormalization(3, affine=False), input_shape=(2, 3), batched=True),
    ]
