"""SpatialBatchNormalization: batch normalization of each feature map."""

from __future__ import annotations

import numpy as np

from nncore.plugin import POSITIVE, Case, Module, ShapeError, expect_float, expect_ndim, generator

from ._spatial import expect_grad_shape, expect_planes

_AXES = (0, 2, 3)


class SpatialBatchNormalization(Module):
    """Normalize every plane of ``(N, C, H, W)`` over batch and space (torch/nn
    ``SpatialBatchNormalization``).

    Training: ``mu``, ``var`` are the mean and biased variance of plane ``c`` over ``(N, H, W)``,
    ``y = (x - mu) / sqrt(var + eps) * weight[c] + bias[c]``; the running statistics move by
    ``momentum`` towards ``mu`` and the unbiased variance.  Evaluation uses the running
    statistics.  With ``affine=False`` there are no ``weight``/``bias``.  ``reset()`` draws
    ``weight ~ U(0, 1)``, zeroes ``bias`` and restores the running statistics to 0 and 1.

    >>> SpatialBatchNormalization(4)
    nn.SpatialBatchNormalization(4)
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"n_output": POSITIVE}
    buffer_names = ("running_mean", "running_var")

    def __init__(
        self, n_output: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True
    ) -> None:
        super().__init__()
        self.eps, self.momentum, self.affine = eps, momentum, affine
        self.running_mean = np.zeros(n_output)
        self.running_var = np.ones(n_output)
        self.weight = np.empty(n_output) if affine else None
        self.bias = np.empty(n_output) if affine else None
        self.grad_weight = np.zeros(n_output) if affine else None
        self.grad_bias = np.zeros(n_output) if affine else None
        self.reset()

    def reset(self, stdv: float | None = None) -> SpatialBatchNormalization:
        if self.weight is not None and self.bias is not None:
            self.weight[...] = generator().uniform(0.0, 1.0, self.weight.shape)
            self.bias[...] = 0.0
        self.running_mean[...] = 0.0
        self.running_var[...] = 1.0
        return self

    def _check(self, input: object) -> np.ndarray:
        x = expect_ndim(expect_float(input), 4)
        expect_planes(x, self.running_mean.shape[0])
        if self.train and x.shape[0] * x.shape[2] * x.shape[3] < 2:
            raise ShapeError(
                f"expected more than one value per plane to train, got shape {x.shape}"
            )
        return x

    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and 1/std of each plane, as (1, C, 1, 1) arrays."""
        if self.train:
            mean, var = x.mean(axis=_AXES), x.var(axis=_AXES)
        else:
            mean, var = self.running_mean, self.running_var
        shape = (1, -1, 1, 1)
        return mean.reshape(shape), (1.0 / np.sqrt(var + self.eps)).reshape(shape)

    def _gain(self) -> np.ndarray | float:
        return 1.0 if self.weight is None else self.weight.reshape(1, -1, 1, 1)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = self._check(input)
        mean, inv_std = self._statistics(x)
        if self.train:
            count = x.shape[0] * x.shape[2] * x.shape[3]
            unbiased = x.var(axis=_AXES) * count / (count - 1)
            self.running_mean += self.momentum * (mean.ravel() - self.running_mean)
            self.running_var += self.momentum * (unbiased - self.running_var)
        y = (x - mean) * inv_std * self._gain()
        return y if self.bias is None else y + self.bias.reshape(1, -1, 1, 1)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = self._check(input)
        g = expect_grad_shape(grad_output, x.shape)
        mean, inv_std = self._statistics(x)
        g = g * self._gain()
        if not self.train:
            return g * inv_std
        xhat = (x - mean) * inv_std
        # the batch statistics depend on x: remove the mean of g and its projection on xhat
        return inv_std * (
            g
            - g.mean(axis=_AXES, keepdims=True)
            - xhat * (g * xhat).mean(axis=_AXES, keepdims=True)
        )

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.weight is None:
            return
        mean, inv_std = self._statistics(input)
        self.grad_weight += scale * (grad_output * (input - mean) * inv_std).sum(axis=_AXES)
        self.grad_bias += scale * grad_output.sum(axis=_AXES)

    def extra_repr(self) -> str:
        size = str(self.running_mean.shape[0])
        return size if self.affine else size + ", without affine"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialBatchNormalization."""
    return [
        Case(
            SpatialBatchNormalization(3),
            input_shape=(3, 3, 2, 2),
            bad_inputs=["not an array", np.zeros((3, 2, 2)), np.zeros((3, 4, 2, 2))],
        ),
        Case(SpatialBatchNormalization(2, affine=False), input_shape=(2, 2, 3, 1)),
        Case(SpatialBatchNormalization(2, 1e-3, 0.5).evaluate(), input_shape=(2, 2, 2, 2)),
    ]
