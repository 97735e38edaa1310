"""Table input of SpatialFullConvolution, LookupTable's acc-update-only mode and
SpatialAveragePooling's ``divide`` flag, against direct formulas and the plain layers."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from nn_conv.lookup_table import LookupTable
from nn_conv.spatial_average_pooling import SpatialAveragePooling
from nn_conv.spatial_full_convolution import SpatialFullConvolution

import nncore
from nncore import load, save
from nncore.errors import IndexOutOfRangeError, ShapeError, StateError


# ----------------------------------------------------------------------- SpatialFullConvolution
def _scatter(x, weight, bias, stride, pad, out_size):
    """Transposed convolution written as a scatter: every input pixel adds its weighted kernel."""
    dh, dw = stride
    ph, pw = pad
    n_in, n_out, kh, kw = weight.shape
    batch, _, height, width = x.shape
    full = np.zeros((batch, n_out, out_size[0] + 2 * ph + kh, out_size[1] + 2 * pw + kw))
    for y in range(height):
        for z in range(width):
            patch = np.einsum("bc,coij->boij", x[:, :, y, z], weight)
            full[:, :, y * dh : y * dh + kh, z * dw : z * dw + kw] += patch
    out = full[:, :, ph : ph + out_size[0], pw : pw + out_size[1]]
    return out + bias[None, :, None, None]


@pytest.mark.parametrize("target_size", [(7, 7), (8, 7), (7, 8), (8, 8)])
def test_full_convolution_table_matches_scatter_and_plain_layer(target_size):
    rng = np.random.default_rng(0)
    module = SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)
    x = rng.standard_normal((2, 2, 4, 4))
    target = rng.standard_normal((2, 3, *target_size))
    out = module.forward([x, target])
    assert out.shape == target.shape
    expected = _scatter(x, module.weight, module.bias, (2, 2), (1, 1), target_size)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)

    # adj by hand: 4 pixels at stride 2 with a 3-wide kernel and padding 1 give 7, +adj
    plain = SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, target_size[1] - 7, target_size[0] - 7)
    plain.weight[...], plain.bias[...] = module.weight, module.bias
    np.testing.assert_allclose(out, plain.forward(x), rtol=1e-12, atol=1e-12)

    grad_output = rng.standard_normal(out.shape)
    module.zero_grad_parameters()
    plain.zero_grad_parameters()
    grad_input = module.backward([x, target], grad_output, 0.5)
    assert isinstance(grad_input, list) and len(grad_input) == 2
    np.testing.assert_allclose(
        grad_input[0], plain.backward(x, grad_output, 0.5), rtol=1e-12, atol=1e-12
    )
    assert grad_input[1].shape == target.shape and not grad_input[1].any()
    np.testing.assert_allclose(module.grad_weight, plain.grad_weight, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(module.grad_bias, plain.grad_bias, rtol=1e-12, atol=1e-12)


def test_full_convolution_table_ignores_constructor_adj_and_reads_last_two_dims():
    rng = np.random.default_rng(1)
    module = SpatialFullConvolution(3, 2, 3, 2, 3, 2, 0, 1, 2, 1)
    x = rng.standard_normal((3, 2, 3))
    # single example: H = 2 rows give 2 or 3, W = 3 columns give 9, 10 or 11
    out = module.forward([x, np.zeros((5, 4, 2, 10), np.int64)])
    assert out.shape == (2, 2, 10)
    assert module.forward(x).shape == (2, 3, 11)  # the constructor's adj for a plain tensor
    expected = _scatter(x[None], module.weight, module.bias, (2, 3), (1, 0), (2, 10))[0]
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    module.forward([x, np.zeros((5, 4, 2, 10), np.int64)])
    grad = module.backward([x, np.zeros((5, 4, 2, 10), np.int64)], np.ones_like(out))
    assert grad[1].dtype == np.int64 and grad[1].shape == (5, 4, 2, 10)


def test_full_convolution_table_bad_inputs_leave_module_usable():
    rng = np.random.default_rng(2)
    module = SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)
    x = rng.standard_normal((2, 2, 4, 4))
    expected = module.forward([x, np.zeros((7, 8))]).copy()
    with pytest.raises(ShapeError, match=r"between 7x7 and 8x8 .* got target size 9x7"):
        module.forward([x, np.zeros((9, 7))])
    with pytest.raises(ShapeError, match=r"got target size 6x8"):
        module.forward([x, np.zeros((2, 3, 6, 8))])
    with pytest.raises(ShapeError, match=r"table \[input, target\], got a list of length 3"):
        module.forward([x, np.zeros((7, 7)), np.zeros((7, 7))])
    with pytest.raises(ShapeError, match=r"at least 2 dimensions"):
        module.forward([x, np.zeros(7)])
    with pytest.raises(TypeError, match=r"expected target to be a numpy.ndarray"):
        module.forward([x, (7, 7)])
    with pytest.raises(ShapeError, match=r"SpatialFullConvolution.*grad_output"):
        module.backward([x, np.zeros((7, 8))], np.zeros((2, 3, 8, 8)))
    np.testing.assert_allclose(module.forward([x, np.zeros((7, 8))]), expected, rtol=0, atol=0)
    twin = copy.deepcopy(module)
    np.testing.assert_allclose(twin.forward([x, np.zeros((7, 8))]), expected, rtol=0, atol=0)


# ----------------------------------------------------------------------- SpatialAveragePooling
def test_average_pooling_without_divide_is_the_window_sum():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 5, 6))
    module = SpatialAveragePooling(3, 2, 2, 1, 1, 1, divide=False)
    out = module.forward(x)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    expected = np.empty((2, 3, 6, 3))
    for y in range(6):
        for z in range(3):
            expected[:, :, y, z] = padded[:, :, y : y + 2, 2 * z : 2 * z + 3].sum(axis=(2, 3))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    averaged = SpatialAveragePooling(3, 2, 2, 1, 1, 1).forward(x)
    np.testing.assert_allclose(out, 6 * averaged, rtol=1e-12, atol=1e-12)


def test_average_pooling_without_divide_scales_clipped_windows_by_kernel_size():
    x = np.arange(9.0).reshape(1, 3, 3)
    # ceil mode clips the last windows to the plane: their means are scaled by kw*kh = 4 all
    # the same, torch/nn's rule (0+1+3+4, (2+5)/2*4, (6+7)/2*4, 8*4)
    out = SpatialAveragePooling(2, 2, 2, 2, ceil_mode=True, divide=False).forward(x)
    np.testing.assert_allclose(out, [[[8.0, 14.0], [26.0, 32.0]]], rtol=0, atol=1e-12)
    excluded = SpatialAveragePooling(3, 3, 2, 2, 1, 1, count_include_pad=False, divide=False)
    # the top-left window covers 0, 1, 3, 4 of the plane: mean 2, times 9
    np.testing.assert_allclose(excluded.forward(x)[0, 0, 0], 18.0, rtol=0, atol=1e-12)


def test_average_pooling_without_divide_gradient_and_repr():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 4))
    grad_output = rng.standard_normal((2, 2, 2))
    module = SpatialAveragePooling(2, 2, 2, 2, divide=False)
    module.forward(x)
    # each input pixel is in one window, whose sum has derivative 1 with respect to it
    expected = np.repeat(np.repeat(grad_output, 2, axis=1), 2, axis=2)
    np.testing.assert_allclose(module.backward(x, grad_output), expected, rtol=0, atol=1e-12)
    assert repr(module) == "nn.SpatialAveragePooling(2x2, 2,2, no divide)"
    assert repr(SpatialAveragePooling(2, 2, 2, 2)) == "nn.SpatialAveragePooling(2x2, 2,2)"
    assert SpatialAveragePooling(2, 2, divide=False).config()["divide"] is False
    with pytest.raises(ShapeError, match=r"SpatialAveragePooling.*grad_output"):
        module.backward(x, np.zeros((2, 3, 2)))
    np.testing.assert_allclose(module.backward(x, grad_output), expected, rtol=0, atol=1e-12)


# ----------------------------------------------------------------------- LookupTable
def _updated_by_hand(weight, ids, grad_output, lr, padding=None, by_frequency=False):
    """``weight`` after one SGD step, row by row in a plain loop."""
    expected = weight.copy()
    flat_ids, rows = ids.reshape(-1), grad_output.reshape(-1, weight.shape[1])
    for i, row in zip(flat_ids, rows, strict=True):
        if i == padding:
            continue
        count = np.count_nonzero(flat_ids == i) if by_frequency else 1
        expected[i] -= lr * row / count
    return expected


@pytest.mark.parametrize(
    "options", [{}, {"padding_value": 2}, {"padding_value": 0, "scale_grad_by_freq": True}]
)
def test_lookup_acc_update_only_equals_acc_grad_and_update(options):
    rng = np.random.default_rng(5)
    ids = np.array([[2, 0, 4, 2], [0, 2, 3, 2]])  # repeated ids, and the padding rows
    grad_output = rng.standard_normal((2, 4, 3))
    normal = LookupTable(6, 3, **options)
    only = copy.deepcopy(normal)
    assert only.acc_update_only() is only
    assert only.grad_weight is None
    expected = _updated_by_hand(
        normal.weight,
        ids,
        grad_output,
        0.3,
        options.get("padding_value"),
        options.get("scale_grad_by_freq", False),
    )

    np.testing.assert_allclose(only.forward(ids), normal.forward(ids), rtol=0, atol=0)
    normal.zero_grad_parameters()
    normal.backward(ids, grad_output)
    normal.update_parameters(0.3)
    only.update_grad_input(ids, grad_output)
    only.acc_update_grad_parameters(ids, grad_output, 0.3)
    np.testing.assert_allclose(normal.weight, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(only.weight, expected, rtol=1e-12, atol=1e-12)
    assert only.grad_weight is None


def test_lookup_acc_update_in_normal_mode_leaves_the_gradient_alone():
    rng = np.random.default_rng(6)
    module = LookupTable(4, 2)
    ids, grad_output = np.array([1, 3, 1]), rng.standard_normal((3, 2))
    module.grad_weight[...] = 7.0
    expected = _updated_by_hand(module.weight, ids, grad_output, 0.5)
    module.acc_update_grad_parameters(ids, grad_output, 0.5)
    np.testing.assert_allclose(module.weight, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(module.grad_weight, np.full((4, 2), 7.0))


def test_lookup_acc_update_only_refuses_gradients_and_bad_input():
    rng = np.random.default_rng(7)
    module = LookupTable(5, 2, acc_update_only=True)
    assert module.grad_weight is None  # never allocated
    assert repr(module) == "nn.LookupTable(5 -> 2, acc-update only)"
    ids, grad_output = np.array([[0, 4]]), rng.standard_normal((1, 2, 2))
    module.forward(ids)
    with pytest.raises(StateError, match=r"acc-update-only mode"):
        module.acc_grad_parameters(ids, grad_output)
    with pytest.raises(StateError, match=r"acc_update_grad_parameters"):
        module.backward(ids, grad_output)
    before = module.weight.copy()
    with pytest.raises(ShapeError, match=r"expected grad_output"):
        module.acc_update_grad_parameters(ids, grad_output[:, :1], 0.1)
    with pytest.raises(IndexOutOfRangeError, match=r"expected 0 <= index < 5"):
        module.acc_update_grad_parameters(np.array([[0, 5]]), grad_output, 0.1)
    np.testing.assert_array_equal(module.weight, before)
    module.acc_update_grad_parameters(ids, grad_output, 0.1)
    expected = _updated_by_hand(before, ids, grad_output, 0.1)
    np.testing.assert_allclose(module.weight, expected, rtol=1e-12, atol=1e-12)


def test_lookup_acc_update_only_with_the_core_features(tmp_path):
    rng = np.random.default_rng(8)
    module = LookupTable(6, 3, padding_value=1).acc_update_only()
    ids = np.array([0, 1, 5])
    expected = module.forward(ids).copy()
    # no gradient: nothing to list, zero or flatten, but the weight is still state
    assert module.parameters() == ([], [])
    module.zero_grad_parameters()
    module.update_parameters(0.1)
    flat, grad_flat = module.get_parameters()
    assert flat.size == grad_flat.size == 0
    assert set(module.state_dict()) == {"weight"}

    twin = module.clone()
    assert twin.grad_weight is None and not np.shares_memory(twin.weight, module.weight)
    rebuilt = LookupTable.from_config(module.config())
    assert rebuilt.grad_weight is None and repr(rebuilt) == repr(module)

    save(module, tmp_path / "table.nncore")
    loaded = load(tmp_path / "table.nncore")
    assert loaded.grad_weight is None
    np.testing.assert_array_equal(loaded.forward(ids), expected)

    module.float()
    assert module.weight.dtype == np.float32 and module.grad_weight is None
    grad_output = rng.standard_normal((3, 3)).astype(np.float32)
    before = module.weight.copy()
    module.acc_update_grad_parameters(ids, grad_output, 1.0)
    np.testing.assert_allclose(
        module.weight, _updated_by_hand(before, ids, grad_output, 1.0, 1), rtol=1e-6, atol=1e-6
    )


def test_lookup_acc_update_only_trains_inside_a_container():
    """A network's acc_update_grad_parameters reaches the table through the container: the
    table updates its rows itself, the other layers through their gradients."""
    from nncore import nn

    rng = np.random.default_rng(8)
    ids = rng.integers(0, 6, (4, 3))

    def network(only: bool):
        nncore.manual_seed(3)
        table = LookupTable(6, 2, padding_value=2)
        if only:
            table.acc_update_only()
        return nn.Sequential().add(table).add(nn.View(-1, 6)).add(nn.Linear(6, 2))

    reference, lean = network(False), network(True)
    grad_output = rng.standard_normal((4, 2))
    for net in (reference, lean):
        net.forward(ids)
        net.update_grad_input(ids, grad_output)
    reference.zero_grad_parameters()
    reference.acc_grad_parameters(ids, grad_output)
    expected = [m.weight - 0.2 * m.grad_weight for m in reference.modules if hasattr(m, "weight")]
    lean.acc_update_grad_parameters(ids, grad_output, 0.2)
    got = [m.weight for m in lean.modules if hasattr(m, "weight")]
    for want, have in zip(expected, got, strict=True):
        np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-12)
    assert lean.get(0).grad_weight is None
