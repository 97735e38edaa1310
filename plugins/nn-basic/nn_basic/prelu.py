"""PReLU: a leaky ReLU whose negative slope is learnt, per plane or shared."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, ShapeError, expect_size

from ._pointwise import Pointwise


class PReLU(Pointwise):
    """``y = x`` for ``x > 0``, ``weight * x`` otherwise (torch/nn ``PReLU``).

    ``n_output_plane = 0`` shares one slope (``weight`` of shape ``(1,)``) over every element;
    otherwise ``weight`` has one slope per plane, the planes being dimension 0 of a 1-D input and
    dimension 1 of anything larger (``(batch, planes, ...)``), as in torch/nn's THNN kernel: one
    ``(planes, H, W)`` example is given as a batch of one.  Slopes start at 0.25.
    Gradients: ``dx = dy * (1 if x > 0 else weight)``, ``dweight += scale * sum(dy * x)`` over
    the elements with ``x <= 0`` of each plane.

    >>> import numpy as np
    >>> PReLU().forward(np.array([-4.0, 2.0]))
    array([-1.,  2.])
    """

    parameter_names = ("weight",)

    def __init__(self, n_output_plane: int = 0) -> None:
        super().__init__()
        self.n_output_plane = n_output_plane
        self.weight = np.empty(max(n_output_plane, 1))
        self.grad_weight = np.zeros_like(self.weight)
        self.reset()

    def reset(self, stdv: float | None = None) -> PReLU:
        self.weight.fill(0.25)
        return self

    def _plane_shape(self, x: np.ndarray) -> tuple[int, ...]:
        """The shape ``weight`` takes to broadcast against ``x``."""
        if self.n_output_plane == 0:
            return ()
        axis = 0 if x.ndim == 1 else 1
        if x.ndim > 2 and x.shape[1] != self.n_output_plane == x.shape[0]:
            raise ShapeError(
                f"expected input (one plane per slope) of size {self.n_output_plane} in "
                f"dimension 1, the planes of a batch as in torch/nn, got shape {x.shape}: give "
                "one example a batch dimension, x[None]"
            )
        expect_size(x, axis, self.n_output_plane, "input (one plane per slope)")
        return tuple(self.n_output_plane if d == axis else 1 for d in range(x.ndim))

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, self.weight.reshape(self._plane_shape(x)) * x)

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.where(x > 0, 1, self.weight.reshape(self._plane_shape(x)))

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        shape = self._plane_shape(input)
        contribution = np.where(input > 0, 0, grad_output * input)
        axes = tuple(d for d in range(input.ndim) if d >= len(shape) or shape[d] == 1)
        self.grad_weight += scale * contribution.sum(axis=axes).reshape(self.grad_weight.shape)

    def extra_repr(self) -> str:
        return str(self.n_output_plane) if self.n_output_plane else ""


def examples() -> list[Case]:
    """The conformance kit's cases for PReLU."""
    return [
        Case(PReLU(), input_shape=(3, 4), batched=True),
        Case(PReLU(4), input_shape=(3, 4), batched=True),
        Case(PReLU(3), input_shape=(2, 3, 2, 2)),
        Case(PReLU(3), input_shape=(3,), bad_inputs=["not an array", np.zeros((2, 4))]),
    ]
