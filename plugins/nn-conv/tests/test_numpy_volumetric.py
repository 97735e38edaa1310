"""The volumetric layers and UpSampling against direct formulas, central differences and, where
it is installed, PyTorch: VolumetricDilatedMaxPooling, VolumetricBatchNormalization,
VolumetricFractionalMaxPooling, VolumetricMaxUnpooling, UpSampling."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from nncore import nn

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
