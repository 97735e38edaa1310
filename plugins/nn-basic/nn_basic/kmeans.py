"""Kmeans: online hard k-means; the output is the nearest centre of each sample."""

from __future__ import annotations

import math

import numpy as np

from nncore.plugin import Case, Module, expect_float, expect_ndim, expect_size, generator

from ._rows import uniform


class Kmeans(Module):
    """Assign each row of a ``(batch, dim)`` input to its nearest centre among the ``k`` rows of
    ``weight`` (torch/nn ``Kmeans``); the output holds the 0-based centre indices (integers)
    and ``self.loss`` the summed squared distances to them.

    The layer is trained by its own rule, not by backpropagation: ``grad_input`` is zero and
    ``acc_grad_parameters`` adds ``-scale * mean(x - c_j)`` over the samples assigned to
    centre ``c_j`` (``scale`` is the constructor's when given), so ``update_parameters(1)``
    moves each centre toward its samples.  ``cluster_sample_count`` (a buffer) counts them.
    ``reset(stdev=1)`` draws the centres from ``U(-stdev, stdev)``; :meth:`init_random` and
    :meth:`init_kmeans_plus` start them from samples.

    >>> import numpy as np
    >>> m = Kmeans(2, 1)
    >>> m.weight[...] = [[0.0], [10.0]]
    >>> m.forward(np.array([[1.0], [9.0], [-3.0]]))
    array([0, 1, 0])
    """

    parameter_names = ("weight",)
    buffer_names = ("cluster_sample_count",)

    def __init__(self, k: int, dim: int, scale: float | None = None) -> None:
        super().__init__()
        if k <= 0 or dim <= 0:
            raise ValueError(f"expected k > 0 clusters of dim > 0, got k={k}, dim={dim}")
        self.k, self.dim, self.scale = k, dim, scale
        self.weight = np.empty((k, dim))
        self.grad_weight = np.zeros_like(self.weight)
        self.cluster_sample_count = np.zeros(k)
        self.loss = 0.0
        self.reset()

    def reset(self, stdev: float | None = None) -> Kmeans:
        self.weight[...] = uniform(self.weight.shape, 1.0 if stdev is None else stdev)
        return self

    def _check(self, input: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), 2)
        return expect_size(input, 1, self.dim)

    def _distances(self, input: np.ndarray) -> np.ndarray:
        """Squared distances ``(batch, k)``."""
        return np.sum((input[:, None, :] - self.weight) ** 2, axis=2)

    def init_random(self, input: np.ndarray) -> None:
        """Set the centres to ``k`` samples of ``input`` drawn at random (with replacement)."""
        self._check(input)
        self.weight[...] = input[generator().integers(0, len(input), self.k)]

    def init_kmeans_plus(self, input: np.ndarray, p: float = 0.95) -> None:
        """k-means++ style start: each new centre is drawn among the ``ceil((1 - p) * n)``
        samples farthest from the centres chosen so far."""
        self._check(input)
        if not 0 <= p <= 1:
            raise ValueError(f"expected 0 <= p <= 1, got {p}")
        pool = max(math.ceil((1 - p) * len(input)), 1)
        self.weight[0] = input[generator().integers(len(input))]
        nearest = np.full(len(input), np.inf)
        for j in range(1, self.k):
            nearest = np.minimum(nearest, np.sum((input - self.weight[j - 1]) ** 2, axis=1))
            farthest = np.argsort(-nearest, kind="stable")
            self.weight[j] = input[farthest[generator().integers(min(pool, len(input)))]]

    def update_output(self, input: np.ndarray) -> np.ndarray:
        distances = self._distances(self._check(input))
        nearest = distances.argmin(axis=1)
        self.loss = float(distances[np.arange(len(input)), nearest].sum())
        return nearest

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return np.zeros_like(self._check(input), dtype=np.result_type(input, self.weight))

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        scale = self.scale if self.scale is not None else scale
        if scale <= 0:
            raise ValueError(f"expected a positive scale, got {scale}")
        nearest = self._distances(self._check(input)).argmin(axis=1)
        self.cluster_sample_count[...] = np.bincount(nearest, minlength=self.k)
        step = np.zeros_like(self.grad_weight)
        np.add.at(step, nearest, input - self.weight[nearest])
        # 1e-7 as in torch/nn: an empty cluster gets no step instead of a division by zero
        self.grad_weight -= scale * step / (self.cluster_sample_count[:, None] + 1e-7)

    def extra_repr(self) -> str:
        return f"{self.k}, {self.dim}"


def examples() -> list[Case]:
    """The conformance kit's cases for Kmeans."""
    return [
        Case(
            Kmeans(3, 2),
            input_shape=(6, 2),
            skip={"check_parameter_jacobian": "centres follow the k-means rule"},
        ),
    ]
