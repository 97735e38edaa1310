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


# ------------------------------------------------------------------ SpatialDepthWiseConvolution
def _depthwise(x, weight, bias, stride, pad):
    """The loop of THNN's frame: plane c with filter m gives output plane c * M + m."""
    (dh, dw), (ph, pw) = stride, pad
    m_count, planes, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = (xp.shape[2] - kh) // dh + 1, (xp.shape[3] - kw) // dw + 1
    out = np.zeros((x.shape[0], planes * m_count, oh, ow))
    for c in range(planes):
        for m in range(m_count):
            for y in range(oh):
                for z in range(ow):
                    window = xp[:, c, y * dh : y * dh + kh, z * dw : z * dw + kw]
                    out[:, c * m_count + m, y, z] = np.sum(window * weight[m, c], axis=(1, 2))
            out[:, c * m_count + m] += 0 if bias is None else bias[m, c]
    return out


@pytest.mark.parametrize(
    "args, shape",
    [
        ((3, 2, 3, 2), (2, 3, 5, 6)),
        ((2, 3, 2, 3, 2, 1, 1, 2), (1, 2, 6, 4)),
        ((1, 1, 2, 2), (1, 1, 3, 3)),
    ],
)
def test_depthwise_convolution_values_and_gradients(args, shape):
    conv = nn.SpatialDepthWiseConvolution(*args)
    x = rng0.standard_normal(shape)
    expected = _depthwise(x, conv.weight, conv.bias, conv.stride(), conv.padding())
    np.testing.assert_allclose(conv.forward(x), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(conv.forward(x[0]), expected[0], rtol=1e-10, atol=1e-12)
    check_gradients(conv, x[0])


def test_depthwise_convolution_layouts_and_reset():
    conv = nn.SpatialDepthWiseConvolution(4, 3, 5, 2, bias=False)
    assert conv.weight.shape == (3, 4, 2, 5) and conv.bias is None
    assert np.abs(conv.weight).max() <= 1 / np.sqrt(5 * 2 * 4)
    assert repr(conv) == "nn.SpatialDepthWiseConvolution(4 -> 3, 5x2, without bias)"
    assert nn.SpatialDepthWiseConvolution(2, 2, 3, 3, 1, 1, 1).bias.shape == (2, 2)
    with pytest.raises(ShapeError, match="SpatialDepthWiseConvolution"):
        conv.forward(np.zeros((1, 3, 6, 6)))


def test_depthwise_convolution_against_pytorch():
    torch = pytest.importorskip("torch")
    conv = nn.SpatialDepthWiseConvolution(3, 2, 3, 2, 2, 1, 1, 0)
    x = rng0.standard_normal((2, 3, 7, 5))
    # PyTorch's grouped convolution: filter c * M + m is weight[m, c]
    tw = torch.tensor(conv.weight.transpose(1, 0, 2, 3).reshape(6, 1, 2, 3), requires_grad=True)
    tb = torch.tensor(conv.bias.T.reshape(6), requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=(1, 2), padding=(0, 1), groups=3)
    np.testing.assert_allclose(conv.forward(x), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng0.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    conv.zero_grad_parameters()
    np.testing.assert_allclose(conv.backward(x, g), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    expected_weight = tw.grad.numpy().reshape(3, 2, 2, 3).transpose(1, 0, 2, 3)
    np.testing.assert_allclose(conv.grad_weight, expected_weight, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(conv.grad_bias, tb.grad.numpy().reshape(3, 2).T, rtol=1e-10)


# ------------------------------------------------------------------ SpatialFullConvolutionMap
def _full_map(x, table, weight, bias, stride):
    """THNN's fullConv2Dptr loop: each input pixel adds its value times the filter."""
    dh, dw = stride
    kh, kw = weight.shape[1:]
    h, w = x.shape[-2:]
    out = np.zeros((x.shape[0], len(bias), (h - 1) * dh + kh, (w - 1) * dw + kw))
    out += bias[:, None, None]
    for k, (i, o) in enumerate(table):
        for y in range(h):
            for z in range(w):
                patch = x[:, i, y, z][:, None, None] * weight[k]
                out[:, o, y * dh : y * dh + kh, z * dw : z * dw + kw] += patch
    return out


@pytest.mark.parametrize(
    "table, kernel, stride, shape",
    [
        (np.array([[0, 0], [2, 0], [1, 1], [2, 1]]), (2, 3), (1, 1), (2, 3, 3, 4)),
        (np.array([[0, 1], [1, 0], [0, 0]]), (3, 2), (2, 3), (1, 2, 2, 3)),
        (np.array([[0, 0], [0, 0]]), (2, 2), (2, 2), (2, 1, 2, 2)),  # a repeated connection
    ],
)
def test_full_convolution_map_values_and_gradients(table, kernel, stride, shape):
    (kw, kh), (dw, dh) = kernel, stride
    m = nn.SpatialFullConvolutionMap(table, kw, kh, dw, dh)
    x = rng0.standard_normal(shape)
    expected = _full_map(x, table, m.weight, m.bias, (dh, dw))
    np.testing.assert_allclose(m.forward(x), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m.forward(x[0]), expected[0], rtol=1e-12, atol=1e-12)
    check_gradients(m, x[0])
    check_gradients(m, x)


def test_full_convolution_map_is_the_adjoint_of_the_convolution_map():
    """<full(x), y> = <x, conv(y)> with the same table and filters, both without bias."""
    table = nn.SpatialFullConvolutionMap.random(4, 3, 2)
    full = nn.SpatialFullConvolutionMap(table, 3, 2, 2, 1)
    conv = nn.SpatialConvolutionMap(table[:, ::-1], 3, 2, 2, 1)  # the planes swap roles
    conv.weight[...] = full.weight
    full.bias[...], conv.bias[...] = 0.0, 0.0
    x, y = rng0.standard_normal((2, 4, 3, 4)), rng0.standard_normal((2, 3, 4, 9))
    assert full.forward(x).shape == y.shape
    np.testing.assert_allclose(np.sum(full.forward(x) * y), np.sum(x * conv.forward(y)), rtol=1e-10)


def test_full_convolution_map_against_pytorch():
    torch = pytest.importorskip("torch")
    table = np.array([[0, 0], [2, 0], [1, 1], [2, 1]])
    m = nn.SpatialFullConvolutionMap(table, 3, 2, 2, 1)
    dense = np.zeros((3, 2, 2, 3))  # PyTorch's transposed weight: (in, out, kh, kw)
    np.add.at(dense, (table[:, 0], table[:, 1]), m.weight)
    x = rng0.standard_normal((2, 3, 3, 4))
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.conv_transpose2d(
        tx, torch.tensor(dense), torch.tensor(m.bias), stride=(1, 2)
    )
    np.testing.assert_allclose(m.forward(x), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng0.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(m.backward(x, g), tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_full_convolution_map_reset_and_refusals():
    table = np.array([[0, 0], [1, 0], [1, 1]])
    m = nn.SpatialFullConvolutionMap(table, 2, 3)
    bounds = 1 / np.sqrt(2 * 3 * np.array([2, 2, 1]))  # fan-in of each filter's output plane
    assert np.all(np.abs(m.weight).max(axis=(1, 2)) <= bounds)
    assert repr(m) == "nn.SpatialFullConvolutionMap(2 -> 2, 3 connections, 2x3, 1,1)"
    with pytest.raises(ValueError):
        nn.SpatialFullConvolutionMap(np.array([0, 1]), 2, 2)
    with pytest.raises(ShapeError, match="SpatialFullConvolutionMap"):
        m.forward(np.zeros((3, 2, 2)))
