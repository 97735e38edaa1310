"""nn-conv's kernel-backed layers against direct formulas on tiny inputs, on both backends."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from nn_conv import _backend
from nn_conv.lookup_table import LookupTable
from nn_conv.spatial_average_pooling import SpatialAveragePooling
from nn_conv.spatial_convolution import SpatialConvolution
from nn_conv.spatial_convolution_mm import SpatialConvolutionMM
from nn_conv.spatial_dilated_convolution import SpatialDilatedConvolution
from nn_conv.spatial_full_convolution import SpatialFullConvolution
from nn_conv.spatial_max_pooling import SpatialMaxPooling
from nn_conv.temporal_convolution import TemporalConvolution
from nn_conv.temporal_max_pooling import TemporalMaxPooling

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError

TOL = dict(rtol=1e-10, atol=1e-12)


@pytest.fixture(params=["compiled", "reference"], autouse=True)
def backend(request):
    """Run every test on the compiled kernels and on the numpy reference."""
    saved = _backend.ACTIVE
    if request.param == "compiled":
        if not _backend.is_compiled():
            pytest.skip("the extensions are not built")
    else:
        _backend.activate(_backend.REFERENCE)
    yield request.param
    _backend.activate(saved)


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


def numeric_grad(f, array, eps=1e-6):
    """Central differences of the scalar ``f()`` with respect to every element of ``array``."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + eps
        up = f()
        array[index] = keep - eps
        down = f()
        array[index] = keep
        grad[index] = (up - down) / (2 * eps)
    return grad


# ----------------------------------------------------------------------- convolutions
@pytest.mark.parametrize("cls", [SpatialConvolution, SpatialConvolutionMM])
def test_spatial_convolution_matches_the_definition(cls):
    rng = np.random.default_rng(0)
    module = cls(2, 3, 3, 2, 2, 1, 1, 0)  # kw=3, kh=2, dw=2, dh=1, pad_w=1, pad_h=0
    x = rng.standard_normal((2, 2, 5, 6))
    expected = direct_conv(x, module.weight, module.bias, (1, 2), (0, 1))
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    np.testing.assert_allclose(module.forward(x[1]), expected[1], **TOL)

    grad_output = rng.standard_normal(expected.shape)
    module.zero_grad_parameters()
    grad_input = module.backward(x, grad_output)

    def loss():
        return np.sum(direct_conv(x, module.weight, module.bias, (1, 2), (0, 1)) * grad_output)

    np.testing.assert_allclose(grad_input, numeric_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        module.grad_weight, numeric_grad(loss, module.weight), rtol=1e-6, atol=1e-7
    )
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
    expected = direct_conv(x, module.weight, module.bias, (1, 1), pad)
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    grad_output = rng.standard_normal(expected.shape)
    module.zero_grad_parameters()
    grad_input = module.backward(x, grad_output)

    def loss():
        return np.sum(direct_conv(x, module.weight, module.bias, (1, 1), pad) * grad_output)

    np.testing.assert_allclose(grad_input, numeric_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        module.grad_weight, numeric_grad(loss, module.weight), rtol=1e-6, atol=1e-7
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
    x = rng.standard_normal((3, 2, 7, 9))[:, :, :, ::2]  # not contiguous
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
    expected = direct_conv(x, module.weight, module.bias, (2, 1), (1, 1), (2, 3))
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    grad_output = rng.standard_normal(expected.shape)

    def loss():
        return np.sum(
            direct_conv(x, module.weight, module.bias, (2, 1), (1, 1), (2, 3)) * grad_output
        )

    np.testing.assert_allclose(
        module.backward(x, grad_output), numeric_grad(loss, x), rtol=1e-6, atol=1e-7
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
    expected = direct_full_conv(x, module.weight, module.bias, (3, 2), (0, 1), (2, 1))
    np.testing.assert_allclose(module.forward(x), expected, **TOL)
    grad_output = rng.standard_normal(expected.shape)
    module.zero_grad_parameters()
    grad_input = module.backward(x, grad_output)

    def loss():
        return np.sum(
            direct_full_conv(x, module.weight, module.bias, (3, 2), (0, 1), (2, 1)) * grad_output
        )

    np.testing.assert_allclose(grad_input, numeric_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        module.grad_weight, numeric_grad(loss, module.weight), rtol=1e-6, atol=1e-7
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
    assert SpatialMaxPooling(2, 2).forward(x).dtype == np.float32
    assert SpatialAveragePooling(2, 2).forward(x).dtype == np.float32
    with pytest.raises(InputTypeError):
        SpatialMaxPooling(2, 2).forward("not an array")
    with pytest.raises(ShapeError):
        SpatialMaxPooling(5, 5).forward(x)
    with pytest.raises(ValueError, match="half the kernel"):
        SpatialMaxPooling(2, 2, 2, 2, 2, 2)


# ----------------------------------------------------------------------- temporal layers
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
    module.zero_grad_parameters()
    grad_input = module.backward(x, grad_output)

    def loss():
        return np.sum(module.update_output(x) * grad_output)

    np.testing.assert_allclose(grad_input, numeric_grad(loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        module.grad_weight, numeric_grad(loss, module.weight), rtol=1e-6, atol=1e-7
    )
    with pytest.raises(ShapeError):
        module.forward(np.zeros((2, 8, 4)))


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


# ----------------------------------------------------------------------- LookupTable
def test_lookup_table_gathers_and_scatters():
    module = LookupTable(6, 2)
    ids = np.array([[1, 4, 1], [0, 5, 1]])
    np.testing.assert_array_equal(module.forward(ids), module.weight[ids])
    grad_output = np.arange(12.0).reshape(2, 3, 2)
    module.zero_grad_parameters()
    grad_input = module.backward(ids, grad_output, scale=0.5)
    np.testing.assert_array_equal(grad_input, np.zeros((2, 3)))
    expected = np.zeros((6, 2))
    expected[1] = 0.5 * (grad_output[0, 0] + grad_output[0, 2] + grad_output[1, 2])
    expected[4] = 0.5 * grad_output[0, 1]
    expected[0] = 0.5 * grad_output[1, 0]
    expected[5] = 0.5 * grad_output[1, 1]
    np.testing.assert_allclose(module.grad_weight, expected, **TOL)


def test_lookup_table_padding_and_frequency_scaling():
    module = LookupTable(4, 1, padding_value=2, scale_grad_by_freq=True)
    ids = np.array([3, 2, 3, 0, 3])
    module.forward(ids)
    module.zero_grad_parameters()
    module.backward(ids, np.array([[1.0], [5.0], [2.0], [4.0], [6.0]]))
    # id 3 occurs three times: (1 + 2 + 6) / 3; the padding row 2 gets nothing
    np.testing.assert_allclose(module.grad_weight[:, 0], [4.0, 0.0, 0.0, 3.0], **TOL)


def test_lookup_table_max_norm_renormalises_looked_up_rows():
    module = LookupTable(3, 2, max_norm=1.0)
    module.weight[...] = [[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]
    out = module.forward(np.array([0, 1, 0]))
    np.testing.assert_allclose(module.weight[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(module.weight[1], [0.3, 0.4])
    np.testing.assert_allclose(module.weight[2], [6.0, 8.0])  # not looked up: untouched
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)
    l1 = LookupTable(1, 2, max_norm=1.0, norm_type=1.0)
    l1.weight[...] = [[3.0, 1.0]]
    np.testing.assert_allclose(l1.forward(np.array([0])), [[0.75, 0.25]], rtol=1e-6)


def test_lookup_table_out_of_range_id_is_an_index_error_and_changes_nothing():
    module = LookupTable(5, 3, max_norm=0.1)
    weight = module.weight.copy()
    for bad in (5, -1):
        with pytest.raises(IndexError, match=f"index {bad} is out of range") as info:
            module.forward(np.array([0, bad, 2]))
        assert isinstance(info.value, IndexOutOfRangeError)
        with pytest.raises(IndexError):
            module.backward(np.array([[0, bad]]), np.ones((1, 2, 3)))
    np.testing.assert_array_equal(module.weight, weight)
    np.testing.assert_array_equal(module.grad_weight, 0)
    with pytest.raises(InputTypeError):
        module.forward("not an array")


def test_lookup_table_accepts_non_contiguous_and_float_ids():
    module = LookupTable(10, 4).float()
    ids = np.arange(20).reshape(4, 5)[:, ::2] % 10
    out = module.forward(ids)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, module.weight[ids])
    np.testing.assert_array_equal(module.forward(np.array([2.0, 7.0])), module.weight[[2, 7]])
    module.zero_grad_parameters()
    module.backward(ids.T, np.ones((3, 4, 4), np.float32))
    np.testing.assert_array_equal(
        module.grad_weight.sum(axis=1), 4 * np.bincount(ids.ravel(), minlength=10)
    )
