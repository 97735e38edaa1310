"""FeatureLPPooling, SpatialDepthWiseConvolution and SpatialFullConvolutionMap against loops
written from torch/nn's THNN kernels, central differences and, where it is installed,
PyTorch."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from nncore import nn
from nncore.errors import ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_conv_checks import check_gradients  # noqa: E402

rng0 = np.random.default_rng(0)


# ------------------------------------------------------------------ FeatureLPPooling
def _feature_lp(x, width, stride, power, axis):
    """torch/nn's loop: for every output feature, (sum of x**power over its window)**(1/power)."""
    x = np.moveaxis(x, axis, 0)
    outs = [
        np.sum(x[f * stride : f * stride + width] ** power, axis=0) ** (1 / power)
        for f in range((x.shape[0] - width) // stride + 1)
    ]
    return np.moveaxis(np.stack(outs), 0, axis)


@pytest.mark.parametrize(
    "args, shape, axis",
    [
        ((2, 1, 2), (6,), 0),
        ((3, 2, 2.0), (7, 3), 0),
        ((2, 2, 3), (5, 2, 3), 0),
        ((2, 1, 2, True), (4, 5), 1),
        ((4, 3, 1.5, True), (2, 9, 3), 1),
        ((3, 1, 2, True), (2, 5, 2, 3), 1),
    ],
)
def test_feature_lp_pooling_values_and_gradients(args, shape, axis):
    pool = nn.FeatureLPPooling(*args)
    x = rng0.uniform(0.2, 2.0, shape)
    np.testing.assert_allclose(pool.forward(x), _feature_lp(x, *args[:3], axis), rtol=1e-12)
    check_gradients(pool, x)


def test_feature_lp_pooling_gradient_is_zero_where_the_norm_is():
    pool = nn.FeatureLPPooling(2, 2, 2)
    x = np.array([0.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(pool.forward(x), [0.0, 5.0])
    np.testing.assert_allclose(pool.backward(x, np.array([1.0, 1.0])), [0, 0, 0.6, 0.8])


def test_feature_lp_pooling_against_pytorch():
    torch = pytest.importorskip("torch")
    pool = nn.FeatureLPPooling(3, 2, 2, batch_mode=True)
    x = rng0.uniform(0.2, 2.0, (2, 9, 3))
    tx = torch.tensor(x, requires_grad=True)
    rows = tx.transpose(1, 2).reshape(6, 1, 9)  # the features last, one row per (example, column)
    ty = torch.nn.functional.lp_pool1d(rows, 2, 3, 2).reshape(2, 3, 4).transpose(1, 2)
    np.testing.assert_allclose(pool.forward(x), ty.detach().numpy(), rtol=1e-12)
    g = rng0.standard_normal((2, 4, 3))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(pool.backward(x, g), tx.grad.numpy(), rtol=1e-10)


def test_feature_lp_pooling_refuses():
    with pytest.raises(ValueError):
        nn.FeatureLPPooling(1, 1, 2)
    with pytest.raises(ValueError):
        nn.FeatureLPPooling(2, 5, 2)
    pool = nn.FeatureLPPooling(3, 1, 2)
    with pytest.raises(ShapeError, match="FeatureLPPooling"):
        pool.forward(np.ones(2))  # fewer features than the width
    with pytest.raises(ShapeError):
        pool.forward(np.ones((3, 3, 3, 3)))  # four dimensions want batch_mode
    with pytest.raises(ShapeError):
        nn.FeatureLPPooling(2, 1, 2, batch_mode=True).forward(np.ones(4))
    assert repr(nn.FeatureLPPooling(2, 1, 2, True)) == "nn.FeatureLPPooling(w2 s1 power 2, batch)"
