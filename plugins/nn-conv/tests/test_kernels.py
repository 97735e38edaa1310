"""Every compiled kernel agrees with its pure-numpy twin on random shapes, float32 and float64."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nn_conv import (
    _embedding_numpy,
    _im2col_numpy,
    _per_example_conv_numpy,
    _pooling_numpy,
    _winograd_numpy,
)
from nn_conv._plugin import FAMILIES


def _compiled(family: str):
    return pytest.importorskip(f"nn_conv.{family}", reason="the extensions are not built")


im2col = _compiled("_im2col")
per_example_conv = _compiled("_per_example_conv")
pooling = _compiled("_pooling")
embedding = _compiled("_embedding")
winograd = _compiled("_winograd")

DTYPES = st.sampled_from([np.float32, np.float64])
SETTINGS = settings(max_examples=40, deadline=None)


def _tol(dtype) -> dict:
    return dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_and_its_numpy_twin_have_the_same_kernels(family):
    compiled = _compiled(family)
    twin = importlib.import_module(f"nn_conv.{family}_numpy")
    for name in FAMILIES[family]:
        fast = inspect.signature(getattr(compiled, name))
        slow = inspect.signature(getattr(twin, name))
        assert list(fast.parameters) == list(slow.parameters), name


@st.composite
def conv_geometry(draw):
    """(image shape, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w) with at least one output."""
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    low_h, low_w = max(1, span_h - 2 * ph), max(1, span_w - 2 * pw)
    height, width = draw(st.integers(low_h, low_h + 6)), draw(st.integers(low_w, low_w + 6))
    batch, channels = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    out_h = (height + 2 * ph - span_h) // sh + 1
    out_w = (width + 2 * pw - span_w) // sw + 1
    return (batch, channels, height, width), (kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)


@SETTINGS
@given(conv_geometry(), DTYPES, st.integers(0, 2**32 - 1))
def test_im2col_and_col2im_match_the_numpy_twin(geometry, dtype, seed):
    shape, args = geometry
    kh, kw, *_, out_h, out_w = args
    rng = np.random.default_rng(seed)
    image = rng.standard_normal(shape).astype(dtype)
    rows = (shape[1] * kh * kw, shape[0], out_h * out_w)
    fast, slow = np.full(rows, np.nan, dtype), np.full(rows, np.nan, dtype)
    im2col.im2col(image, fast, *args)
    _im2col_numpy.im2col(image, slow, *args)
    np.testing.assert_array_equal(fast, slow)

    cols = rng.standard_normal(rows).astype(dtype)
    start = rng.standard_normal(shape).astype(dtype)  # col2im accumulates
    fast_image, slow_image = start.copy(), start.copy()
    im2col.col2im(cols, fast_image, *args)
    _im2col_numpy.col2im(cols, slow_image, *args)
    np.testing.assert_allclose(fast_image, slow_image, **_tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pad, stride", [(0, 1), (2, 1), (1, 2)])
def test_im2col_of_wide_rows_matches_the_numpy_twin(dtype, pad, stride):
    """Rows of 64+ outputs take a different copy than the short rows drawn above."""
    rng = np.random.default_rng(pad * 10 + stride)
    image = rng.standard_normal((2, 2, 5, 150)).astype(dtype)
    out_h, out_w = (5 + 2 * pad - 3) // stride + 1, (150 + 2 * pad - 3) // stride + 1
    args = (3, 3, stride, stride, pad, pad, 1, 1, out_h, out_w)
    fast, slow = (np.full((18, 2, out_h * out_w), np.nan, dtype) for _ in range(2))
    im2col.im2col(image, fast, *args)
    _im2col_numpy.im2col(image, slow, *args)
    np.testing.assert_array_equal(fast, slow)


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 9), DTYPES, st.booleans())
def test_layout_swaps_match_the_numpy_twin(n_out, batch, size, dtype, with_bias):
    rng = np.random.default_rng(n_out * 100 + batch * 10 + size)
    source = rng.standard_normal((n_out, batch, size)).astype(dtype)
    bias = rng.standard_normal(n_out).astype(dtype) if with_bias else None
    fast, slow = np.empty((batch, n_out, size), dtype), np.empty((batch, n_out, size), dtype)
    im2col.columns_to_batch(source, fast, bias)
    _im2col_numpy.columns_to_batch(source, slow, bias)
    np.testing.assert_allclose(fast, slow, **_tol(dtype))
    back_fast, back_slow = np.empty_like(source), np.empty_like(source)
    im2col.batch_to_columns(fast, back_fast)
    _im2col_numpy.batch_to_columns(fast, back_slow)
    np.testing.assert_array_equal(back_fast, back_slow)


@st.composite
def pool_geometry(draw):
    """(planes shape, kh, kw, sh, sw, ph, pw, out_h, out_w), floor or ceil mode."""
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    height = draw(st.integers(max(1, kh - 2 * ph), 9))
    width = draw(st.integers(max(1, kw - 2 * pw), 9))
    ceil = draw(st.booleans())
    sizes = []
    for size, k, s, p in ((height, kh, sh, ph), (width, kw, sw, pw)):
        n = (-(-(size + 2 * p - k) // s) if ceil else (size + 2 * p - k) // s) + 1
        if ceil and (n - 1) * s >= size + p:
            n -= 1
        sizes.append(n)
    return (draw(st.integers(1, 4)), height, width), (kh, kw, sh, sw, ph, pw), tuple(sizes)


@SETTINGS
@given(
    pool_geometry(), DTYPES, st.sampled_from(["random", "ties", "nan"]), st.integers(0, 2**32 - 1)
)
def test_pooling_matches_the_numpy_twin(geometry, dtype, values, seed):
    """Random values, many ties (first maximum wins), and planes with NaN (the last NaN wins;
    such planes take the compiled kernel's branching path, the others its branch-free one)."""
    shape, args, (out_h, out_w) = geometry
    rng = np.random.default_rng(seed)
    ties = values == "ties"
    image = (rng.integers(-2, 3, shape) if ties else rng.standard_normal(shape)).astype(dtype)
    if values == "nan":
        image.reshape(-1)[rng.integers(0, image.size, 1 + image.size // 6)] = np.nan
    out_shape = (shape[0], out_h, out_w)
    outs = [np.empty(out_shape, dtype) for _ in range(2)]
    where = [np.empty(out_shape, np.int64) for _ in range(2)]
    pooling.max_pool2d(image, outs[0], where[0], *args)
    _pooling_numpy.max_pool2d(image, outs[1], where[1], *args)
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(where[0], where[1])

    grad = rng.standard_normal(out_shape).astype(dtype)
    grads = [np.zeros(shape, dtype) for _ in range(2)]
    pooling.max_pool2d_backward(grad, where[0], grads[0])
    _pooling_numpy.max_pool2d_backward(grad, where[0], grads[1])
    np.testing.assert_allclose(grads[0], grads[1], **_tol(dtype))

    for include in (True, False):
        pooling.avg_pool2d(image, outs[0], *args, include)
        _pooling_numpy.avg_pool2d(image, outs[1], *args, include)
        np.testing.assert_allclose(outs[0], outs[1], **_tol(dtype))
        grads = [np.zeros(shape, dtype) for _ in range(2)]
        pooling.avg_pool2d_backward(grad, grads[0], *args, include)
        _pooling_numpy.avg_pool2d_backward(grad, grads[1], *args, include)
        np.testing.assert_allclose(grads[0], grads[1], **_tol(dtype))


@SETTINGS
@given(
    st.integers(1, 12),
    st.integers(1, 5),
    st.integers(0, 30),
    DTYPES,
    st.booleans(),
    st.integers(-1, 11),
    st.integers(0, 2**32 - 1),
)
def test_embedding_kernels_match_the_numpy_twin(
    n_index, dim, n, dtype, by_frequency, padding, seed
):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, n_index, n)
    weight = rng.standard_normal((n_index, dim)).astype(dtype)
    outs = [np.empty((n, dim), dtype) for _ in range(2)]
    embedding.embedding_forward(ids, weight, outs[0])
    _embedding_numpy.embedding_forward(ids, weight, outs[1])
    np.testing.assert_array_equal(outs[0], outs[1])

    grad = rng.standard_normal((n, dim)).astype(dtype)
    start = rng.standard_normal((n_index, dim)).astype(dtype)
    grads = [start.copy(), start.copy()]
    embedding.embedding_backward(ids, grad, grads[0], 0.5, padding, by_frequency)
    _embedding_numpy.embedding_backward(ids, grad, grads[1], 0.5, padding, by_frequency)
    np.testing.assert_allclose(grads[0], grads[1], **_tol(dtype))

    for norm_type in (1.0, 2.0, 3.0):
        renormed = [weight.copy(), weight.copy()]
        embedding.embedding_renorm(ids, renormed[0], 0.7, norm_type)
        _embedding_numpy.embedding_renorm(ids, renormed[1], 0.7, norm_type)
        np.testing.assert_allclose(renormed[0], renormed[1], rtol=1e-5, atol=1e-6)


@SETTINGS
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 8),
    st.integers(1, 8),
    st.integers(0, 2),
    st.integers(0, 2),
    DTYPES,
    st.integers(0, 2**32 - 1),
)
def test_winograd_transforms_match_the_numpy_twin(
    batch, channels, height, width, ph, pw, dtype, seed
):
    out_h, out_w = height + 2 * ph - 2, width + 2 * pw - 2
    if out_h < 1 or out_w < 1:
        return
    tiles_h, tiles_w = -(-out_h // 2), -(-out_w // 2)
    rng = np.random.default_rng(seed)
    image = rng.standard_normal((batch, channels, height, width)).astype(dtype)
    shape = (16, channels, batch * tiles_h * tiles_w)
    fast, slow = np.full(shape, np.nan, dtype), np.full(shape, np.nan, dtype)
    winograd.winograd_input(image, fast, ph, pw, tiles_h, tiles_w)
    _winograd_numpy.winograd_input(image, slow, ph, pw, tiles_h, tiles_w)
    np.testing.assert_allclose(fast, slow, **_tol(dtype))

    products = rng.standard_normal((16, 2, batch * tiles_h * tiles_w)).astype(dtype)
    bias = rng.standard_normal(2).astype(dtype)
    outs = [np.full((batch, 2, out_h, out_w), np.nan, dtype) for _ in range(2)]
    winograd.winograd_output(products, outs[0], bias, tiles_h, tiles_w)
    _winograd_numpy.winograd_output(products, outs[1], bias, tiles_h, tiles_w)
    np.testing.assert_allclose(outs[0], outs[1], **_tol(dtype))

    grad = rng.standard_normal((batch, 2, out_h, out_w)).astype(dtype)
    grad_tiles = [np.full((16, 2, batch * tiles_h * tiles_w), np.nan, dtype) for _ in range(2)]
    winograd.winograd_grad_output(grad, grad_tiles[0], tiles_h, tiles_w)
    _winograd_numpy.winograd_grad_output(grad, grad_tiles[1], tiles_h, tiles_w)
    np.testing.assert_allclose(grad_tiles[0], grad_tiles[1], **_tol(dtype))


@pytest.mark.parametrize("kernels", [embedding, _embedding_numpy], ids=["compiled", "numpy"])
def test_out_of_range_ids_raise_before_touching_memory(kernels):
    weight = np.ones((4, 2))
    grad_weight = np.zeros((4, 2))
    for bad in (4, -1, 2**40):
        ids = np.array([0, bad, 1])
        with pytest.raises(IndexError, match=str(bad)):
            kernels.embedding_backward(ids, np.ones((3, 2)), grad_weight, 1.0, -1, False)
        with pytest.raises(IndexError, match=str(bad)):
            kernels.embedding_forward(ids, weight, np.empty((3, 2)))
        with pytest.raises(IndexError, match=str(bad)):
            kernels.embedding_renorm(ids, weight, 0.5, 2.0)
    np.testing.assert_array_equal(grad_weight, 0)
    np.testing.assert_array_equal(weight, 1)


@pytest.mark.parametrize("kernels", [pooling, _pooling_numpy], ids=["compiled", "numpy"])
def test_pooling_indices_outside_the_plane_raise(kernels):
    grad_in = np.zeros((1, 2, 2))
    with pytest.raises(IndexError):
        kernels.max_pool2d_backward(np.ones((1, 1, 1)), np.array([[[4]]]), grad_in)


def test_mismatched_column_buffer_is_refused():
    with pytest.raises(ValueError):
        im2col.im2col(np.zeros((1, 2, 4, 4)), np.zeros((9, 1, 4)), 3, 3, 1, 1, 0, 0, 1, 1, 2, 2)


@SETTINGS
@given(
    conv_geometry(),
    st.integers(1, 4),
    DTYPES,
    st.booleans(),
    st.booleans(),
    st.sampled_from([-1, 0, 1, 2, 3]),  # below 1: the caller alone
    st.integers(0, 2**32 - 1),
)
def test_per_example_convolution_matches_the_numpy_twin(
    geometry, n_out, dtype, keep, with_bias, threads, seed
):
    """The three one-example-at-a-time kernels, with the columns kept or not, on one or more
    threads of a running team."""
    from nn_conv import _threads

    shape, args = geometry
    kh, kw, *_, out_h, out_w = args
    batch, channels = shape[:2]
    rows, positions = channels * kh * kw, out_h * out_w
    rng = np.random.default_rng(seed)
    image = rng.standard_normal(shape).astype(dtype)
    weight = rng.standard_normal((n_out, rows)).astype(dtype)
    bias = rng.standard_normal(n_out).astype(dtype) if with_bias else None
    grad = rng.standard_normal((batch, n_out, positions)).astype(dtype)
    start = rng.standard_normal((n_out, rows)).astype(dtype)  # the weight gradient accumulates
    results = []
    for kernels in (per_example_conv, _per_example_conv_numpy):
        kept = np.full((rows, batch, positions), np.nan, dtype) if keep else None
        out = np.full((batch, n_out, positions), np.nan, dtype)
        grad_in = np.full(shape, np.nan, dtype)
        grad_weight = start.copy()
        with _threads.team(batch, 1 << 20) as _:
            kernels.conv2d_gemm_forward(image, weight, bias, out, kept, *args, threads)
            kernels.conv2d_gemm_backward_input(grad, weight, grad_in, *args, threads)
            kernels.conv2d_gemm_backward_weight(image, grad, grad_weight, kept, *args, threads)
        results.append((out, grad_in, grad_weight, kept))
    (out, grad_in, grad_weight, kept), expected = results
    np.testing.assert_allclose(out, expected[0], **_tol(dtype))
    np.testing.assert_allclose(grad_in, expected[1], **_tol(dtype))
    np.testing.assert_allclose(grad_weight, expected[2], **_tol(dtype))
    if keep:
        np.testing.assert_array_equal(kept, expected[3])


def test_per_example_kernels_refuse_mismatched_arrays():
    """Shapes that do not fit raise before any unchecked loop; the kernels work afterwards."""
    image, weight = np.ones((2, 1, 4, 4)), np.ones((3, 9))
    out, kept = np.empty((2, 3, 4)), np.empty((9, 2, 4))
    args = (3, 3, 1, 1, 0, 0, 1, 1, 2, 2)
    cases = [
        lambda: per_example_conv.conv2d_gemm_forward(
            image, np.ones((3, 8)), None, out, None, *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_forward(
            image, weight, np.ones(2), out, None, *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_forward(
            image, weight, None, np.empty((2, 3, 5)), None, *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_forward(
            image, weight, None, out, np.empty((9, 1, 4)), *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_forward(
            image, weight, None, out, kept[:, :, ::2], *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_backward_input(
            np.ones((2, 3, 5)), weight, image.copy(), *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_backward_weight(
            image, np.ones((1, 3, 4)), np.zeros((3, 9)), None, *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_backward_weight(
            image, np.ones((2, 3, 4)), np.zeros((3, 9)), kept[:8], *args, 2
        ),
        lambda: per_example_conv.conv2d_gemm_forward(
            image, weight, None, out, None, 3, 3, 0, 1, 0, 0, 1, 1, 2, 2, 2
        ),
    ]
    for case in cases:
        with pytest.raises(ValueError):
            case()
    per_example_conv.conv2d_gemm_forward(image, weight, None, out, kept, *args, 2)
    np.testing.assert_allclose(out, 9.0)
