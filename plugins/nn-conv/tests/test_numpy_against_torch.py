"""nn-conv's numpy layers against PyTorch's functional ops, where PyTorch is installed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from nncore import nn

sys.path.insert(0, str(Path(__file__).parent))

rng0 = np.random.default_rng(0)


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
            v, size=(12, 15), mode="bilinear", align_corners=True
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
