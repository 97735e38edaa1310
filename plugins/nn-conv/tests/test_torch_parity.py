"""Behaviours where nn-conv follows torch/nn's source: the chainable ``ceil()``/``floor()`` of
the max and average poolings and ``set_count_include_pad()``/``set_count_exclude_pad()`` of the
average pooling (``SpatialMaxPooling.lua``, ``SpatialAveragePooling.lua``,
``VolumetricMaxPooling.lua``), kept by ``config()`` so that saving and swapping keep the mode;
and ``SpatialUpSamplingBilinear(s)`` giving ``H*s`` rows as torch/nn's ``setSize`` does."""

from __future__ import annotations

import numpy as np
import pytest

import nncore
from nncore import nn

rng0 = np.random.default_rng(0)


# ------------------------------------------------------------------ ceil() and floor()
POOLINGS = [
    (lambda: nn.SpatialMaxPooling(3, 3, 2, 2), (1, 2, 6, 6), (3, 3), (2, 2)),
    (lambda: nn.SpatialAveragePooling(3, 3, 2, 2), (1, 2, 6, 6), (3, 3), (2, 2)),
    (lambda: nn.SpatialDilatedMaxPooling(3, 3, 2, 2), (1, 2, 6, 6), (3, 3), (2, 2)),
    (lambda: nn.VolumetricMaxPooling(3, 3, 3, 2, 2, 2), (1, 1, 6, 6, 6), (3, 3, 3), (2, 2, 2)),
]


@pytest.mark.parametrize("make, shape, ceiled, floored", POOLINGS)
def test_ceil_and_floor_chain_and_change_the_output_size(make, shape, ceiled, floored):
    pool = make()
    x = rng0.standard_normal(shape)
    assert pool.ceil() is pool and pool.ceil_mode
    assert pool.forward(x).shape[2:] == ceiled
    assert pool.floor() is pool and not pool.ceil_mode
    assert pool.forward(x).shape[2:] == floored


@pytest.mark.parametrize("make, shape, ceiled, floored", POOLINGS)
def test_config_save_and_swap_keep_the_ceil_mode(make, shape, ceiled, floored, tmp_path):
    pool = make().ceil()
    assert pool.config()["ceil_mode"] is True
    x = rng0.standard_normal(shape)
    assert type(pool).from_config(pool.config()).forward(x).shape[2:] == ceiled
    nncore.save(pool, tmp_path / "pool.safetensors")
    loaded = nncore.load(tmp_path / "pool.safetensors")
    np.testing.assert_array_equal(loaded.forward(x), pool.forward(x))
    net = nn.Sequential(pool)
    nncore.swap(net, type(pool), type(pool))
    assert net.get(0) is not pool and net.get(0).forward(x).shape[2:] == ceiled
    assert make().ceil().floor().config()["ceil_mode"] is False


# ------------------------------------------------------------------ count_include_pad
def test_average_pooling_count_pad_setters():
    pool = nn.SpatialAveragePooling(3, 3, 1, 1, 1, 1)
    x = np.ones((1, 3, 3))
    assert pool.forward(x)[0, 0, 0] == pytest.approx(4 / 9)  # padding counted (the default)
    assert pool.set_count_exclude_pad() is pool and not pool.count_include_pad
    np.testing.assert_allclose(pool.forward(x), np.ones((1, 3, 3)))
    g = rng0.standard_normal((1, 3, 3))
    grad = pool.backward(x, g)
    # each input cell receives g / (cells inside the window) from every window covering it
    counts = np.array([[4, 6, 4], [6, 9, 6], [4, 6, 4]], float)
    expected = sum(
        np.pad(g[0] / counts, 1)[1 + a : 4 + a, 1 + b : 4 + b]
        for a in (-1, 0, 1)
        for b in (-1, 0, 1)
    )
    np.testing.assert_allclose(grad[0], expected, rtol=1e-12)
    assert pool.set_count_include_pad() is pool and pool.count_include_pad
    assert pool.forward(x)[0, 0, 0] == pytest.approx(4 / 9)


def test_average_pooling_config_keeps_the_count_mode(tmp_path):
    pool = nn.SpatialAveragePooling(3, 3, 1, 1, 1, 1).set_count_exclude_pad().ceil()
    assert pool.config()["count_include_pad"] is False
    x = rng0.standard_normal((2, 4, 5))
    rebuilt = nn.SpatialAveragePooling.from_config(pool.config())
    np.testing.assert_array_equal(rebuilt.forward(x), pool.forward(x))
    nncore.save(pool, tmp_path / "pool.safetensors")
    np.testing.assert_array_equal(
        nncore.load(tmp_path / "pool.safetensors").forward(x), pool.forward(x)
    )
    net = nn.Sequential(pool)
    nncore.swap(net, "SpatialAveragePooling", "nn-conv:SpatialAveragePooling")
    np.testing.assert_array_equal(net.get(0).forward(x), pool.forward(x))


# ------------------------------------------------------------------ bilinear upsampling size
def test_bilinear_upsampling_by_a_factor_gives_size_times_factor():
    """torch/nn's setSize multiplies the sizes by the factor (its comment's (H-1)*(s-1)+H is
    stale): corners stay aligned, output row i samples input row i*(H-1)/(H*s-1)."""
    up = nn.SpatialUpSamplingBilinear(2)
    y = up.forward(np.array([[[0.0, 2.0]]]))
    assert y.shape == (1, 2, 4)
    np.testing.assert_allclose(y, [[[0.0, 2 / 3, 4 / 3, 2.0]] * 2], rtol=1e-12)
    assert up.forward(rng0.standard_normal((2, 3, 4, 5))).shape == (2, 3, 8, 10)
    assert nn.SpatialUpSamplingBilinear(1).forward(np.ones((1, 3, 4))).shape == (1, 3, 4)


def test_bilinear_upsampling_against_pytorch():
    torch = pytest.importorskip("torch")
    up = nn.SpatialUpSamplingBilinear(3)
    x = rng0.standard_normal((2, 2, 4, 3))
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.interpolate(tx, scale_factor=3, mode="bilinear", align_corners=True)
    np.testing.assert_allclose(up.forward(x), ty.detach().numpy(), atol=1e-12)
    g = rng0.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(up.backward(x, g), tx.grad.numpy(), atol=1e-12)
