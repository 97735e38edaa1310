"""nn-conv's numpy convolutions (volumetric, local, map, temporal row) against loop formulas."""

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


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_conv_grad_input_is_the_adjoint_of_conv(stride, dims):
    """<conv(x, w), g> == <x, conv_grad_input(g, w)> for any pads up to the kernel's size
    minus one, before and after (stride 1 computes it as a flipped correlation, stride 2 by
    adding the windows back)."""
    from nn_conv._spatial import conv, conv_grad_input

    rng = np.random.default_rng(dims * 10 + stride)
    for _ in range(20):
        kernel = tuple(int(k) for k in rng.integers(1, 5, dims))
        sizes = tuple(int(k + s) for k, s in zip(kernel, rng.integers(0, 6, dims), strict=True))
        pads = [(int(rng.integers(0, k)), int(rng.integers(0, k))) for k in kernel]
        x, w = rng.standard_normal((2, 3, *sizes)), rng.standard_normal((4, 3, *kernel))
        y = conv(x, w, (stride,) * dims, pads)
        g = rng.standard_normal(y.shape)
        grad = conv_grad_input(g, w, sizes, (stride,) * dims, pads)
        assert grad.shape == x.shape
        np.testing.assert_allclose(np.vdot(y, g), np.vdot(x, grad), rtol=1e-10)
