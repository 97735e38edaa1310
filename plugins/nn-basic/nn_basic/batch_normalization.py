"""BatchNormalization: normalise every feature over the batch."""

from __future__ import annotations

import numpy as np

from nncore.plugin import (
    POSITIVE,
    Case,
    Module,
    StateError,
    expect_float,
    expect_ndim,
    expect_size,
    generator,
)

from ._rows import grad_rows


class BatchNormalization(Module):
    """``y = (x - mean) / sqrt(var + eps) * weight + bias`` per feature (torch/nn
    ``BatchNormalization``).

    Training: ``mean``/``var`` are the (biased) statistics of the ``(batch, n_output)`` input,
    and the buffers ``running_mean``/``running_var`` move toward the mean and the unbiased
    variance by ``momentum`` (only for batches of more than one row).  Evaluation: the running
    statistics are used, and a single ``(n_output,)`` example is accepted too.  With
    ``affine=False`` there is no ``weight``/``bias``.  In training,
    ``dx = w / std * (dy - mean(dy) - x_hat * mean(dy * x_hat))`` with ``x_hat`` the normalised
    input; ``dweight += scale * sum(dy * x_hat)``, ``dbias += scale * sum(dy)``.
    ``reset()`` draws ``weight`` from ``U(0, 1)``, zeroes ``bias`` and the running mean and sets
    the running variance to 1.

    >>> import numpy as np
    >>> m = BatchNormalization(1, affine=False)
    >>> m.forward(np.array([[1.0], [3.0]])).ravel()
    array([-0.999995,  0.999995])
    >>> m.running_mean, m.running_var
    (array([0.2]), array([1.1]))
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
        self.grad_weight = np.zeros(n_output) if affine else None
        self.bias = np.zeros(n_output) if affine else None
        self.grad_bias = np.zeros(n_output) if affine else None
        self.save_mean: np.ndarray | None = None
        self.save_std: np.ndarray | None = None
        self.reset()

    def reset(self, stdv: float | None = None) -> BatchNormalization:
        if self.weight is not None and self.bias is not None:
            self.weight[...] = generator().uniform(0.0, 1.0, self.weight.shape)
            self.bias[...] = 0
        self.running_mean[...] = 0
        self.running_var[...] = 1
        return self

    def _rows(self, input: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), 2 if self.train else (1, 2))
        expect_size(input, -1, self.running_mean.size)
        return np.atleast_2d(input)

    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The mean and ``1 / std`` used for ``x`` in the current mode."""
        if not self.train:
            return self.running_mean, 1 / np.sqrt(self.running_var + self.eps)
        if (
            self.save_mean is None
            or self.save_std is None  # set together with save_mean
            or self.save_mean.shape != self.running_mean.shape
        ):
            raise StateError("expected a forward in training mode before backward")
        return self.save_mean, self.save_std

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = self._rows(input)
        if self.train:
            mean, var = x.mean(axis=0), x.var(axis=0)
            self.save_mean = mean
            spread = np.sqrt(var + self.eps)
            # a constant feature with eps = 0 is left at zero, as torch/nn does, not divided by 0
            self.save_std = np.divide(1, spread, out=np.zeros_like(spread), where=spread > 0)
            if len(x) > 1:  # one row has no variance estimate: leave the statistics alone
                unbiased = var * len(x) / (len(x) - 1)
                self.running_mean += self.momentum * (mean - self.running_mean)
                self.running_var += self.momentum * (unbiased - self.running_var)
        mean, invstd = self._statistics(x)
        output = (x - mean) * invstd
        if self.weight is not None:
            output = output * self.weight + self.bias
        dtype = np.result_type(input, self.running_mean)
        return output.reshape(input.shape).astype(dtype, copy=False)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = self._rows(input)
        dy = grad_rows(grad_output, input.shape)
        mean, invstd = self._statistics(x)
        scale = invstd if self.weight is None else invstd * self.weight
        if not self.train:
            return (dy * scale).reshape(input.shape)
        normalized = (x - mean) * invstd
        centered = dy - dy.mean(axis=0) - normalized * np.mean(dy * normalized, axis=0)
        return (centered * scale).reshape(input.shape)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        if self.weight is None:
            return
        x = self._rows(input)
        dy = grad_rows(grad_output, input.shape)
        mean, invstd = self._statistics(x)
        self.grad_weight += scale * np.sum(dy * (x - mean) * invstd, axis=0)
        self.grad_bias += scale * dy.sum(axis=0)

    def extra_repr(self) -> str:
        return f"{self.running_mean.size}" + ("" if self.affine else ", affine=False")


def examples() -> list[Case]:
    """The conformance kit's cases for BatchNormalization."""
    return [
        Case(BatchNormalization(3), input_shape=(5, 3)),
        Case(BatchNormalization(3, affine=False, momentum=0.3), input_shape=(4, 3)),
        Case(BatchNormalization(3).evaluate(), input_shape=(4, 3), batched=True),
    ]
