"""WeightNorm: reparameterises a module's weight as a length times a direction."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, InputError, Module, generator

from .decorator import Decorator
from .linear import Linear

#: added to the squared norm, as in torch/nn, so a zero row has a defined gradient
EPS = 1e-4


class WeightNorm(Decorator):
    """``weight = g * v / ||v||`` per output unit (Salimans & Kingma 2016; torch/nn
    ``WeightNorm``), with ``||v|| = sqrt(sum(v**2) + 1e-4)`` over each row.

    ``v`` is the weight with ``output_dim`` (0-based; 0 for Linear's ``(out, in)``) moved first
    and the rest flattened: shape ``(n_out, n_rest)``; ``g`` has shape ``(n_out,)``.  They are
    this decorator's parameters and the wrapped module's ``weight`` becomes a buffer recomputed
    at every forward, so optimisers, ``get_parameters`` and saving see ``v``, ``g`` and the
    module's other parameters (its bias).  Gradients, from the module's ``dL/dweight`` ``G``:
    ``dg = sum(G * v) / ||v||``, ``dv = g / ||v|| * G - g * dg / ||v||**2 * v``.

    Unlike torch/nn, ``v`` and ``g`` start from the wrapped module's current weight, so wrapping
    does not change what it computes; ``reset()`` draws torch/nn's initialisation.

    >>> import numpy as np
    >>> from nncore import nn
    >>> wn = WeightNorm(nn.Linear(3, 2))
    >>> wn.v.shape, wn.g.shape, [p.shape for p in wn.parameters()[0]]
    ((2, 3), (2,), [(2, 3), (2,), (2,)])
    """

    parameter_names = ("v", "g")

    def __init__(self, module: Module, output_dim: int = 0) -> None:
        super().__init__(module)
        weight = getattr(module, "weight", None)
        if not isinstance(weight, np.ndarray) or "weight" not in module.parameter_names:
            raise InputError(f"expected a module with a weight parameter, got {module!r}")
        self.output_dim = output_dim
        module.parameter_names = tuple(n for n in module.parameter_names if n != "weight")
        module.buffer_names = tuple(module.buffer_names) + ("weight",)
        self.v = self._rows(weight).copy()
        self.g = self._norm().ravel()
        self.grad_v = np.zeros_like(self.v)
        self.grad_g = np.zeros_like(self.g)

    def _rows(self, array: np.ndarray) -> np.ndarray:
        """``array`` (weight-shaped) as ``(n_out, n_rest)``."""
        moved = np.moveaxis(array, self.output_dim, 0)
        return moved.reshape(moved.shape[0], -1)

    def _norm(self) -> np.ndarray:
        return np.sqrt((self.v**2).sum(axis=1, keepdims=True) + EPS)

    def reset(self, stdv: float | None = None) -> WeightNorm:
        """torch/nn's ``resetInit``: ``v ~ N(0, sqrt(2 / n_rest))``, ``g = ||v||``, bias 0."""
        self.v[...] = generator().normal(0, np.sqrt(2 / self.v.shape[1]), self.v.shape)
        self.g[...] = self._norm().ravel()
        bias = getattr(self.module, "bias", None)
        if bias is not None:
            bias[...] = 0
        return self

    def update_output(self, input: Any) -> Any:
        module: Any = self.module  # any module with a weight parameter (checked on construction)
        weight = module.weight
        rows = self.v * (self.g[:, None] / self._norm())
        moved = np.moveaxis(weight, self.output_dim, 0)
        weight[...] = np.moveaxis(rows.reshape(moved.shape), 0, self.output_dim)
        return self.module.forward(input)

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        module: Any = self.module  # any module with a weight parameter (checked on construction)
        module.grad_weight = np.zeros_like(module.weight)  # scratch: dL/dweight of this call
        module.acc_grad_parameters(input, grad_output, scale)
        grad, norm = self._rows(module.grad_weight), self._norm()
        grad_g = (grad * self.v).sum(axis=1) / norm[:, 0]
        self.grad_g += grad_g
        along_g = (self.g[:, None] / norm) * grad
        self.grad_v += along_g - (self.g * grad_g)[:, None] / norm**2 * self.v

    def extra_repr(self) -> str:
        return "" if self.output_dim == 0 else str(self.output_dim)


def examples() -> list[Case]:
    """The conformance kit's cases for WeightNorm."""
    return [
        Case(WeightNorm(Linear(4, 3)), input_shape=(5, 4), batched=True),
        Case(WeightNorm(Linear(4, 3, bias=False)), input_shape=(4,)),
        Case(WeightNorm(Linear(4, 3), 1), input_shape=(2, 4)),
    ]
