"""Tests of nn-conv's numpy layers against direct loop formulas on tiny inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import nncore
from nncore import nn
from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError


def numeric_gradients(module, x, rng):
    """Return (analytic, numeric) gradients of sum(forward(x) * r) for the input and parameters."""
    r = rng.standard_normal(module.forward(x).shape)
    module.zero_grad_parameters()
    module.forward(x)
    grads = [module.backward(x, r).copy()] + [g.copy() for g in module.parameters()[1]]
    arrays = [x] + module.parameters()[0]
    numeric = []
    for a in arrays:
        n = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + 1e-6
            up = np.sum(module.forward(x) * r)
            a[i] = old - 1e-6
            down = np.sum(module.forward(x) * r)
            a[i] = old
            n[i] = (up - down) / 2e-6
        numeric.append(n)
    return grads, numeric


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
    [(2, (5, 7)), (3, (7, 10)), ({"oheight": 4, "owidth": 2}, (4, 2)), ((1, 6), (1, 6))],
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


# ----------------------------------------------------------------------- convolutions
def _conv_oracle(x, weight, bias, stride, pad, dilation):
    """Direct loops over output positions; ``weight`` is ``(O, C, *K)``."""
    k = weight.ndim - 2
    xp = np.pad(x, [(0, 0)] * (x.ndim - k) + [(p, p) for p in pad])
    outs = [
        (s - d * (kk - 1) - 1) // st + 1
        for s, kk, st, d in zip(xp.shape[-k:], weight.shape[2:], stride, dilation, strict=True)
    ]
    y = np.zeros(x.shape[:1] + weight.shape[:1] + tuple(outs))
    for pos in np.ndindex(*outs):
        taps = tuple(
            slice(p * st, p * st + d * (kk - 1) + 1, d)
            for p, st, d, kk in zip(pos, stride, dilation, weight.shape[2:], strict=True)
        )
        patch = xp[(slice(None), slice(None)) + taps]  # (N, C, *K)
        y[(Ellipsis, *pos)] = (
            np.tensordot(patch, weight, axes=(list(range(1, 2 + k)), list(range(1, 2 + k)))) + bias
        )
    return y


def test_volumetric_convolution():
    m = nn.VolumetricConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 0, 1)
    x = rng0.standard_normal((2, 2, 3, 4, 5))
    expected = _conv_oracle(x, m.weight, m.bias, (1, 1, 2), (1, 1, 0), (1, 1, 1))
    np.testing.assert_allclose(m.forward(x), expected, atol=1e-12)
    check_gradients(m, x[:1])
    check_batch(m, x)
    check_rejects(m, np.zeros((3, 3, 4, 5)))
    check_rejects(m, np.zeros((2, 3, 4)))
    assert nn.VolumetricConvolution(1, 1, 1, 1, 1, 1, 1, 1, 2).pad_h == 2  # pads chain as torch's


def test_volumetric_dilated_convolution():
    m = nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 2, 1, 0, 1, 2, 1, 2)
    x = rng0.standard_normal((2, 2, 4, 5, 3))
    expected = _conv_oracle(x, m.weight, m.bias, (1, 2, 1), (1, 1, 0), (2, 2, 1))
    np.testing.assert_allclose(m.forward(x), expected, atol=1e-12)
    check_gradients(m, x[:1])
    check_batch(m, x)


def test_volumetric_full_convolution():
    m = nn.VolumetricFullConvolution(2, 3, 3, 2, 2, 2, 1, 2, 1, 0, 1, 1, 0, 1)
    x = rng0.standard_normal((2, 2, 2, 3, 2))
    y = m.forward(x)
    # sizes (in - 1) * d - 2 * pad + k + adj for (t, h, w)
    assert y.shape == (2, 3, 1 * 2 - 2 + 3 + 1, 2 * 2 - 2 + 2 + 1, 1 * 1 - 0 + 2 + 0)
    # scatter each input voxel times its filter into the padded output, by loops
    expected = np.zeros((2, 3, 6, 7, 3))
    for n, c, t, i, j in np.ndindex(x.shape):
        expected[n, :, 2 * t : 2 * t + 3, 2 * i : 2 * i + 2, j : j + 2] += (
            x[n, c, t, i, j] * m.weight[c]
        )
    expected = expected[:, :, 1:-1, 1:-1, :] + m.bias[:, None, None, None]
    np.testing.assert_allclose(y, expected, atol=1e-12)
    check_gradients(m, x[:1])
    check_batch(m, x)
    check_rejects(m, np.zeros((3, 2, 2, 2)))
    with pytest.raises(ValueError):
        nn.VolumetricFullConvolution(1, 1, 2, 2, 2, 1, 1, 1, 0, 0, 0, 1)


def test_convolution_local():
    m = nn.SpatialConvolutionLocal(2, 3, 5, 4, 3, 2, 2, 1, 1, 0)
    x = rng0.standard_normal((2, 2, 4, 5))
    y = m.forward(x)
    assert y.shape == (2, 3, 3, 3)
    xp = np.pad(x, [(0, 0), (0, 0), (0, 0), (1, 1)])
    for i, j in np.ndindex(3, 3):
        patch = xp[:, :, i : i + 2, 2 * j : 2 * j + 3]
        np.testing.assert_allclose(
            y[:, :, i, j],
            np.einsum("ncab,ocab->no", patch, m.weight[i, j]) + m.bias[:, i, j],
            atol=1e-12,
        )
    check_gradients(m, x[:1])
    check_batch(m, x)
    check_rejects(m, np.zeros((2, 4, 6)))
    check_rejects(m, np.zeros((3, 4, 5)))


def test_convolution_map():
    table = np.array([[0, 0], [2, 0], [1, 1], [2, 1], [0, 2]])
    m = nn.SpatialConvolutionMap(table, 2, 3, 1, 2)
    assert (m.n_input_plane, m.n_output_plane) == (3, 3)
    x = rng0.standard_normal((2, 3, 7, 4))
    y = m.forward(x)
    assert y.shape == (2, 3, 3, 3)
    expected = np.zeros(y.shape) + m.bias[:, None, None]
    for k, (src, dst) in enumerate(table):
        for i, j in np.ndindex(3, 3):
            patch = x[:, src, 2 * i : 2 * i + 3, j : j + 2]
            expected[:, dst, i, j] += (patch * m.weight[k]).sum(axis=(-2, -1))
    np.testing.assert_allclose(y, expected, atol=1e-12)
    check_gradients(m, x[:1])
    check_batch(m, x)
    check_rejects(m, np.zeros((2, 7, 4)))
    full = nn.SpatialConvolutionMap.full(2, 3)
    assert sorted(map(tuple, full)) == [(i, o) for i in range(2) for o in range(3)]
    np.testing.assert_array_equal(nn.SpatialConvolutionMap.one_to_one(3), [[0, 0], [1, 1], [2, 2]])
    nncore.manual_seed(0)
    rand = nn.SpatialConvolutionMap.random(6, 4, 3)
    assert rand.shape == (12, 2)
    for out in range(4):
        sources = rand[rand[:, 1] == out, 0]
        assert len(set(sources)) == 3 and sources.max() < 6
    with pytest.raises(ValueError):
        nn.SpatialConvolutionMap(np.array([0, 1]), 2, 2)


@pytest.mark.parametrize("feat_first", [False, True])
def test_temporal_row_convolution(feat_first):
    m = nn.TemporalRowConvolution(3, 3, 2, feat_first)
    x = rng0.standard_normal((2, 9, 3))
    frames = np.swapaxes(x, 1, 2) if feat_first else x
    y = m.forward(frames)
    y = np.swapaxes(y, 1, 2) if feat_first else y
    assert y.shape == (2, 4, 3)
    for t, f in np.ndindex(4, 3):
        np.testing.assert_allclose(
            y[:, t, f], x[:, 2 * t : 2 * t + 3, f] @ m.weight[f, 0] + m.bias[f], atol=1e-12
        )
    check_gradients(m, frames[:1])
    check_batch(m, frames)
    check_rejects(m, np.zeros((2, 2)))


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


# ------------------------------------------------------- optional PyTorch cross-checks
def _torch_pair(module, fn, x, atol=1e-10):
    """Compare forward and grad_input with PyTorch's functional ``fn`` (float64, autograd)."""
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x, requires_grad=True)
    ty = fn(torch, tx)
    y = module.forward(x)
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=atol, rtol=1e-9)
    g = rng0.standard_normal(y.shape)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(module.backward(x, g), tx.grad.numpy(), atol=atol, rtol=1e-9)
    return torch, g


def test_torch_volumetric_convolutions():
    x = rng0.standard_normal((2, 3, 4, 5, 6))
    conv = nn.VolumetricDilatedConvolution(3, 2, 2, 3, 2, 1, 2, 1, 1, 1, 0, 2, 1, 2)
    torch, g = _torch_pair(
        conv,
        lambda t, v: t.nn.functional.conv3d(
            v, t.tensor(conv.weight), t.tensor(conv.bias), (1, 1, 2), (1, 0, 1), (2, 2, 1)
        ),
        x,
    )
    full = nn.VolumetricFullConvolution(3, 2, 2, 3, 2, 2, 1, 2, 1, 1, 0, 1, 0, 1)
    _torch_pair(
        full,
        lambda t, v: t.nn.functional.conv_transpose3d(
            v, t.tensor(full.weight), t.tensor(full.bias), (2, 2, 1), (1, 0, 1), (1, 1, 0)
        ),
        x,
    )
    tw = torch.tensor(full.weight, requires_grad=True)
    ty = torch.nn.functional.conv_transpose3d(
        torch.tensor(x), tw, None, (2, 2, 1), (1, 0, 1), (1, 1, 0)
    )
    g = rng0.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    full.zero_grad_parameters()
    full.backward(x, g)
    np.testing.assert_allclose(full.grad_weight, tw.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_torch_max_poolings(ceil_mode):
    x = rng0.standard_normal((2, 3, 7, 8))
    m = nn.SpatialDilatedMaxPooling(3, 2, 2, 2, 1, 1, 1, 2, ceil_mode=ceil_mode)
    torch, _ = _torch_pair(
        m, lambda t, v: t.nn.functional.max_pool2d(v, (2, 3), (2, 2), (1, 1), (2, 1), ceil_mode), x
    )
    _, idx = torch.nn.functional.max_pool2d(
        torch.tensor(x), (2, 3), (2, 2), (1, 1), (2, 1), ceil_mode, return_indices=True
    )
    np.testing.assert_array_equal(m.indices, idx.numpy())
    v = nn.VolumetricMaxPooling(2, 3, 2, 2, 2, 1, 1, 1, 0, ceil_mode=ceil_mode)
    x5 = rng0.standard_normal((2, 2, 5, 4, 7))
    _torch_pair(
        v,
        lambda t, a: t.nn.functional.max_pool3d(
            a, (2, 2, 3), (2, 1, 2), (1, 0, 1), ceil_mode=ceil_mode
        ),
        x5,
    )
    pool = nn.SpatialDilatedMaxPooling(2, 2)
    pooled = pool.forward(x[..., :6, :])
    unpool = nn.SpatialMaxUnpooling(pool)
    expected = torch.nn.functional.max_unpool2d(torch.tensor(pooled), torch.tensor(pool.indices), 2)
    np.testing.assert_allclose(unpool.forward(pooled), expected.numpy(), atol=0)


def test_torch_adaptive_and_fractional_poolings():
    x = rng0.standard_normal((2, 3, 7, 9))
    _torch_pair(
        nn.SpatialAdaptiveMaxPooling(4, 3),
        lambda t, v: t.nn.functional.adaptive_max_pool2d(v, (3, 4)),
        x,
    )
    _torch_pair(
        nn.SpatialAdaptiveAveragePooling(4, 3),
        lambda t, v: t.nn.functional.adaptive_avg_pool2d(v, (3, 4)),
        x,
    )
    frac = nn.SpatialFractionalMaxPooling(2, 3, 5, 4)
    frac.forward(x)
    frac.fix_pooling_regions()
    samples = frac.random_samples
    _torch_pair(
        frac,
        lambda t, v: t.nn.functional.fractional_max_pool2d(
            v, (3, 2), output_size=(4, 5), _random_samples=t.tensor(samples)
        ),
        x,
    )


def test_torch_resampling_and_padding():
    x = rng0.standard_normal((2, 3, 4, 5))
    _torch_pair(
        nn.SpatialUpSamplingBilinear(3),
        lambda t, v: t.nn.functional.interpolate(
            v, size=(10, 13), mode="bilinear", align_corners=True
        ),
        x,
    )
    _torch_pair(
        nn.SpatialUpSamplingNearest(2),
        lambda t, v: t.nn.functional.interpolate(v, scale_factor=2, mode="nearest"),
        x,
    )
    for name, mode in (
        ("SpatialReflectionPadding", "reflect"),
        ("SpatialReplicationPadding", "replicate"),
        ("SpatialZeroPadding", "constant"),
    ):
        _torch_pair(
            getattr(nn, name)(1, 3, 2, 0),
            lambda t, v, mode=mode: t.nn.functional.pad(v, (1, 3, 2, 0), mode),
            x,
        )
    x5 = rng0.standard_normal((2, 2, 3, 4, 2))
    _torch_pair(
        nn.VolumetricReplicationPadding(1, 0, 2, 1, 0, 2),
        lambda t, v: t.nn.functional.pad(v, (1, 0, 2, 1, 0, 2), "replicate"),
        x5,
    )


def test_torch_normalizations():
    x = rng0.standard_normal((4, 6, 3, 3))
    _torch_pair(
        nn.SpatialCrossMapLRN(3, 0.3, 0.6, 1.5),
        lambda t, v: t.nn.functional.local_response_norm(v, 3, 0.3, 0.6, 1.5),
        x,
    )
    bn = nn.SpatialBatchNormalization(6, 1e-3, 0.3)
    torch = pytest.importorskip("torch")
    mean, var = torch.zeros(6, dtype=torch.float64), torch.ones(6, dtype=torch.float64)
    _torch_pair(
        bn,
        lambda t, v: t.nn.functional.batch_norm(
            v, mean, var, t.tensor(bn.weight), t.tensor(bn.bias), True, 0.3, 1e-3
        ),
        x,
    )
    # one training forward each: the running statistics moved the same way
    np.testing.assert_allclose(bn.running_mean, mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(bn.running_var, var.numpy(), atol=1e-12)
    rows = nn.TemporalRowConvolution(4, 3, 2, True)
    xr = rng0.standard_normal((2, 4, 9))
    _torch_pair(
        rows,
        lambda t, v: t.nn.functional.conv1d(
            v, t.tensor(rows.weight), t.tensor(rows.bias), 2, groups=4
        ),
        xr,
    )


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
