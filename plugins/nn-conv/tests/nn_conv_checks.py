"""Checks the nn-conv layer tests share: gradients by central differences, batch against
single examples, refused inputs (imported by the test modules beside it)."""

from __future__ import annotations

import numpy as np
import pytest

from nncore.errors import InputTypeError, ShapeError
from nncore.testing import numeric_gradient


def numeric_gradients(module, x, rng):
    """Return (analytic, numeric) gradients of sum(forward(x) * r) for the input and parameters."""
    r = rng.standard_normal(module.forward(x).shape)
    module.zero_grad_parameters()
    module.forward(x)
    grads = [module.backward(x, r).copy()] + [g.copy() for g in module.parameters()[1]]
    arrays = [x] + module.parameters()[0]
    return grads, [numeric_gradient(lambda: np.sum(module.forward(x) * r), a) for a in arrays]


def check_gradients(module, x, seed=0, atol=1e-6):
    grads, numeric = numeric_gradients(module, x, np.random.default_rng(seed))
    for g, n in zip(grads, numeric, strict=True):
        np.testing.assert_allclose(g, n, atol=atol, rtol=1e-5)


def check_batch(module, x):
    """The batch output equals example-by-example outputs."""
    batch = module.forward(x).copy()
    for i in range(x.shape[0]):
        np.testing.assert_allclose(module.forward(x[i]), batch[i], atol=1e-12)


def check_rejects(module, bad, error=(InputTypeError, ShapeError)):
    with pytest.raises(error):
        module.forward(bad)
