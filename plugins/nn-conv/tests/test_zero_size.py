"""nn-conv's layers given an input with an empty spatial or plane axis: an empty (or bias-only)
answer where the math gives one, a ShapeError saying what was expected otherwise, and a module
that still works on a normal input afterwards."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nncore import nn
from nncore.errors import ArgumentError, ShapeError

rng0 = np.random.default_rng(0)


def _still_works(module, x, before):
    """The module gives the output it gave on ``x`` before the empty input."""
    np.testing.assert_allclose(module.forward(x), before, atol=1e-12)


# ----------------------------------------------------------------------- local normalizations
@pytest.mark.parametrize(
    "name", ["SpatialSubtractiveNormalization", "SpatialDivisiveNormalization",
             "SpatialContrastiveNormalization"]
)  # fmt: skip
@pytest.mark.parametrize("shape", [(2, 2, 0, 4), (2, 2, 3, 0), (2, 0, 4), (2, 3, 0)])
def test_local_normalization_of_empty_planes_is_empty(name, shape):
    m = getattr(nn, name)(2, np.ones((3, 3)))
    x = rng0.standard_normal((2, 2, 4, 5))
    before = m.forward(x).copy()
    empty = np.zeros(shape)
    y = m.forward(empty)
    assert y.shape == shape
    grad = m.backward(empty, np.zeros(shape))
    assert grad.shape == shape
    _still_works(m, x, before)
    # and the border correction cached for the normal size is not the empty one
    np.testing.assert_allclose(getattr(nn, name)(2, np.ones((3, 3))).forward(x), before)


# ----------------------------------------------------------------------- fractional max pooling
@pytest.mark.parametrize(
    "make, shape, out, planes",
    [
        (lambda: nn.SpatialFractionalMaxPooling(2, 3, 3, 2), (2, 0, 5, 6), (2, 0, 2, 3), 1),
        (lambda: nn.SpatialFractionalMaxPooling(2, 3, 3, 2), (0, 5, 6), (0, 2, 3), 0),
        (lambda: nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.5), (3, 0, 8, 6), (3, 0, 4, 3), 1),
        (
            lambda: nn.VolumetricFractionalMaxPooling(2, 3, 2, 2, 3, 2),
            (2, 0, 4, 5, 3),
            (2, 0, 2, 3, 2),
            1,
        ),
    ],
)
def test_fractional_max_pooling_of_no_planes_has_no_planes(make, shape, out, planes):
    m = make()
    y = m.forward(np.zeros(shape))
    assert y.shape == out
    assert m.indices.shape == out
    grad = m.backward(np.zeros(shape), np.zeros(out))
    assert grad.shape == shape
    # then 3 planes: each output is the input at its recorded index, and the gradient of every
    # output lands on one input element
    x = rng0.standard_normal(shape[:planes] + (3,) + shape[planes + 1 :])
    y = m.forward(x)
    assert y.shape == out[:planes] + (3,) + out[planes + 1 :]
    spatial = len(out) - planes - 1  # the pooled axes
    flat_x = x.reshape(x.shape[: x.ndim - spatial] + (-1,))
    flat_i = m.indices.reshape(y.shape[: y.ndim - spatial] + (-1,))
    np.testing.assert_array_equal(y.reshape(flat_i.shape), np.take_along_axis(flat_x, flat_i, -1))
    g = rng0.standard_normal(y.shape)
    np.testing.assert_allclose(m.backward(x, g).sum(), g.sum(), atol=1e-12)


# ----------------------------------------------------------------------- transposed convolutions
def _map(kw, kh, dw=1, dh=1):
    return nn.SpatialFullConvolutionMap(nn.SpatialFullConvolutionMap.full(3, 2), kw, kh, dw, dh)


@pytest.mark.parametrize(
    "make, shape, out, spatial",
    [
        (lambda: nn.SpatialFullConvolution(3, 2, 3, 2), (2, 3, 0, 4), (2, 2, 1, 6), 2),
        (lambda: _map(3, 2), (2, 3, 0, 4), (2, 2, 1, 6), 2),
        (lambda: _map(3, 2, 2, 1), (3, 2, 0), (2, 3, 1), 2),
        (
            lambda: nn.VolumetricFullConvolution(2, 3, 2, 3, 2, 1, 2, 1),
            (2, 2, 0, 3, 4),
            (2, 3, 1, 4, 9),
            3,
        ),
        (
            lambda: nn.VolumetricFullConvolution(2, 3, 2, 3, 2, 1, 2, 1),
            (2, 3, 4, 0),
            (3, 4, 5, 1),
            3,
        ),
    ],
)
def test_transposed_convolution_of_an_empty_axis_is_the_bias(make, shape, out, spatial):
    """No input element scatters anything: the output sizes' formula still holds and every
    output is its plane's bias; the input gradient is empty and the weight's is zero."""
    m = make()
    normal = rng0.standard_normal(tuple(s or 2 for s in shape))
    before = m.forward(normal).copy()
    x = rng0.standard_normal(shape)
    y = m.forward(x)
    assert y.shape == out
    np.testing.assert_array_equal(y, np.broadcast_to(m.bias.reshape((-1,) + (1,) * spatial), out))
    m.zero_grad_parameters()
    g = rng0.standard_normal(out)
    assert m.backward(x, g).shape == shape
    assert not m.grad_weight.any()
    planes = len(out) - spatial - 1
    np.testing.assert_allclose(
        m.grad_bias, g.sum(axis=tuple(a for a in range(len(out)) if a != planes)), atol=1e-12
    )
    _still_works(m, normal, before)


@pytest.mark.parametrize(
    "make, shape, got",
    [
        (
            lambda: nn.SpatialFullConvolution(3, 2, 2, 2, 2, 2),
            (3, 0, 4),
            "(1, 3, 0, 4) (output 0x8)",
        ),
        (lambda: _map(2, 2, 2, 2), (2, 3, 4, 0), "(2, 3, 4, 0) (output 8x0)"),
        (
            lambda: nn.VolumetricFullConvolution(2, 3, 1, 3, 2),
            (2, 0, 3, 4),
            "(1, 2, 0, 3, 4) (output 0x4x6)",
        ),
    ],
)
def test_transposed_convolution_without_output_is_refused(make, shape, got):
    m = make()
    normal = rng0.standard_normal(tuple(s or 2 for s in shape))
    before = m.forward(normal).copy()
    with pytest.raises(ShapeError, match="expected an input giving a positive output size") as e:
        m.forward(np.zeros(shape))
    assert f"got shape {got}" in str(e.value)
    _still_works(m, normal, before)


# ----------------------------------------------------------------------- adaptive pooling, resizing
_ADAPTIVE = [nn.SpatialAdaptiveMaxPooling, nn.SpatialAdaptiveAveragePooling]


def _refuses(m, shape, normal_shape, got):
    normal = rng0.standard_normal(normal_shape)
    before = m.forward(normal).copy()
    with pytest.raises(ShapeError, match="expected nonzero spatial sizes for output size") as e:
        m.forward(np.zeros(shape))
    assert f"got input of shape {got}" in str(e.value)
    _still_works(m, normal, before)


@pytest.mark.parametrize("cls", _ADAPTIVE)
@pytest.mark.parametrize(
    "shape, got",
    [((2, 2, 0, 4), (2, 2, 0, 4)), ((2, 2, 5, 0), (2, 2, 5, 0)), ((2, 0, 4), (1, 2, 0, 4))],
)
def test_adaptive_pooling_of_an_empty_plane_is_refused(cls, shape, got):
    """An empty window has neither a max nor a mean (it gave zeros, or numpy's argmax error)."""
    _refuses(cls(2, 3), shape, (2, 2, 5, 4), got)


@pytest.mark.parametrize("cls", _ADAPTIVE)
def test_adaptive_pooling_of_no_planes_has_no_planes(cls):
    m = cls(2, 3)
    x = np.zeros((2, 0, 5, 4))
    y = m.forward(x)
    assert y.shape == (2, 0, 3, 2)
    assert m.backward(x, np.zeros(y.shape)).shape == x.shape


@pytest.mark.parametrize(
    "make, shape, got",
    [
        (
            lambda: nn.SpatialUpSamplingBilinear({"oheight": 4, "owidth": 2}),
            (1, 0, 3),
            (1, 1, 0, 3),
        ),
        (lambda: nn.SpatialUpSamplingBilinear((4, 2)), (2, 1, 3, 0), (2, 1, 3, 0)),
        (lambda: nn.UpSampling({"oheight": 4, "owidth": 3}, "linear"), (2, 1, 0, 2), (2, 1, 0, 2)),
        (
            lambda: nn.UpSampling({"odepth": 3, "oheight": 1, "owidth": 4}, "trilinear"),
            (1, 2, 2, 0, 2),
            (1, 2, 2, 0, 2),
        ),
    ],
)
def test_interpolating_an_empty_axis_to_a_given_size_is_refused(make, shape, got):
    """Linear interpolation to a positive size needs positions to interpolate between (it was
    numpy's IndexError)."""
    _refuses(make(), shape, tuple(s or 2 for s in shape), got)


@pytest.mark.parametrize(
    "make, shape, out",
    [
        (lambda: nn.SpatialUpSamplingBilinear(2), (2, 2, 0, 3), (2, 2, 0, 6)),
        (lambda: nn.SpatialUpSamplingBilinear(2), (2, 3, 0), (2, 6, 0)),
        (lambda: nn.UpSampling(2, "linear"), (1, 2, 0, 3), (1, 2, 0, 6)),
        (lambda: nn.UpSampling(3, "trilinear"), (1, 2, 2, 1, 0), (1, 2, 6, 3, 0)),
        (lambda: nn.UpSampling({"oheight": 4, "owidth": 3}, "linear"), (2, 0, 2, 2), (2, 0, 4, 3)),
    ],
)
def test_resizing_empty_to_empty_is_empty(make, shape, out):
    """A scale factor takes an empty axis to an empty one, and no planes to no planes."""
    m = make()
    x = np.zeros(shape)
    assert m.forward(x).shape == out
    assert m.backward(x, np.zeros(out)).shape == shape


# ----------------------------------------------------------------------- windows over nothing
@pytest.mark.parametrize("shape, got", [((2, 0, 6), "(0, 6)"), ((2, 3, 5, 0), "(5, 0)")])
def test_max_pooling_of_an_empty_plane_is_refused(backend, shape, got):
    """With padding the window fits an empty plane, but holds no element to take the max of
    (the compiled kernel left the output unwritten, the numpy one gave 0 at index -1)."""
    m = nn.SpatialMaxPooling(3, 2, 2, 1, 1, 1).ceil()
    normal = rng0.standard_normal(tuple(s or 4 for s in shape))
    before = m.forward(normal).copy()
    with pytest.raises(ShapeError, match="expected every pooling window to overlap the input"):
        m.forward(np.zeros(shape))
    with pytest.raises(ShapeError, match=f"got planes {re.escape(got)}"):
        m.forward(np.zeros(shape))
    _still_works(m, normal, before)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: nn.SpatialReplicationPadding(1, 2, 2, 0), (2, 2, 0, 3)),
        (lambda: nn.SpatialReplicationPadding(1, 2, 2, 0), (2, 4, 0)),
        (lambda: nn.VolumetricReplicationPadding(1, 0, 0, 1, 2, 1), (2, 2, 2, 0, 3)),
    ],
)
def test_replication_padding_of_an_empty_axis_is_refused(make, shape):
    """There is no border element to repeat (it gave zeros)."""
    m = make()
    normal = rng0.standard_normal(tuple(s or 3 for s in shape))
    before = m.forward(normal).copy()
    with pytest.raises(ShapeError, match="expected a nonzero size to replicate its border, got 0"):
        m.forward(np.zeros(shape))
    _still_works(m, normal, before)


def test_replication_padding_of_no_planes_has_no_planes():
    m = nn.SpatialReplicationPadding(1, 2, 2, 0)
    x = np.zeros((2, 0, 3, 4))
    assert m.forward(x).shape == (2, 0, 5, 7)
    assert m.backward(x, np.zeros((2, 0, 5, 7))).shape == x.shape


@pytest.mark.parametrize(
    "cls", [nn.SpatialZeroPadding, nn.SpatialReflectionPadding, nn.SpatialReplicationPadding]
)
def test_padding_leaves_an_empty_axis_it_does_not_pad_empty(cls):
    m = cls(1, 2, 0, 0)  # left 1, right 2; nothing above or below
    x = rng0.standard_normal((2, 3, 4))
    before = m.forward(x).copy()
    empty = np.zeros((2, 0, 4))
    assert m.forward(empty).shape == (2, 0, 7)
    assert m.backward(empty, np.ones((2, 0, 7))).shape == (2, 0, 4)
    _still_works(m, x, before)


def test_zero_padding_of_an_empty_axis_is_zeros_and_cropping_it_all_is_refused():
    y = nn.SpatialZeroPadding(0, 0, 1, 1).forward(np.zeros((2, 0, 3)))
    np.testing.assert_array_equal(y, np.zeros((2, 2, 3)))
    with pytest.raises(ShapeError, match="expected an input larger than the cropping"):
        nn.SpatialZeroPadding(-1, -1, 0, 0).forward(np.ones((2, 3, 2)))  # width 2 - 2 = 0
    with pytest.raises(ShapeError, match="expected a size above the reflection padding 1"):
        nn.SpatialReflectionPadding(0, 0, 1, 1).forward(np.zeros((2, 0, 3)))


@pytest.mark.parametrize("cls", [nn.SpatialAdaptiveMaxPooling, nn.SpatialAdaptiveAveragePooling])
@pytest.mark.parametrize("size", [(0, 3), (2, 0), (-1, 1)])
def test_adaptive_pooling_to_no_output_is_refused_at_construction(cls, size):
    with pytest.raises(ArgumentError, match=r"expected [wh] > 0"):
        cls(*size)


def test_a_size_error_names_no_negative_minimum():
    # 3x3 window, stride 2x1, padding 1 left/right and 2 top/bottom: any height fits
    m = nn.SpatialDepthWiseConvolution(2, 3, 3, 3, 2, 1, 1, 2)
    with pytest.raises(ShapeError, match=re.escape("at least (0, 1), got input of shape")):
        m.forward(np.zeros((2, 2, 6, 0)))
