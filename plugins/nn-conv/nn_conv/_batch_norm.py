"""Batch normalization of planes or volumes: what torch/nn's Spatial and Volumetric
BatchNormalization share (they differ in the number of dimensions of an input)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from nncore.plugin import POSITIVE, Module, ShapeError, expect_float, expect_ndim, generator

from ._spatial import expect_grad_shape, expect_planes


class PlaneBatchNormalization(Module):
    """Batch normalization of every plane of ``(N, C, *S)`` over the batch and the ``n_dim - 2``
    spatial axes (the base of torch/nn's ``SpatialBatchNormalization``, ``n_dim = 4``, and
    ``VolumetricBatchNormalization``, ``n_dim = 5``).

    Training: ``mu``, ``var`` are the mean and biased variance of plane ``c`` over ``(N, *S)``,
    ``y = (x - mu) / sqrt(var + eps) * weight[c] + bias[c]``; the running statistics move by
    ``momentum`` towards ``mu`` and the unbiased variance.  Evaluation uses the running
    statistics.  With ``affine=False`` there are no ``weight``/``bias``.  ``reset()`` draws
    ``weight ~ U(0, 1)``, zeroes ``bias`` and restores the running statistics to 0 and 1.
    """

    #: the number of dimensions of an input: a batch of planes (4) or of volumes (5)
    n_dim: ClassVar[int] = 4
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

    def reset(self, stdv: float | None = None) -> PlaneBatchNormalization:
        if self.weight is not None and self.bias is not None:
            self.weight[...] = generator().uniform(0.0, 1.0, self.weight.shape)
            self.bias[...] = 0.0
        self.running_mean[...] = 0.0
        self.running_var[...] = 1.0
        return self

    @property
    def _axes(self) -> tuple[int, ...]:
        """The axes each plane's statistics are taken over: the batch and the spatial axes."""
        return (0, *range(2, self.n_dim))

    @property
    def _plane_shape(self) -> tuple[int, ...]:
        """A per-plane array's shape to broadcast against an input."""
        return (1, -1) + (1,) * (self.n_dim - 2)

    def _check(self, input: object) -> np.ndarray:
        x = expect_ndim(expect_float(input), self.n_dim)
        expect_planes(x, self.running_mean.shape[0])
        if self.train and x.size < 2 * x.shape[1]:
            raise ShapeError(
                f"expected more than one value per plane to train, got shape {x.shape}"
            )
        return x

    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and 1/std of each plane, as (1, C, 1, 1) arrays."""
        if self.train:
            mean, var = x.mean(axis=self._axes), x.var(axis=self._axes)
        else:
            mean, var = self.running_mean, self.running_var
        return mean.reshape(self._plane_shape), (1.0 / np.sqrt(var + self.eps)).reshape(
            self._plane_shape
        )

    def _gain(self) -> np.ndarray | float:
        return 1.0 if self.weight is None else self.weight.reshape(self._plane_shape)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = self._check(input)
        mean, inv_std = self._statistics(x)
        if self.train:
            count = x.size // x.shape[1]
            unbiased = x.var(axis=self._axes) * count / (count - 1)
            self.running_mean += self.momentum * (mean.ravel() - self.running_mean)
            self.running_var += self.momentum * (unbiased - self.running_var)
        y = (x - mean) * inv_std * self._gain()
        return y if self.bias is None else y + self.bias.reshape(self._plane_shape)

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
            - g.mean(axis=self._axes, keepdims=True)
            - xhat * (g * xhat).mean(axis=self._axes, keepdims=True)
        )

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.weight is None:
            return
        mean, inv_std = self._statistics(input)
        self.grad_weight += scale * (grad_output * (input - mean) * inv_std).sum(axis=self._axes)
        self.grad_bias += scale * grad_output.sum(axis=self._axes)

    def extra_repr(self) -> str:
        size = str(self.running_mean.shape[0])
        return size if self.affine else size + ", without affine"
