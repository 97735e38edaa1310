"""nn-conv's kernel-backed convolutions against direct formulas on tiny inputs, on both
backends."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from nn_conv.spatial_convolution import SpatialConvolution
from nn_conv.spatial_convolution_mm import SpatialConvolutionMM
from nn_conv.spatial_dilated_convolution import SpatialDilatedConvolution
from nn_conv.spatial_full_convolution import SpatialFullConvolution
from nn_conv.temporal_convolution import TemporalConvolution

from nncore.errors import InputTypeError, ShapeError
from nncore.testing import numeric_gradient as numeric_grad

#: every test runs on the compiled kernels and on their numpy twins (conftest.py)
pytestmark = pytest.mark.usefixtures("backend")
TOL = dict(rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------- direct formulas
def direct_conv(x, weight, bias, stride, pad, dilation=(1, 1)):
    """Convolution by the definition, one output pixel and one tap at a time."""
    batch, channels, height, width = x.shape
    n_out, _, kh, kw = weight.shape
    out_h = (height + 2 * pad[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    out_w = (width + 2 * pad[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((batch, n_out, out_h, out_w))
    for b, o, y, z, c, i, j in itertools.product(
        range(batch),
        range(n_out),
        range(out_h),
        range(out_w),
        range(channels),
        range(kh),
        range(kw),
    ):
        row = y * stride[0] - pad[0] + i * dilation[0]
        col = z * stride[1] - pad[1] + j * dilation[1]
        if 0 <= row < height and 0 <= col < width:
            out[b, o, y, z] += weight[o, c, i, j] * x[b, c, row, col]
    return out + (0 if bias is None else bias[:, None, None])


def assert_backward_matches(module, x, grad_output, definition, weight=True):
    """backward's input gradient (and with ``weight`` the weight's) against central differences
    of ``sum(definition() * grad_output)``, ``definition()`` computing the output of ``x``."""
    module.zero_grad_parameters()
    module.forward(x)
    grad_input = module.backward(x, grad_output)

    def loss():
        return np.sum(definition() * grad_output)

    np.testing.assert_allclose(grad_input, numeric_grad(loss, x), rtol=1e-6, atol=1e-7)
    if weight:
        np.testing.assert_allclose(
            module.grad_weight, numeric_grad(loss, module.weight), rtol=1e-6, atol=1e-7
        )


def assert_matches_definition(module, x, rng, definition, weight=True):
    """forward(x) against ``definition()``, then the gradients as :func:`assert_backward_matches`
    checks them for a random grad_output; returns the expected output and that grad_output."""
    expected = definition()
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    grad_output = rng.standard_normal(expected.shape)
    assert_backward_matches(module, x, grad_output, definition, weight)
    return expected, grad_output


# ----------------------------------------------------------------------- convolutions
@pytest.mark.parametrize("cls", [SpatialConvolution, SpatialConvolutionMM])
def test_spatial_convolution_matches_the_definition(cls):
    rng = np.random.default_rng(0)
    module = cls(2, 3, 3, 2, 2, 1, 1, 0)  # kw=3, kh=2, dw=2, dh=1, pad_w=1, pad_h=0
    x = rng.standard_normal((2, 2, 5, 6))
    expected, grad_output = assert_matches_definition(
        module, x, rng, lambda: direct_conv(x, module.weight, module.bias, (1, 2), (0, 1))
    )
    np.testing.assert_allclose(module.forward(x[1]), expected[1], **TOL)
    np.testing.assert_allclose(module.grad_bias, grad_output.sum(axis=(0, 2, 3)), **TOL)


def test_spatial_convolution_hand_computed():
    module = SpatialConvolution(1, 1, 2, 2, bias=False)
    module.weight[...] = [[[[1.0, 2.0], [3.0, 4.0]]]]
    x = np.arange(9.0).reshape(1, 3, 3)
    # top-left window [[0, 1], [3, 4]] -> 0 + 2 + 9 + 16 = 27; each step right adds 10, down 30
    np.testing.assert_allclose(module.forward(x), [[[27.0, 37.0], [57.0, 67.0]]])


@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("cls", [SpatialConvolution, SpatialFullConvolution])
def test_convolution_in_chunks_gives_the_same_result(monkeypatch, cls, keep):
    """Chunked GEMMs, with or without the whole batch's columns kept, change nothing."""
    from nn_conv import _gemm_conv, _workspace

    rng = np.random.default_rng(1)
    module = cls(3, 4, 3, 3, 1, 1, 1, 1)
    x = rng.standard_normal((5, 3, 6, 6))
    grad_output = rng.standard_normal((5, 4, 6, 6))
    monkeypatch.setattr(_gemm_conv, "SPREAD_CHUNK_BYTES", 2**30)
    module.forward(x)
    whole = module.forward(x), module.backward(x, grad_output), module.grad_weight.copy()
    module.zero_grad_parameters()
    monkeypatch.setattr(_workspace, "CHUNK_BYTES", 2 * 36 * 36 * 8)  # two examples per chunk
    monkeypatch.setattr(_gemm_conv, "SPREAD_CHUNK_BYTES", 2 * 36 * 36 * 8)
    monkeypatch.setattr(_workspace, "KEEP_BYTES", 2**30 if keep else 0)
    chunked = module.forward(x), module.backward(x, grad_output), module.grad_weight
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert (
        module._workspace.lookup("cols", x if cls is SpatialConvolution else grad_output)
        is not None
    ) == keep


@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("cls", [SpatialConvolution, SpatialFullConvolution])
def test_thin_convolutions_one_example_at_a_time_give_the_same_result(monkeypatch, cls, keep):
    """Few output planes take the per-example kernels; they agree with the batched GEMMs and
    with the definition, whether the forward columns are kept for the weight gradient or not."""
    from nn_conv import _gemm_conv, _workspace

    rng = np.random.default_rng(4)
    module = cls(3, 4, 3, 3, 2, 1, 1, 1)
    x = rng.standard_normal((5, 3, 9, 8))
    monkeypatch.setattr(_workspace, "KEEP_BYTES", 2**30 if keep else 0)
    runs = []
    for thin in (0, 32):  # 0: batched GEMMs; 32: one example at a time
        monkeypatch.setattr(_gemm_conv, "THIN_GEMM", thin)
        module.zero_grad_parameters()
        out = module.forward(x)
        grad_output = np.random.default_rng(5).standard_normal(out.shape)
        runs.append((out, module.backward(x, grad_output), module.grad_weight.copy()))
    for a, b in zip(*runs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    if cls is SpatialConvolution:
        expected = direct_conv(x, module.weight, module.bias, (1, 2), (1, 1))
        np.testing.assert_allclose(runs[1][0], expected, **TOL)


@pytest.mark.parametrize("pad", [(0, 0), (1, 1), (2, 1)])
def test_winograd_convolution_matches_the_definition(monkeypatch, pad):
    """3x3 stride-1 convolutions with many planes take the Winograd path; same results."""
    from nn_conv import _winograd_conv

    rng = np.random.default_rng(9)
    module = SpatialConvolution(3, 2, 3, 3, 1, 1, pad[1], pad[0])
    monkeypatch.setattr(_winograd_conv, "WINOGRAD_MIN_PLANES", 1)
    assert _winograd_conv.winograd_applies(module.geometry(), 3, 2)
    x = rng.standard_normal((2, 3, 7, 6))
    assert_matches_definition(
        module, x, rng, lambda: direct_conv(x, module.weight, module.bias, (1, 1), pad)
    )


def test_winograd_float32_agrees_with_im2col(monkeypatch):
    from nn_conv import _winograd_conv

    rng = np.random.default_rng(10)
    module = SpatialConvolution(16, 16, 3, 3, 1, 1, 1).float()
    x = rng.standard_normal((3, 16, 9, 10)).astype(np.float32)
    grad_output = rng.standard_normal((3, 16, 9, 10)).astype(np.float32)
    assert _winograd_conv.winograd_applies(module.geometry(), 16, 16)
    fast = module.forward(x), module.update_grad_input(x, grad_output)
    monkeypatch.setattr(_winograd_conv, "WINOGRAD_MIN_PLANES", 10**9)
    slow = module.forward(x), module.update_grad_input(x, grad_output)
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_spatial_convolution_float32_and_strided_input():
    rng = np.random.default_rng(2)
    module = SpatialConvolution(2, 2, 3, 3).float()
    x = rng.standard_normal((3, 2, 7, 9)).astype(np.float32)[:, :, :, ::2]  # not contiguous
    out = module.forward(x)
    assert out.dtype == np.float32
    expected = direct_conv(
        x.astype(np.float32).astype(np.float64),
        module.weight.astype(np.float64),
        module.bias.astype(np.float64),
        (1, 1),
        (0, 0),
    )
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_dilated_convolution_matches_the_definition():
    rng = np.random.default_rng(3)
    module = SpatialDilatedConvolution(2, 2, 2, 3, 1, 2, 1, 1, 3, 2)
    x = rng.standard_normal((2, 2, 7, 6))
    assert_matches_definition(
        module,
        x,
        rng,
        lambda: direct_conv(x, module.weight, module.bias, (2, 1), (1, 1), (2, 3)),
        weight=False,
    )


def direct_full_conv(x, weight, bias, stride, pad, adj):
    """Transposed convolution by scattering every input pixel's weighted kernel."""
    batch, channels, height, width = x.shape
    _, n_out, kh, kw = weight.shape
    out_h = (height - 1) * stride[0] - 2 * pad[0] + kh + adj[0]
    out_w = (width - 1) * stride[1] - 2 * pad[1] + kw + adj[1]
    out = np.zeros((batch, n_out, out_h, out_w))
    for b, c, y, z, i, j in itertools.product(
        range(batch), range(channels), range(height), range(width), range(kh), range(kw)
    ):
        row, col = y * stride[0] - pad[0] + i, z * stride[1] - pad[1] + j
        if 0 <= row < out_h and 0 <= col < out_w:
            out[b, :, row, col] += x[b, c, y, z] * weight[c, :, i, j]
    return out + bias[:, None, None]


def test_full_convolution_matches_the_definition():
    rng = np.random.default_rng(4)
    module = SpatialFullConvolution(2, 3, 3, 2, 2, 3, 1, 0, 1, 2)
    x = rng.standard_normal((2, 2, 3, 4))
    assert_matches_definition(
        module,
        x,
        rng,
        lambda: direct_full_conv(x, module.weight, module.bias, (3, 2), (0, 1), (2, 1)),
    )


def test_full_convolution_refuses_a_large_adjustment():
    with pytest.raises(ValueError, match="adj"):
        SpatialFullConvolution(1, 1, 3, 3, 2, 2, 0, 0, 2, 0)


def test_convolution_bad_inputs_leave_the_module_usable():
    module = SpatialConvolution(2, 3, 3, 3)
    with pytest.raises(InputTypeError):
        module.forward("not an array")
    with pytest.raises(ShapeError, match="size 2 in dimension 1"):
        module.forward(np.zeros((1, 3, 5, 5)))
    with pytest.raises(ShapeError):
        module.forward(np.zeros((1, 2, 2, 5)))  # smaller than the kernel
    with pytest.raises(ShapeError):
        module.forward(np.zeros((2, 5, 5)))
        module.backward(np.zeros((2, 5, 5)), np.zeros((3, 2, 2)))
    assert module.forward(np.zeros((2, 5, 5))).shape == (3, 3, 3)


def test_temporal_convolution_matches_the_definition():
    rng = np.random.default_rng(7)
    module = TemporalConvolution(3, 2, 3, 2)
    x = rng.standard_normal((2, 8, 3))
    frames = (8 - 3) // 2 + 1
    expected = np.zeros((2, frames, 2))
    for b, t, o in itertools.product(range(2), range(frames), range(2)):
        window = x[b, 2 * t : 2 * t + 3].reshape(-1)  # frame-major, as the weight
        expected[b, t, o] = module.weight[o] @ window + module.bias[o]
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    np.testing.assert_allclose(module.forward(x[0]), expected[0], **TOL)
    grad_output = rng.standard_normal(expected.shape)
    assert_backward_matches(module, x, grad_output, lambda: module.update_output(x))
    with pytest.raises(ShapeError):
        module.forward(np.zeros((2, 8, 4)))
