"""nn-conv's kernel-backed poolings against direct formulas on tiny inputs, on both backends."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from nn_conv.spatial_average_pooling import SpatialAveragePooling
from nn_conv.spatial_max_pooling import SpatialMaxPooling
from nn_conv.temporal_max_pooling import TemporalMaxPooling

from nncore.errors import InputTypeError, ShapeError
from nncore.testing import numeric_gradient as numeric_grad

#: every test runs on the compiled kernels and on their numpy twins (conftest.py)
pytestmark = pytest.mark.usefixtures("backend")
TOL = dict(rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------- pooling
def direct_pool(x, k, stride, pad, ceil, reduce, divisor):
    """Pooling by the definition: each window clipped to the plane, reduced with ``reduce``."""
    height, width = x.shape[-2:]
    sizes = []
    for size, kk, s, p in zip((height, width), k, stride, pad, strict=False):
        n = (int(np.ceil((size + 2 * p - kk) / s)) if ceil else (size + 2 * p - kk) // s) + 1
        if ceil and (n - 1) * s >= size + p:
            n -= 1
        sizes.append(n)
    out = np.zeros(x.shape[:-2] + tuple(sizes))
    for y, z in itertools.product(*map(range, sizes)):
        y0, z0 = y * stride[0] - pad[0], z * stride[1] - pad[1]
        window = x[..., max(y0, 0) : min(y0 + k[0], height), max(z0, 0) : min(z0 + k[1], width)]
        out[..., y, z] = reduce(window, y0, z0)
    return out


def _max(window, *_):
    return window.max(axis=(-2, -1))


@pytest.mark.parametrize("ceil", [False, True])
def test_max_pooling_matches_the_definition_and_routes_gradients(ceil):
    rng = np.random.default_rng(5)
    x = rng.permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 10.0
    module = SpatialMaxPooling(3, 2, 2, 2, 1, 1, ceil_mode=ceil)
    expected = direct_pool(x, (2, 3), (2, 2), (1, 1), ceil, _max, None)
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    grad_output = rng.standard_normal(expected.shape)

    def loss():
        return np.sum(direct_pool(x, (2, 3), (2, 2), (1, 1), ceil, _max, None) * grad_output)

    numeric = numeric_grad(loss, x)
    np.testing.assert_allclose(module.backward(x, grad_output), numeric, atol=1e-7)


def test_max_pooling_hand_computed():
    x = np.array([[[1.0, 5.0, 2.0], [4.0, 3.0, 0.0], [7.0, 6.0, 9.0]]])
    module = SpatialMaxPooling(2, 2, 1, 1)
    np.testing.assert_allclose(module.forward(x), [[[5.0, 5.0], [7.0, 9.0]]])
    np.testing.assert_array_equal(module.indices, [[[[1, 1], [6, 8]]]])
    # the 5 wins two windows, so it collects both gradients
    np.testing.assert_allclose(
        module.backward(x, np.ones((1, 2, 2))), [[[0, 2, 0], [0, 0, 0], [1, 0, 1]]]
    )


@pytest.mark.parametrize("shape", [(1, 2, 0, 5), (1, 2, 5, 0), (2, 0, 0)])
@pytest.mark.parametrize("pooling", [SpatialMaxPooling, SpatialAveragePooling])
def test_pooling_refuses_empty_planes_also_in_ceil_mode(pooling, shape):
    # in ceil mode with padding, a plane of height 0 still gives one window (all padding): it
    # has no maximum (computing one returned uninitialised memory) and no average
    module = pooling(3, 2, 2, 1, 1, 1).ceil()
    with pytest.raises(ShapeError, match="expected every pooling window to overlap the input"):
        module.forward(np.zeros(shape))
    np.testing.assert_allclose(module.forward(np.ones((1, 2, 2, 5)))[0, :, 1, 1], 1.0)  # usable


def test_max_pooling_backward_needs_its_forward():
    module = SpatialMaxPooling(2, 2)
    module.forward(np.zeros((1, 4, 4)))
    with pytest.raises(ShapeError):
        module.backward(np.zeros((1, 6, 6)), np.zeros((1, 3, 3)))


@pytest.mark.parametrize("include", [True, False])
@pytest.mark.parametrize("ceil", [False, True])
def test_average_pooling_matches_the_definition(include, ceil):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 2, 6, 7))
    k, stride, pad = (3, 2), (2, 2), (1, 1)
    height, width = x.shape[-2:]

    def mean(window, y0, z0):
        if include:
            count = (min(y0 + k[0], height + pad[0]) - y0) * (min(z0 + k[1], width + pad[1]) - z0)
        else:
            count = window.shape[-1] * window.shape[-2]
        return window.sum(axis=(-2, -1)) / count

    module = SpatialAveragePooling(2, 3, 2, 2, 1, 1, ceil_mode=ceil, count_include_pad=include)
    expected = direct_pool(x, k, stride, pad, ceil, mean, None)
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    grad_output = rng.standard_normal(expected.shape)

    def loss():
        return np.sum(direct_pool(x, k, stride, pad, ceil, mean, None) * grad_output)

    np.testing.assert_allclose(module.backward(x, grad_output), numeric_grad(loss, x), atol=1e-7)


def test_average_pooling_hand_computed():
    x = np.arange(16.0).reshape(1, 4, 4)
    np.testing.assert_allclose(
        SpatialAveragePooling(2, 2, 2, 2).forward(x), [[[2.5, 4.5], [10.5, 12.5]]]
    )
    # padded 3x3 window at the corner: 4 of its 9 cells inside the plane
    corner = SpatialAveragePooling(3, 3, 2, 2, 1, 1, count_include_pad=False).forward(x)[0, 0, 0]
    assert corner == pytest.approx((0 + 1 + 4 + 5) / 4)
    corner = SpatialAveragePooling(3, 3, 2, 2, 1, 1).forward(x)[0, 0, 0]
    assert corner == pytest.approx((0 + 1 + 4 + 5) / 9)


def test_pooling_keeps_float32_and_rejects_bad_input():
    x = np.ones((2, 4, 4), np.float32)
    assert SpatialMaxPooling(2, 2).float().forward(x).dtype == np.float32
    assert SpatialAveragePooling(2, 2).float().forward(x).dtype == np.float32
    with pytest.raises(InputTypeError):
        SpatialMaxPooling(2, 2).forward("not an array")
    with pytest.raises(ShapeError):
        SpatialMaxPooling(5, 5).float().forward(x)
    with pytest.raises(ValueError, match="half the kernel"):
        SpatialMaxPooling(2, 2, 2, 2, 2, 2)


def test_temporal_max_pooling_matches_the_definition():
    rng = np.random.default_rng(8)
    x = rng.permutation(2 * 9 * 3).reshape(2, 9, 3) * 1.0
    module = TemporalMaxPooling(3, 2)
    expected = np.stack([x[:, 2 * t : 2 * t + 3].max(axis=1) for t in range(4)], axis=1)
    np.testing.assert_allclose(module.forward(x), expected)
    grad_output = rng.standard_normal(expected.shape)
    grad = module.backward(x, grad_output)
    for b, t, f in itertools.product(range(2), range(4), range(3)):
        winner = 2 * t + np.argmax(x[b, 2 * t : 2 * t + 3, f])
        grad[b, winner, f] -= grad_output[b, t, f]
    np.testing.assert_allclose(grad, 0, atol=1e-12)
