"""nn-conv's padding, upsampling and adaptive average pooling against loop formulas."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from nncore import nn
from nncore.errors import ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_conv_checks import check_batch, check_gradients, check_rejects  # noqa: E402

rng0 = np.random.default_rng(0)


# ----------------------------------------------------------------------- padding
def _pad_oracle(x, pads, source):
    """Loop over output positions; ``source(p, n)`` maps a padded position to an input one."""
    sizes = x.shape[-len(pads) :]
    out_sizes = [n + a + b for n, (a, b) in zip(sizes, pads, strict=True)]
    out = np.zeros(x.shape[: x.ndim - len(pads)] + tuple(out_sizes))
    for pos in itertools.product(*(range(o) for o in out_sizes)):
        src = [source(p - a, n) for p, (a, _), n in zip(pos, pads, sizes, strict=True)]
        if None not in src:
            out[(Ellipsis, *pos)] = x[(Ellipsis, *src)]
    return out


def _zero(p, n):
    return p if 0 <= p < n else None


def _reflect(p, n):
    while p < 0 or p >= n:
        p = -p if p < 0 else 2 * (n - 1) - p
    return p


def _replicate(p, n):
    return min(max(p, 0), n - 1)


@pytest.mark.parametrize(
    "name, source, pads",
    [
        ("SpatialZeroPadding", _zero, (1, 2, 0, 3)),
        ("SpatialZeroPadding", _zero, (-1, 1, 2, -2)),
        ("SpatialReflectionPadding", _reflect, (2, 1, 3, 0)),
        ("SpatialReplicationPadding", _replicate, (3, 1, 0, 2)),
    ],
)
def test_spatial_padding(name, source, pads):
    m = getattr(nn, name)(*pads)
    x = rng0.standard_normal((2, 3, 4, 5))
    expected = _pad_oracle(x, [(pads[2], pads[3]), (pads[0], pads[1])], source)
    np.testing.assert_allclose(m.forward(x), expected, atol=0)
    check_gradients(m, x[:1, :2])
    check_batch(m, x)
    check_rejects(m, np.zeros((4, 5)))
    check_rejects(m, "not an array")


def test_padding_defaults_and_too_small():
    assert nn.SpatialZeroPadding(2).forward(np.ones((1, 1, 1))).shape == (1, 5, 5)
    with pytest.raises(ShapeError):
        nn.SpatialZeroPadding(-2).forward(np.ones((1, 3, 3)))
    with pytest.raises(ShapeError):
        nn.SpatialReflectionPadding(3).forward(np.ones((1, 3, 3)))


def test_volumetric_replication_padding():
    pads = (1, 0, 2, 1, 0, 2)
    m = nn.VolumetricReplicationPadding(*pads)
    x = rng0.standard_normal((2, 2, 3, 2, 3))
    expected = _pad_oracle(x, [(0, 2), (2, 1), (1, 0)], _replicate)
    np.testing.assert_allclose(m.forward(x), expected, atol=0)
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((2, 3, 4)))


# ----------------------------------------------------------------------- upsampling
def test_up_sampling_nearest():
    m = nn.SpatialUpSamplingNearest(3)
    x = rng0.standard_normal((2, 2, 2, 3))
    y = m.forward(x)
    assert y.shape == (2, 2, 6, 9)
    for i, j in itertools.product(range(6), range(9)):
        np.testing.assert_array_equal(y[..., i, j], x[..., i // 3, j // 3])
    g = rng0.standard_normal(y.shape)
    expected = g.reshape(2, 2, 2, 3, 3, 3).sum(axis=(3, 5))
    np.testing.assert_allclose(m.backward(x, g), expected, atol=1e-12)
    check_batch(m, x)
    check_rejects(m, np.zeros(3))
    with pytest.raises(ValueError):
        nn.SpatialUpSamplingNearest(1.5)


def _bilinear_oracle(x, oh, ow):
    h, w = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i, j in itertools.product(range(oh), range(ow)):
        py = i * (h - 1) / (oh - 1) if oh > 1 else 0.0
        px = j * (w - 1) / (ow - 1) if ow > 1 else 0.0
        y0, x0 = int(py), int(px)
        y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
        fy, fx = py - y0, px - x0
        out[..., i, j] = (
            (1 - fy) * (1 - fx) * x[..., y0, x0]
            + (1 - fy) * fx * x[..., y0, x1]
            + fy * (1 - fx) * x[..., y1, x0]
            + fy * fx * x[..., y1, x1]
        )
    return out


@pytest.mark.parametrize(
    "params, size",
    [(2, (6, 8)), (3, (9, 12)), ({"oheight": 4, "owidth": 2}, (4, 2)), ((1, 6), (1, 6))],
)
def test_up_sampling_bilinear(params, size):
    m = nn.SpatialUpSamplingBilinear(params)
    x = rng0.standard_normal((2, 3, 3, 4))
    y = m.forward(x)
    assert y.shape == (2, 3) + size
    np.testing.assert_allclose(y, _bilinear_oracle(x, *size), atol=1e-12)
    check_gradients(m, x[0, :1])
    check_batch(m, x)


def test_adaptive_average_pooling():
    m = nn.SpatialAdaptiveAveragePooling(3, 2)
    x = rng0.standard_normal((2, 2, 5, 7))
    y = m.forward(x)
    assert y.shape == (2, 2, 2, 3)
    for i, j in itertools.product(range(2), range(3)):
        rows = slice(int(np.floor(i * 5 / 2)), int(np.ceil((i + 1) * 5 / 2)))
        cols = slice(int(np.floor(j * 7 / 3)), int(np.ceil((j + 1) * 7 / 3)))
        np.testing.assert_allclose(y[..., i, j], x[..., rows, cols].mean(axis=(-2, -1)), atol=1e-12)
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, "not an array")
