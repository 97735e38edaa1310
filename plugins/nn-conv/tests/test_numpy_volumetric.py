"""The volumetric layers and UpSampling against direct formulas, central differences and, where
it is installed, PyTorch: VolumetricDilatedMaxPooling, VolumetricBatchNormalization,
VolumetricFractionalMaxPooling, VolumetricMaxUnpooling, UpSampling."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from nncore import nn
from nncore.errors import ShapeError, StateError

sys.path.insert(0, str(Path(__file__).parent))
from nn_conv_checks import check_batch, check_gradients  # noqa: E402

rng0 = np.random.default_rng(0)


def _distinct(shape):
    return rng0.permutation(int(np.prod(shape))).reshape(shape) / 7.0 - 1.0


# ------------------------------------------------------------------ VolumetricDilatedMaxPooling
def _dilated_max(x, k, d, p, dil):
    """The maximum of every dilated window, by loops over the output (padding never wins)."""
    sizes = x.shape[-3:]
    outs = [
        (s + 2 * pp - dd * (kk - 1) - 1) // st + 1
        for s, kk, st, pp, dd in zip(sizes, k, d, p, dil, strict=True)
    ]
    out = np.empty(x.shape[:-3] + tuple(outs))
    for index in np.ndindex(*outs):
        taps = [
            [o * st - pp + a * dd for a in range(kk) if 0 <= o * st - pp + a * dd < s]
            for o, st, pp, dd, kk, s in zip(index, d, p, dil, k, sizes, strict=True)
        ]
        out[(...,) + index] = x[(...,) + np.ix_(*taps)].reshape(x.shape[:-3] + (-1,)).max(-1)
    return out


def test_volumetric_dilated_max_pooling_values_and_gradients():
    pool = nn.VolumetricDilatedMaxPooling(2, 3, 2, 1, 2, 1, 1, 1, 0, 2, 1, 2)
    x = _distinct((2, 2, 5, 4, 6))
    y = pool.forward(x)
    np.testing.assert_array_equal(y, _dilated_max(x, (2, 2, 3), (1, 1, 2), (1, 0, 1), (2, 2, 1)))
    check_gradients(pool, x[0])
    check_batch(pool, x)


@pytest.mark.parametrize("ceil", [False, True])
def test_volumetric_dilated_max_pooling_against_pytorch(ceil):
    torch = pytest.importorskip("torch")
    pool = nn.VolumetricDilatedMaxPooling(3, 2, 2, 2, 2, 1, 1, 1, 0, 1, 2, 2, ceil_mode=ceil)
    x = _distinct((2, 3, 6, 5, 7))
    tx = torch.tensor(x, requires_grad=True)
    ty, ti = torch.nn.functional.max_pool3d(
        tx, (3, 2, 2), (2, 1, 2), (1, 0, 1), (1, 2, 2), ceil_mode=ceil, return_indices=True
    )
    np.testing.assert_array_equal(pool.forward(x), ty.detach().numpy())
    np.testing.assert_array_equal(pool.indices, ti.numpy())  # flat indices in each volume
    g = rng0.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(pool.backward(x, g), tx.grad.numpy(), atol=1e-12)


# ------------------------------------------------------------------ VolumetricBatchNormalization
def test_volumetric_batch_normalization_training_and_evaluation():
    bn = nn.VolumetricBatchNormalization(3, momentum=0.25)
    bn.weight[...], bn.bias[...] = [1.0, 2.0, 0.5], [0.0, -1.0, 3.0]
    x = rng0.standard_normal((2, 3, 2, 3, 4)) * np.array([1.0, 3.0, 0.1])[:, None, None, None]
    y = bn.forward(x)
    mean, var = x.mean(axis=(0, 2, 3, 4)), x.var(axis=(0, 2, 3, 4))
    expected = (x - mean[:, None, None, None]) / np.sqrt(var + 1e-5)[:, None, None, None]
    expected = expected * bn.weight[:, None, None, None] + bn.bias[:, None, None, None]
    np.testing.assert_allclose(y, expected, rtol=1e-10)
    np.testing.assert_allclose(bn.running_mean, 0.25 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, 0.75 + 0.25 * var * 48 / 47, rtol=1e-12)
    bn.evaluate()
    running = (x - bn.running_mean[:, None, None, None]) / np.sqrt(bn.running_var + 1e-5)[
        :, None, None, None
    ]
    np.testing.assert_allclose(
        bn.forward(x), running * bn.weight[:, None, None, None] + bn.bias[:, None, None, None]
    )
    bn.training()
    check_gradients(bn, x[:, :, :1])


def test_volumetric_batch_normalization_against_pytorch():
    torch = pytest.importorskip("torch")
    bn = nn.VolumetricBatchNormalization(2, 1e-3, 0.3)
    x = rng0.standard_normal((3, 2, 2, 3, 2))
    tx = torch.tensor(x, requires_grad=True)
    tw, tb = torch.tensor(bn.weight, requires_grad=True), torch.tensor(bn.bias, requires_grad=True)
    mean, var = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    ty = torch.nn.functional.batch_norm(tx, mean, var, tw, tb, True, 0.3, 1e-3)
    np.testing.assert_allclose(bn.forward(x), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean, mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, var.numpy(), rtol=1e-12)
    g = rng0.standard_normal(x.shape)
    ty.backward(torch.tensor(g))
    bn.zero_grad_parameters()
    np.testing.assert_allclose(bn.backward(x, g), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(bn.grad_weight, tw.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(bn.grad_bias, tb.grad.numpy(), rtol=1e-12)


def test_volumetric_batch_normalization_needs_a_batch_of_volumes():
    bn = nn.VolumetricBatchNormalization(2)
    with pytest.raises(ShapeError, match="VolumetricBatchNormalization"):
        bn.forward(np.zeros((2, 2, 3, 3)))  # one example: torch/nn wants 5 dimensions
    with pytest.raises(ShapeError):
        bn.forward(np.zeros((1, 2, 1, 1, 1)))  # one value per volume cannot be normalized
    with pytest.raises(ShapeError):
        bn.forward(np.zeros((2, 3, 2, 2, 2)))


# ------------------------------------------------------------------ UpSampling
def test_up_sampling_nearest_repeats_planes_and_volumes():
    x = rng0.standard_normal((2, 3, 2, 4))
    np.testing.assert_array_equal(nn.UpSampling(3).forward(x), x.repeat(3, 2).repeat(3, 3))
    v = rng0.standard_normal((1, 2, 2, 3, 2))
    np.testing.assert_array_equal(
        nn.UpSampling(2).forward(v), v.repeat(2, 2).repeat(2, 3).repeat(2, 4)
    )
    up = nn.UpSampling(2)
    g = rng0.standard_normal((1, 2, 4, 6, 4))
    up.forward(v)
    np.testing.assert_allclose(up.backward(v, g), g.reshape(1, 2, 2, 2, 3, 2, 2, 2).sum((3, 5, 7)))


def test_up_sampling_linear_multiplies_the_sizes_as_torch_nn_s_code():
    """torch/nn's setSize gives H * s in linear mode too (its comment's (H-1)*(s-1)+H is stale),
    the same as SpatialUpSamplingBilinear."""
    x = rng0.standard_normal((2, 2, 3, 4))
    y = nn.UpSampling(2, "bilinear").forward(x)
    assert y.shape == (2, 2, 6, 8)
    np.testing.assert_allclose(y, nn.SpatialUpSamplingBilinear(2).forward(x), rtol=1e-12)
    check_gradients(nn.UpSampling(2, "trilinear"), rng0.standard_normal((1, 1, 2, 3, 2)))
    check_gradients(nn.UpSampling({"oheight": 3, "owidth": 5}, "linear"), x[:1, :1])


@pytest.mark.parametrize(
    "params, shape, size",
    [
        (3, (2, 2, 3, 4), None),
        (2, (1, 2, 2, 3, 2), None),
        ({"oheight": 5, "owidth": 2}, (2, 1, 3, 4), (5, 2)),
    ],
)
def test_up_sampling_linear_against_pytorch(params, shape, size):
    torch = pytest.importorskip("torch")
    up = nn.UpSampling(params, "linear")
    x = rng0.standard_normal(shape)
    tx = torch.tensor(x, requires_grad=True)
    mode = "bilinear" if len(shape) == 4 else "trilinear"
    kwargs = {"size": size} if size else {"scale_factor": params}
    ty = torch.nn.functional.interpolate(tx, mode=mode, align_corners=True, **kwargs)
    np.testing.assert_allclose(up.forward(x), ty.detach().numpy(), atol=1e-12)
    g = rng0.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(up.backward(x, g), tx.grad.numpy(), atol=1e-12)


def test_up_sampling_output_sizes_for_volumes():
    up = nn.UpSampling({"odepth": 4, "oheight": 2, "owidth": 3}, "trilinear")
    assert up.forward(np.ones((1, 2, 2, 2, 2))).shape == (1, 2, 4, 2, 3)
    assert up.forward(np.ones((1, 2, 3, 3))).shape == (1, 2, 2, 3)
    assert (
        repr(up) == "nn.UpSampling(4x2x3, linear)"
        and repr(nn.UpSampling(2)) == "nn.UpSampling(2x, nearest)"
    )
    with pytest.raises(ShapeError, match="odepth"):
        nn.UpSampling({"oheight": 2, "owidth": 3}, "linear").forward(np.ones((1, 1, 2, 2, 2)))


def test_up_sampling_refuses():
    with pytest.raises(ValueError, match="scale factor"):
        nn.UpSampling({"oheight": 2, "owidth": 2})  # nearest needs a factor
    with pytest.raises(ValueError):
        nn.UpSampling(1.5)
    with pytest.raises(ValueError, match="mode"):
        nn.UpSampling(2, "bicubic")
    with pytest.raises(ShapeError, match="UpSampling"):
        nn.UpSampling(2).forward(np.ones((2, 3, 4)))  # one example: torch/nn wants a batch


# ------------------------------------------------------------------ VolumetricFractionalMaxPooling
def _intervals(sample, size, out, pool):
    """THNN's generateIntervals: C truncation of (i + u) * alpha, the last window at the end."""
    alpha = (size - pool) / (out - 1) if out > 1 else 0.0
    return [int((i + sample) * alpha) - int(sample * alpha) for i in range(out - 1)] + [size - pool]


def _fractional3d(x, samples, out, pool):
    """THNN's frame on (C, H, W, T) volumes, samples (time, width, height) per plane."""
    (oh, ow, ot), (ph, pw, pt) = out, pool
    n, c, h, w, t = x.shape
    values, indices = np.empty((n, c, oh, ow, ot)), np.empty((n, c, oh, ow, ot), np.int64)
    for b in range(n):
        for p in range(c):
            u = samples[b, p]
            rows = _intervals(u[2], h, oh, ph)
            cols = _intervals(u[1], w, ow, pw)
            times = _intervals(u[0], t, ot, pt)
            for i, j, k in np.ndindex(oh, ow, ot):
                window = x[
                    b, p, rows[i] : rows[i] + ph, cols[j] : cols[j] + pw, times[k] : times[k] + pt
                ]
                a, e, f = np.unravel_index(window.argmax(), window.shape)
                values[b, p, i, j, k] = window[a, e, f]
                indices[b, p, i, j, k] = ((rows[i] + a) * w + cols[j] + e) * t + times[k] + f
    return values, indices


def test_volumetric_fractional_max_pooling_follows_thnn():
    pool = nn.VolumetricFractionalMaxPooling(2, 3, 2, 3, 2, 4)  # pools t, w, h; outputs t, w, h
    x = _distinct((2, 2, 7, 6, 5))
    y = pool.forward(x)
    assert y.shape == (2, 2, 4, 2, 3) and pool.random_samples.shape == (2, 2, 3)
    values, indices = _fractional3d(x, pool.random_samples, (4, 2, 3), (2, 3, 2))
    np.testing.assert_array_equal(y, values)
    np.testing.assert_array_equal(pool.indices, indices)
    pool.fix_pooling_regions()
    np.testing.assert_array_equal(pool.forward(x), y)
    check_gradients(pool, x)


def test_volumetric_fractional_max_pooling_ratios_and_fresh_regions():
    pool = nn.VolumetricFractionalMaxPooling(2, 2, 2, 0.5, 0.6, 0.45)
    x = _distinct((1, 9, 10, 8))
    assert pool.forward(x).shape == (1, 4, 6, 4)  # floor of H*0.45, W*0.6, T*0.5
    first = pool.random_samples.copy()
    pool.forward(x)
    assert not np.array_equal(first, pool.random_samples)  # new regions at every forward
    with pytest.raises(ValueError):
        nn.VolumetricFractionalMaxPooling(2, 2, 2, 0.5, 2, 0.5)
    with pytest.raises(ShapeError, match="VolumetricFractionalMaxPooling"):
        nn.VolumetricFractionalMaxPooling(2, 2, 2, 4, 4, 4).forward(np.ones((1, 4, 4, 4)))


def test_volumetric_fractional_max_pooling_against_pytorch():
    torch = pytest.importorskip("torch")
    pool = nn.VolumetricFractionalMaxPooling(2, 3, 2, 3, 2, 4).fix_pooling_regions()
    x = _distinct((2, 2, 7, 6, 5))  # (N, C, H, W, T)
    pool.forward(x)
    tx = torch.tensor(x.transpose(0, 1, 4, 2, 3), requires_grad=True)  # PyTorch's (N, C, T, H, W)
    ty, ti = torch.nn.functional.fractional_max_pool3d(
        tx,
        (2, 2, 3),
        output_size=(3, 4, 2),
        return_indices=True,
        _random_samples=torch.tensor(pool.random_samples[..., [0, 2, 1]]),  # PyTorch: t, h, w
    )
    np.testing.assert_array_equal(pool.forward(x), ty.detach().numpy().transpose(0, 1, 3, 4, 2))
    t_index, rest = np.divmod(ti.numpy().transpose(0, 1, 3, 4, 2), 7 * 6)
    np.testing.assert_array_equal(pool.indices, rest * 5 + t_index)
    g = rng0.standard_normal(pool.output.shape)
    ty.backward(torch.tensor(g.transpose(0, 1, 4, 2, 3)))
    np.testing.assert_allclose(
        pool.backward(x, g), tx.grad.numpy().transpose(0, 1, 3, 4, 2), atol=1e-12
    )


# ------------------------------------------------------------------ VolumetricMaxUnpooling
def test_volumetric_max_unpooling_puts_the_maxima_back():
    pool = nn.VolumetricMaxPooling(2, 2, 2)
    x = _distinct((2, 3, 4, 4, 6))
    unpool = nn.VolumetricMaxUnpooling(pool)
    y = unpool.forward(pool.forward(x))
    assert y.shape == x.shape
    blocks = x.reshape(2, 3, 2, 2, 2, 2, 3, 2)
    is_max = blocks == blocks.max(axis=(3, 5, 7), keepdims=True)
    np.testing.assert_array_equal(y, np.where(is_max, blocks, 0).reshape(x.shape))
    check_gradients(unpool, pool.output)
    np.testing.assert_array_equal(unpool.forward(pool.forward(x[1])), y[1])  # one example


def test_volumetric_max_unpooling_against_pytorch():
    torch = pytest.importorskip("torch")
    pool = nn.VolumetricMaxPooling(1, 2, 3)  # kt, kw, kh
    x = _distinct((2, 2, 3, 6, 4))
    pooled = pool.forward(x)
    unpool = nn.VolumetricMaxUnpooling(pool)
    tp = torch.tensor(pooled, requires_grad=True)
    ty = torch.nn.functional.max_unpool3d(
        tp, torch.tensor(pool.indices), (1, 3, 2), output_size=(3, 6, 4)
    )
    np.testing.assert_array_equal(unpool.forward(pooled), ty.detach().numpy())
    g = rng0.standard_normal(x.shape)
    ty.backward(torch.tensor(g))
    np.testing.assert_array_equal(unpool.backward(pooled, g), tp.grad.numpy())


def test_volumetric_max_unpooling_output_size_without_the_pooling_s_record():
    class Pooling:  # torch/nn's fields only: the size comes from itime/iheight/iwidth
        kt = dt = kh = dh = kw = dw = 2
        itime, iheight, iwidth = 5, 4, 4
        indices = np.zeros((1, 2, 2, 2), np.int64)

    assert nn.VolumetricMaxUnpooling(Pooling()).forward(np.ones((1, 2, 2, 2))).shape == (1, 5, 4, 4)
    Pooling.itime = None  # then torch/nn's formula (n - 1) * d + k
    assert nn.VolumetricMaxUnpooling(Pooling()).forward(np.ones((1, 2, 2, 2))).shape == (1, 4, 4, 4)


def test_volumetric_max_unpooling_refuses():
    with pytest.raises(ValueError, match="kernel equals its stride"):
        nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1))
    unpool = nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2))
    with pytest.raises(StateError, match="VolumetricMaxUnpooling"):
        unpool.forward(np.ones((1, 2, 2, 2)))
    unpool.pooling.forward(np.ones((1, 4, 4, 4)))
    with pytest.raises(ShapeError):
        unpool.forward(np.ones((1, 3, 2, 2)))
    assert repr(unpool).startswith(
        "nn.VolumetricMaxUnpooling(associated to nn.VolumetricMaxPooling"
    )
