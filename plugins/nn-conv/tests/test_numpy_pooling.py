"""nn-conv's numpy poolings, unpooling and sub-sampling against loop formulas."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from nncore import nn
from nncore.errors import IndexOutOfRangeError, ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_conv_checks import check_batch, check_gradients, check_rejects  # noqa: E402

rng0 = np.random.default_rng(0)


# ----------------------------------------------------------------------- pooling
def _max_pool_oracle(x, kernel, stride, pad, dilation, ceil_mode=False):
    """Loops over output positions and window offsets; returns maxima and flat indices."""
    sizes = x.shape[-len(kernel) :]
    outs = []
    for s, k, st, p, d in zip(sizes, kernel, stride, pad, dilation, strict=True):
        span = d * (k - 1) + 1
        o = (int(np.ceil((s + 2 * p - span) / st)) if ceil_mode else (s + 2 * p - span) // st) + 1
        if ceil_mode and (o - 1) * st >= s + p:
            o -= 1
        outs.append(o)
    lead = x.shape[: x.ndim - len(kernel)]
    values, indices = np.zeros(lead + tuple(outs)), np.zeros(lead + tuple(outs), dtype=int)
    for lead_pos in np.ndindex(lead):
        for pos in np.ndindex(*outs):
            best, where = -np.inf, -1
            for off in np.ndindex(*kernel):
                src = [
                    o * st - p + k * d
                    for o, st, p, k, d in zip(pos, stride, pad, off, dilation, strict=True)
                ]
                if (
                    all(0 <= c < s for c, s in zip(src, sizes, strict=True))
                    and x[lead_pos + tuple(src)] > best
                ):
                    best, where = x[lead_pos + tuple(src)], np.ravel_multi_index(src, sizes)
            values[lead_pos + pos], indices[lead_pos + pos] = best, where
    return values, indices


@pytest.mark.parametrize(
    "args, ceil_mode",
    [
        ((2, 2), False),
        ((3, 2, 2, 1, 1, 0, 1, 1), False),
        ((2, 3, 1, 2, 1, 1, 2, 1), False),
        ((3, 3, 2, 2, 1, 1, 1, 1), True),
        ((2, 2, 2, 2), True),
    ],
)
def test_dilated_max_pooling(args, ceil_mode):
    m = nn.SpatialDilatedMaxPooling(*args, ceil_mode=ceil_mode)
    x = rng0.standard_normal((2, 2, 5, 6))
    expected, indices = _max_pool_oracle(x, m.kernel, m.stride, m.pad, m.dilation, ceil_mode)
    np.testing.assert_allclose(m.forward(x), expected, atol=0)
    np.testing.assert_array_equal(m.indices, indices)
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((3, 3)))
    check_rejects(nn.SpatialDilatedMaxPooling(3, 3), np.zeros((1, 2, 2)))
    with pytest.raises(ValueError):
        nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 2, 0)
    check_rejects(nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 1, 1, 2, 2), np.zeros((1, 1, 1)))


def test_volumetric_max_and_average_pooling():
    x = rng0.standard_normal((2, 2, 4, 5, 3))
    m = nn.VolumetricMaxPooling(2, 2, 2, 1, 2, 2, 1, 1, 0)
    expected, indices = _max_pool_oracle(x, (2, 2, 2), (1, 2, 2), (1, 0, 1), (1, 1, 1))
    np.testing.assert_allclose(m.forward(x), expected, atol=0)
    np.testing.assert_array_equal(m.indices, indices)
    check_gradients(m, x[0, :1])
    check_batch(m, x)
    avg = nn.VolumetricAveragePooling(2, 2, 3, 1, 1, 1)
    y = avg.forward(x)
    assert y.shape == (2, 2, 3, 3, 2)
    for pos in np.ndindex(*y.shape[2:]):
        t, i, j = pos
        np.testing.assert_allclose(
            y[(..., *pos)],
            x[..., t : t + 2, i : i + 3, j : j + 2].mean(axis=(-3, -2, -1)),
            atol=1e-12,
        )
    check_gradients(avg, x[0, :1])
    check_batch(avg, x)
    check_rejects(avg, np.zeros((2, 1, 1, 1)))


def test_adaptive_max_pooling():
    m = nn.SpatialAdaptiveMaxPooling(3, 2)
    x = rng0.standard_normal((2, 2, 5, 7))
    y = m.forward(x)
    for i, j in itertools.product(range(2), range(3)):
        rows = slice(int(np.floor(i * 5 / 2)), int(np.ceil((i + 1) * 5 / 2)))
        cols = slice(int(np.floor(j * 7 / 3)), int(np.ceil((j + 1) * 7 / 3)))
        np.testing.assert_allclose(y[..., i, j], x[..., rows, cols].max(axis=(-2, -1)), atol=0)
    flat = x.reshape(2, 2, -1)
    np.testing.assert_array_equal(
        np.take_along_axis(flat, m.indices.reshape(2, 2, -1), -1).reshape(y.shape), y
    )
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros(4))


def test_fractional_max_pooling():
    m = nn.SpatialFractionalMaxPooling(2, 3, 4, 3)
    x = rng0.standard_normal((2, 3, 7, 9))
    nncore.manual_seed(5)
    y = m.forward(x)
    assert y.shape == (2, 3, 3, 4)
    samples = m.random_samples
    assert samples.shape == (2, 3, 2) and np.all((samples >= 0) & (samples < 1))

    def starts(u, size, out, pool):
        alpha = (size - pool) / (out - 1)
        seq = [int((i + u) * alpha) - int(u * alpha) for i in range(out - 1)]
        return seq + [size - pool]

    for n, c in np.ndindex(2, 3):
        rows = starts(samples[n, c, 1], 7, 3, 3)
        cols = starts(samples[n, c, 0], 9, 4, 2)
        for i, j in np.ndindex(3, 4):
            window = x[n, c, rows[i] : rows[i] + 3, cols[j] : cols[j] + 2]
            assert y[n, c, i, j] == window.max()
    m.fix_pooling_regions()
    np.testing.assert_array_equal(m.forward(x), y)
    check_gradients(m, x[:1, :1])
    m.fix_pooling_regions(False)
    assert not np.array_equal(m.forward(x), y)
    ratio = nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.7)
    assert ratio.forward(x).shape == (2, 3, 4, 4)
    check_rejects(m, np.zeros((1, 3, 3)))


def test_max_unpooling():
    pool = nn.SpatialDilatedMaxPooling(2, 2)
    x = rng0.standard_normal((2, 3, 4, 6))
    pooled = pool.forward(x)
    unpool = nn.SpatialMaxUnpooling(pool)
    y = unpool.forward(pooled)
    expected = np.where(x == np.repeat(np.repeat(pooled, 2, axis=-2), 2, axis=-1), x, 0)
    np.testing.assert_allclose(y, expected, atol=0)
    g = rng0.standard_normal(y.shape)
    grad = unpool.backward(pooled, g)
    for n, c, i, j in np.ndindex(pooled.shape):
        block = x[n, c, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        a, b = np.unravel_index(block.argmax(), (2, 2))
        assert grad[n, c, i, j] == g[n, c, 2 * i + a, 2 * j + b]
    pool.indices[0, 0, 0, 0] = 24
    with pytest.raises(IndexError):
        unpool.forward(pooled)
    pool.indices[0, 0, 0, 0] = -1
    with pytest.raises(IndexOutOfRangeError):
        unpool.forward(pooled)
    with pytest.raises(ShapeError):
        unpool.forward(pooled[0])
    with pytest.raises(ValueError):
        nn.SpatialMaxUnpooling(nn.SpatialDilatedMaxPooling(3, 3, 2, 2))


def test_lp_pooling():
    m = nn.SpatialLPPooling(2, 3, 2, 3, 1, 2)
    x = rng0.uniform(0.5, 2.0, (2, 2, 5, 4))
    y = m.forward(x)
    assert y.shape == (2, 2, 2, 3)
    for i, j in np.ndindex(2, 3):
        window = x[..., 2 * i : 2 * i + 3, j : j + 2]
        np.testing.assert_allclose(
            y[..., i, j], np.cbrt((window**3).sum(axis=(-2, -1))), rtol=1e-12
        )
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((3, 5, 4)))


def test_sub_sampling():
    m = nn.SpatialSubSampling(2, 2, 3, 2, 1)
    x = rng0.standard_normal((2, 2, 5, 5))
    y = m.forward(x)
    assert y.shape == (2, 2, 3, 2)
    for c, i, j in np.ndindex(2, 3, 2):
        window = x[:, c, i : i + 3, 2 * j : 2 * j + 2]
        np.testing.assert_allclose(
            y[:, c, i, j], m.weight[c] * window.sum(axis=(-2, -1)) + m.bias[c], atol=1e-12
        )
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((3, 5, 5)))


def test_temporal_sub_sampling():
    m = nn.TemporalSubSampling(3, 3, 2)
    x = rng0.standard_normal((2, 8, 3))
    y = m.forward(x)
    assert y.shape == (2, 3, 3)
    for t in range(3):
        np.testing.assert_allclose(
            y[:, t], m.weight * x[:, 2 * t : 2 * t + 3].sum(axis=1) + m.bias, atol=1e-12
        )
    check_gradients(m, x[0])
    check_batch(m, x)
    check_rejects(m, np.zeros((8, 4)))
    check_rejects(m, np.zeros((2, 3)))


def test_max_unpooling_of_spatial_max_pooling():
    pool = nn.SpatialMaxPooling(2, 3)
    x = rng0.standard_normal((2, 6, 4))
    pooled = pool.forward(x)
    unpool = nn.SpatialMaxUnpooling(pool)
    y = unpool.forward(pooled)
    assert y.shape == x.shape
    for c, i, j in np.ndindex(pooled.shape):
        block = x[c, 3 * i : 3 * i + 3, 2 * j : 2 * j + 2]
        np.testing.assert_array_equal(
            y[c, 3 * i : 3 * i + 3, 2 * j : 2 * j + 2], np.where(block == block.max(), block, 0)
        )
    g = rng0.standard_normal(y.shape)
    grad = unpool.backward(pooled, g)
    for c, i, j in np.ndindex(pooled.shape):
        block = x[c, 3 * i : 3 * i + 3, 2 * j : 2 * j + 2]
        a, b = np.unravel_index(block.argmax(), block.shape)
        assert grad[c, i, j] == g[c, 3 * i + a, 2 * j + b]


def test_unpooling_restores_a_plane_that_pooling_did_not_tile_exactly():
    from nncore import nn

    x = np.random.default_rng(0).standard_normal((2, 5, 5))
    pool = nn.SpatialMaxPooling(2, 2)
    unpool = nn.SpatialMaxUnpooling(pool)
    pooled = pool.forward(x)
    restored = unpool.forward(pooled)
    assert restored.shape == (2, 5, 5)
    expected = np.zeros_like(x)
    for c in range(2):
        for i in range(2):
            for j in range(2):
                window = x[c, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
                y, z = np.unravel_index(np.argmax(window), window.shape)
                expected[c, 2 * i + y, 2 * j + z] = window[y, z]
    np.testing.assert_array_equal(restored, expected)


@pytest.mark.parametrize(
    "module, shape",
    [
        (nn.SpatialDilatedMaxPooling(2, 2, 2, 2, 1, 1), (1, 2, 4, 4)),
        (nn.SpatialDilatedMaxPooling(3, 3, 2, 2, 1, 1, 1, 1, ceil_mode=True), (2, 3, 5)),
        (nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2, 1, 1, 1), (1, 2, 4, 4, 4)),
    ],
    ids=repr,
)
def test_padded_max_pooling_passes_minus_infinity_and_nan_through(module, shape):
    # a window of -inf only is won by its first cell inside the plane, never by padding
    x = np.full(shape, -np.inf)
    out = module.forward(x)
    assert np.all(out == -np.inf)
    grad = module.backward(x, np.ones_like(out))
    assert grad.sum() == out.size  # every output's gradient lands inside the input
    # a NaN wins its windows, as in torch/nn: it is never silently dropped
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    x.flat[0] = np.nan
    out = module.forward(x)
    assert np.isnan(out).sum() >= 1
    assert np.isnan(module.backward(x, np.ones_like(out))).sum() == 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lp_pooling_of_norm_two_matches_the_window_norms_and_their_gradient(dtype):
    # the p = 2 path: square roots of window sums of squares, strides of 1 and 2
    m = nn.SpatialLPPooling(3, 2, 3, 2, 2, 1).type(dtype)
    x = rng0.standard_normal((2, 3, 6, 7)).astype(dtype)
    g = rng0.standard_normal((2, 3, 5, 3)).astype(dtype)
    y = m.forward(x)
    assert y.shape == g.shape and y.dtype == dtype
    expected = np.zeros(g.shape)
    grad = np.zeros(x.shape)
    for i, j in np.ndindex(5, 3):
        window = x[..., i : i + 2, 2 * j : 2 * j + 3].astype(np.float64)
        norm = np.sqrt((window**2).sum(axis=(-2, -1)))
        expected[..., i, j] = norm
        # d norm / d x = x / norm, summed where windows overlap
        grad[..., i : i + 2, 2 * j : 2 * j + 3] += (g[..., i, j] / norm)[..., None, None] * window
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(y, expected, rtol=rtol)
    np.testing.assert_allclose(m.backward(x, g), grad, rtol=rtol, atol=rtol)
