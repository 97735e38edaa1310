"""TemporalDynamicKMaxPooling: the k largest values of each feature over time, in order."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_float, expect_ndim

from ._reduce import put_along


class TemporalDynamicKMaxPooling(Module):
    """Dynamic k-max pooling over frames (torch/nn ``TemporalDynamicKMaxPooling``).

    Input ``(n_frames, frame_size)`` or ``(batch, n_frames, frame_size)``.  For each feature,
    keeps the ``k = max(min_k, ceil(factor * n_frames))`` largest values, in their original
    frame order (Kalchbrenner et al., 2014); ``indices`` remembers their frames.  Gradient:
    ``dy`` goes back to those frames, zero elsewhere.

    >>> import numpy as np
    >>> x = np.array([[1.0, 9.0], [5.0, 2.0], [3.0, 4.0], [7.0, 0.0]])
    >>> TemporalDynamicKMaxPooling(2).forward(x)
    array([[5., 9.],
           [7., 4.]])
    """

    def __init__(self, min_k: int, factor: float = 0.0) -> None:
        super().__init__()
        self.min_k = min_k
        self.factor = factor
        self.indices: np.ndarray | None = None

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), (2, 3))
        frames = input.ndim - 2
        n_frames = input.shape[frames]
        k = max(self.min_k, math.ceil(self.factor * n_frames))
        if n_frames < k:
            raise ShapeError(f"expected at least k={k} frames, got shape {input.shape}")
        # a stable sort of the negated values keeps the earliest of equal values
        order = np.argsort(-input.astype(np.float64), axis=frames, kind="stable")
        self.indices = np.sort(np.take(order, np.arange(k), axis=frames), axis=frames)
        return np.take_along_axis(input, self.indices, axis=frames)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return put_along(grad_output, input, self.indices, input.ndim - 2)

    def extra_repr(self) -> str:
        return f"min_k {self.min_k}, factor {self.factor}"


def examples() -> list[Case]:
    """The conformance kit's cases for TemporalDynamicKMaxPooling."""
    return [
        Case(TemporalDynamicKMaxPooling(2), input_shape=(5, 3)),
        Case(TemporalDynamicKMaxPooling(2, 0.5), input_shape=(2, 7, 3), batched=True),
    ]
