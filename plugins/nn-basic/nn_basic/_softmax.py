"""Shared machinery of SoftMax, LogSoftMax, SoftMin and their Spatial twins.

torch/nn normalises over the feature dimension: dimension 0 of a 1-D vector or a 3-D
``(features, height, width)`` map, dimension 1 of a 2-D batch or a 4-D batch of maps.
"""

from __future__ import annotations

import numpy as np

from nncore.plugin import Module, expect_float, expect_ndim, expect_same_shape

from ._pointwise import floating, forward_output


def feature_axis(ndim: int) -> int:
    """The dimension normalised over for an input with ``ndim`` dimensions (1 to 4)."""
    return 0 if ndim in (1, 3) else 1


def log_softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log(softmax(scores))`` along ``axis``; the maximum is subtracted first, so large
    scores do not overflow."""
    shifted = scores - scores.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class Normalizer(Module):
    """``y = softmax(sign * x)`` over the feature dimension, or its logarithm when ``log``.

    Gradients: ``dz = y * (dy - sum(dy * y))`` for the softmax and ``dz = dy - exp(y) *
    sum(dy)`` for its logarithm, then ``dx = sign * dz``.  The maximum is subtracted before
    exponentiating, so large inputs do not overflow.
    """

    log: bool = False
    sign: float = 1.0

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = floating(expect_ndim(expect_float(input), (1, 2, 3, 4)), self.dtype)
        axis = feature_axis(x.ndim)
        z = self.sign * x
        if z.shape[axis] == 0:  # no features: an empty distribution (max of nothing raises)
            return z
        if self.log:
            return log_softmax(z, axis)
        exp = np.exp(z - z.max(axis=axis, keepdims=True))
        return exp / exp.sum(axis=axis, keepdims=True)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, expect_float(input), "grad_output", "input")
        axis, y = feature_axis(input.ndim), forward_output(self, input)
        if self.log:
            grad = grad_output - np.exp(y) * grad_output.sum(axis=axis, keepdims=True)
        else:
            grad = y * (grad_output - (grad_output * y).sum(axis=axis, keepdims=True))
        return self.sign * grad
