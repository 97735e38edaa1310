"""nn-conv's batch normalization, feature dropout and local normalizations against loop
formulas."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from nncore import nn

sys.path.insert(0, str(Path(__file__).parent))
from nn_conv_checks import check_batch, check_gradients, check_rejects  # noqa: E402

rng0 = np.random.default_rng(0)


# ----------------------------------------------------------------------- batch normalization
def test_batch_normalization_train_and_eval():
    nncore.manual_seed(1)
    m = nn.SpatialBatchNormalization(3, eps=1e-3, momentum=0.2)
    m.bias[...] = [0.5, -1.0, 2.0]
    x = 2 + 3 * rng0.standard_normal((4, 3, 2, 3))
    y = m.forward(x)
    for c in range(3):
        values = x[:, c].ravel()
        mu, var = values.mean(), ((values - values.mean()) ** 2).mean()
        expected = (x[:, c] - mu) / np.sqrt(var + 1e-3) * m.weight[c] + m.bias[c]
        np.testing.assert_allclose(y[:, c], expected, atol=1e-12)
        np.testing.assert_allclose(m.running_mean[c], 0.2 * mu, atol=1e-12)
        np.testing.assert_allclose(m.running_var[c], 0.8 + 0.2 * values.var(ddof=1), atol=1e-12)
    check_gradients(m, x[:2, :, :1])
    m.evaluate()
    y = m.forward(x)
    expected = (x - m.running_mean[:, None, None]) / np.sqrt(
        m.running_var[:, None, None] + 1e-3
    ) * m.weight[:, None, None] + m.bias[:, None, None]
    np.testing.assert_allclose(y, expected, atol=1e-12)
    check_gradients(m, x[:2, :, :1])
    assert set(m.buffer_names) == {"running_mean", "running_var"}


def test_batch_normalization_without_affine():
    m = nn.SpatialBatchNormalization(2, affine=False)
    assert m.parameters()[0] == []
    x = rng0.standard_normal((3, 2, 2, 2))
    y = m.forward(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, atol=1e-3)
    check_gradients(m, x)
    check_rejects(m, np.zeros((2, 2, 2)))
    check_rejects(m, np.zeros((3, 4, 2, 2)))


# ----------------------------------------------------------------------- dropout
@pytest.mark.parametrize(
    "module, shape", [("SpatialDropout", (6, 50, 2, 2)), ("VolumetricDropout", (6, 50, 2, 1, 2))]
)
def test_feature_dropout(module, shape):
    m = getattr(nn, module)(0.3)
    x = rng0.standard_normal(shape) + 5
    nncore.manual_seed(3)
    y = m.forward(x)
    planes = y.reshape(shape[0], shape[1], -1)
    kept = np.all(planes == x.reshape(planes.shape), axis=-1)
    dropped = np.all(planes == 0, axis=-1)
    assert np.all(kept | dropped)
    assert 0.15 < dropped.mean() < 0.45
    g = rng0.standard_normal(shape)
    gi = m.backward(x, g).reshape(planes.shape)
    np.testing.assert_array_equal(gi[dropped], 0)
    np.testing.assert_array_equal(gi[kept], g.reshape(planes.shape)[kept])
    nncore.manual_seed(3)
    np.testing.assert_array_equal(m.forward(x), y)
    m.evaluate()
    np.testing.assert_allclose(m.forward(x), 0.7 * x, atol=1e-12)
    np.testing.assert_allclose(m.backward(x, g), 0.7 * g, atol=1e-12)
    check_rejects(m, np.zeros((2, 2)))


# ----------------------------------------------------------------------- normalization
def test_cross_map_lrn():
    m = nn.SpatialCrossMapLRN(3, 0.5, 0.75, 2.0)
    x = rng0.standard_normal((2, 5, 2, 3))
    y = m.forward(x)
    for c in range(5):
        window = x[:, max(c - 1, 0) : c + 2]
        scale = 2.0 + 0.5 / 3 * (window**2).sum(axis=1)
        np.testing.assert_allclose(y[:, c], x[:, c] * scale**-0.75, rtol=1e-12)
    check_gradients(m, x[0])
    check_gradients(nn.SpatialCrossMapLRN(4, 1.0, 0.6), x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((2, 3)))


def _local_sums(x, kernel2d):
    """By loops: sum over planes and taps of kernel * x (zero outside), and of kernel * 1."""
    c, h, w = x.shape
    kh, kw = kernel2d.shape
    total, covered = np.zeros((h, w)), np.zeros((h, w))
    for i, j in np.ndindex(h, w):
        for a, b in np.ndindex(kh, kw):
            r, s = i + a - kh // 2, j + b - kw // 2
            if 0 <= r < h and 0 <= s < w:
                total[i, j] += kernel2d[a, b] * x[:, r, s].sum()
                covered[i, j] += kernel2d[a, b] * c
    return total, covered


def _local_mean_oracle(x, kernel2d):
    total, covered = _local_sums(x, kernel2d)
    return total / covered


def test_subtractive_normalization():
    kernel = rng0.uniform(0.5, 1.5, (3, 5))
    m = nn.SpatialSubtractiveNormalization(2, kernel)
    x = rng0.standard_normal((2, 2, 4, 5))
    y = m.forward(x)
    for n in range(2):
        np.testing.assert_allclose(y[n], x[n] - _local_mean_oracle(x[n], kernel), atol=1e-12)
    k1 = np.array([1.0, 2.0, 1.0])
    one_d = nn.SpatialSubtractiveNormalization(2, k1)
    np.testing.assert_allclose(
        one_d.forward(x[0]), x[0] - _local_mean_oracle(x[0], np.outer(k1, k1)), atol=1e-12
    )
    check_gradients(m, x[0])
    check_gradients(one_d, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((3, 4, 5)))
    with pytest.raises(ValueError):
        nn.SpatialSubtractiveNormalization(1, np.ones((2, 3)))


def test_divisive_normalization():
    kernel = rng0.uniform(0.5, 1.5, (3, 3))
    m = nn.SpatialDivisiveNormalization(3, kernel, threshold=0.5, thresval=0.7)
    x = rng0.standard_normal((2, 3, 4, 4))
    y = m.forward(x)
    e = kernel / (kernel.sum() * 3)  # torch/nn's normalisation of a 2-D kernel
    for n in range(2):
        squares, covered = _local_sums(x[n] ** 2, e)
        std = np.sqrt(squares) / covered
        np.testing.assert_allclose(y[n], x[n] / np.where(std > 0.5, std, 0.7), rtol=1e-12)
    k1 = np.array([1.0, 3.0, 1.0])
    one_d = nn.SpatialDivisiveNormalization(2, k1)
    e1 = np.outer(k1, k1) / (k1.sum() ** 2 * 2)  # each axis divided by sum * sqrt(planes)
    squares, covered = _local_sums(x[0, :2] ** 2, e1)
    np.testing.assert_allclose(
        one_d.forward(x[0, :2]), x[0, :2] / (np.sqrt(squares) / covered), rtol=1e-12
    )
    check_gradients(m, x[0])
    check_gradients(nn.SpatialDivisiveNormalization(2, np.ones(3)), x[0, :2])
    check_batch(m, x)
    check_rejects(m, np.zeros((2, 4, 4)))


def test_contrastive_normalization():
    kernel = np.ones((3, 3))
    m = nn.SpatialContrastiveNormalization(2, kernel, 0.1)
    x = rng0.standard_normal((2, 2, 4, 4))
    sub = nn.SpatialSubtractiveNormalization(2, kernel)
    div = nn.SpatialDivisiveNormalization(2, kernel, 0.1)
    np.testing.assert_allclose(m.forward(x), div.forward(sub.forward(x)), atol=0)
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, "not an array")
