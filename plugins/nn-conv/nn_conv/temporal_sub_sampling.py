"""TemporalSubSampling: a trainable per-feature scale of sums over time windows, plus a bias."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, expect_float, expect_ndim, expect_size

from ._cases import batch_cases
from ._convolution import Convolution
from ._spatial import expect_grad_shape, expect_min_size, windowed_sum_grad, windows


class TemporalSubSampling(Convolution):
    """Sub-sampling of a sequence (torch/nn ``TemporalSubSampling``).

    Input ``(T, F)`` or ``(N, T, F)`` with ``F = input_frame_size``;
    ``y[t, f] = weight[f] * sum_{k<kw} x[t*dw + k, f] + bias[f]`` for
    ``t < (T - kw) // dw + 1``.  ``reset(stdv)`` draws ``U(-s, s)``, ``s = 1/sqrt(kw)``.

    >>> import numpy as np
    >>> m = TemporalSubSampling(2, 3, 2)
    >>> m.forward(np.zeros((7, 2))).shape
    (3, 2)
    """

    axes = "w"
    bias: np.ndarray  # declared with a bias shape: never None

    def __init__(self, input_frame_size: int, kw: int, dw: int = 1) -> None:
        super().__init__()
        self.input_frame_size = input_frame_size
        self.set_sizes(kernel=(kw,), stride=(dw,))
        self.declare(input_frame_size, input_frame_size)

    def fan_in(self) -> int:
        return self.kw  # each output sums one feature's window

    def _sums(self, input: object) -> np.ndarray:
        """Window sums, ``(..., T_out, F)``; time moves last for the windowing."""
        x = expect_ndim(expect_float(input), (2, 3))
        expect_size(x, -1, self.input_frame_size, "input frames")
        frames_last = np.swapaxes(x, -1, -2)
        expect_min_size(frames_last, (self.kw,))
        return np.swapaxes(windows(frames_last, (self.kw,), (self.dw,)).sum(axis=-1), -1, -2)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return self._sums(input) * self.weight + self.bias

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        g = expect_grad_shape(grad_output, self._sums(input).shape)
        grad = windowed_sum_grad(
            np.swapaxes(g * self.weight, -1, -2), input.shape[-2:-1], (self.kw,), (self.dw,)
        )
        return np.swapaxes(grad, -1, -2)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        sums = self._sums(input).reshape(-1, self.input_frame_size)
        g = grad_output.reshape(-1, self.input_frame_size)
        self.grad_weight += scale * (g * sums).sum(axis=0)
        self.grad_bias += scale * g.sum(axis=0)

    def extra_repr(self) -> str:
        return f"{self.input_frame_size}, {self.kw}, {self.dw}"


def examples() -> list[Case]:
    """The conformance kit's cases for TemporalSubSampling."""
    return [
        *batch_cases(
            TemporalSubSampling(3, 2, 2),
            (2, 5, 3),
            bad_inputs=["not an array", np.zeros((5, 4))],
        ),
        Case(TemporalSubSampling(2, 3), input_shape=(4, 2)),
    ]
