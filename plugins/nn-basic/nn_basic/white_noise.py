"""WhiteNoise: additive Gaussian noise while training."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, StateError, expect_float, expect_same_shape, generator


class WhiteNoise(Module):
    """``y = x + noise``, ``noise ~ N(mean, std**2)`` drawn from ``nncore.random`` at every
    forward while training; ``y = x + mean`` in evaluation.  ``dx = dy``; backward is only
    defined while training, as in torch/nn ``WhiteNoise``.

    >>> import numpy as np
    >>> WhiteNoise(1.0, 0.5).evaluate().forward(np.zeros(2))
    array([1., 1.])
    """

    def __init__(self, mean: float = 0.0, std: float = 0.1) -> None:
        super().__init__()
        self.mean = mean
        self.std = std

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_float(input)
        if self.train:
            noise = generator().normal(self.mean, self.std, input.shape)
            dtype = input.dtype if input.dtype.kind == "f" else self.dtype
            return input + noise.astype(dtype)
        return input + self.mean

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        if not self.train:
            raise StateError("expected training mode: backprop is only defined while training")
        return expect_same_shape(grad_output, input, "grad_output", "input").copy()

    def extra_repr(self) -> str:
        return f"mean={self.mean}, std={self.std}"


def examples() -> list[Case]:
    """The conformance kit's cases for WhiteNoise."""
    return [
        Case(WhiteNoise(0.5, 0.2), input_shape=(3, 4)),
    ]
