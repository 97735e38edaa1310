"""TemporalConvolution: 1-D convolution over a sequence of frames (torch/nn)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, ShapeError, expect_size

from ._batches import batched, expect_grad
from ._convolution import Convolution
from ._gemm_conv import temporal_backward_input, temporal_columns
from ._workspace import Workspace


class TemporalConvolution(Convolution):
    """1-D convolution over frames (torch/nn ``TemporalConvolution``).

    Input ``(T, input_frame_size)`` or ``(B, T, input_frame_size)``; ``weight`` is
    ``(output_frame_size, kw * input_frame_size)``, frame-major like torch/nn's, so::

        out[b, t, o] = bias[o] + sum_{k,f} weight[o, k * input_frame_size + f] * x[b, t*dw + k, f]

    with ``T' = (T - kw) // dw + 1`` output frames.

    >>> TemporalConvolution(3, 5, 2).forward(np.zeros((7, 3))).shape
    (6, 5)
    """

    axes = "w"

    def __init__(self, input_frame_size: int, output_frame_size: int, kw: int, dw: int = 1) -> None:
        super().__init__()
        self.input_frame_size, self.output_frame_size = input_frame_size, output_frame_size
        self.set_sizes(kernel=(kw,), stride=(dw,))
        self.declare((output_frame_size, input_frame_size * kw), output_frame_size)
        self._workspace = Workspace()

    def fan_in(self) -> int:
        return self.kw * self.input_frame_size

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = self._frames(input)
        cols = temporal_columns(x, self.kw, self.dw, self._workspace)
        out = cols.T @ self.weight.T + self.bias
        out = out.reshape(x.shape[0], *self.output_size(x.shape[1:2]), self.output_frame_size)
        return out[0] if single else out

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = self._pair(input, grad_output)
        grad = temporal_backward_input(g, self.weight, self.kw, self.dw, x.shape, self._workspace)
        return grad[0] if single else grad

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = self._pair(input, grad_output)
        cols = temporal_columns(x, self.kw, self.dw, self._workspace)
        self.grad_weight += scale * (g.T @ cols.T)
        self.grad_bias += scale * g.sum(axis=0)

    def _frames(self, input: np.ndarray) -> tuple[np.ndarray, bool]:
        x, single = batched(input, 1, self.weight.dtype)
        expect_size(x, 2, self.input_frame_size, "input frames (batch first)")
        if x.shape[1] < self.kw:
            raise ShapeError(
                f"expected at least kw={self.kw} frames, got input of shape {np.shape(input)}"
            )
        return x, single

    def _pair(
        self, input: np.ndarray, grad_output: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """The batched input and grad_output as ``(B * T', output_frame_size)`` rows."""
        x, single = self._frames(input)
        shape = (x.shape[0], *self.output_size(x.shape[1:2]), self.output_frame_size)
        g = expect_grad(grad_output, shape[1:] if single else shape, x.dtype)
        return x, g.reshape(-1, self.output_frame_size), single

    def extra_repr(self) -> str:
        return f"{self.input_frame_size} -> {self.output_frame_size}, {self.kw}, {self.dw}"


def examples() -> list[Case]:
    """The conformance kit's cases for TemporalConvolution."""
    return [
        Case(TemporalConvolution(3, 2, 3, 2), input_shape=(2, 7, 3), batched=True),
        Case(TemporalConvolution(2, 4, 2), input_shape=(5, 2)),
    ]
