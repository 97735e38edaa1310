"""Shape and reduction layers against hand-computed values, torch/nn's documented results and
direct numpy formulas; bad input; batch detection through ``n_input_dims``."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.collapse import Collapse
from nn_basic.constant import Constant
from nn_basic.contiguous import Contiguous
from nn_basic.convert import Convert
from nn_basic.copy import Copy
from nn_basic.index import Index
from nn_basic.masked_select import MaskedSelect
from nn_basic.max import Max
from nn_basic.mean import Mean
from nn_basic.min import Min
from nn_basic.narrow import Narrow
from nn_basic.one_hot import OneHot
from nn_basic.padding import Padding
from nn_basic.pixel_shuffle import PixelShuffle
from nn_basic.print_size import PrintSize
from nn_basic.replicate import Replicate
from nn_basic.reshape import Reshape
from nn_basic.select import Select
from nn_basic.squeeze import Squeeze
from nn_basic.sum import Sum
from nn_basic.temporal_dynamic_k_max_pooling import TemporalDynamicKMaxPooling
from nn_basic.transpose import Transpose
from nn_basic.unsqueeze import Unsqueeze
from nn_basic.view import View

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError

TOL = dict(rtol=1e-12, atol=1e-12)


def forwarded(module, input):
    """``module`` after a forward on ``input``: backward differentiates the last forward."""
    module.forward(input)
    return module


# the 3x2 input of torch/nn's tutorial notebook, section "modules without parameters"
SEED_X = np.array([[0.9011, -0.0143], [-0.8167, 1.3009], [-0.0597, 2.5226]])


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(4)


# ----------------------------------------------------------------------------- the tutorial
def test_tutorial_sum_of_a_vector_is_a_one_element_vector():
    x = np.arange(1.0, 6.0)
    m = Sum(0)
    out = m.forward(x)
    assert out.shape == (1,)
    np.testing.assert_allclose(out, [15.0], **TOL)
    np.testing.assert_allclose(m.backward(x, np.array([1.6834])), np.full(5, 1.6834), **TOL)


def test_tutorial_max_mean_view():
    np.testing.assert_allclose(Max(0, 2).forward(SEED_X), [0.9011, 2.5226], **TOL)
    np.testing.assert_allclose(Mean(1, 2).forward(SEED_X), [0.4434, 0.2421, 1.23145], **TOL)
    np.testing.assert_allclose(
        View(2, 3).forward(SEED_X), [[0.9011, -0.0143, -0.8167], [1.3009, -0.0597, 2.5226]], **TOL
    )


# ----------------------------------------------------------------------------- Sum / Mean
def test_sum_hand_values_and_squeeze():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_allclose(Sum(0).forward(x), [5.0, 7.0, 9.0], **TOL)
    np.testing.assert_allclose(Sum(1).forward(x), [6.0, 15.0], **TOL)
    np.testing.assert_allclose(Sum(-1).forward(x), [6.0, 15.0], **TOL)
    np.testing.assert_allclose(Sum(1, squeeze=False).forward(x), [[6.0], [15.0]], **TOL)
    np.testing.assert_allclose(Sum(1, size_average=True).forward(x), [2.0, 5.0], **TOL)


def test_sum_n_input_dims_shifts_for_a_batch(rng):
    x = rng.standard_normal((4, 2, 3))
    m = Sum(0, 2)  # sums over an example's rows, whether alone or in a batch
    out = m.forward(x)
    for i in range(4):
        np.testing.assert_allclose(out[i], x[i][0] + x[i][1], **TOL)
    np.testing.assert_allclose(Sum(0, 2).forward(x[0]), x[0][0] + x[0][1], **TOL)
    # a negative dimension counts from the end and is never shifted
    np.testing.assert_allclose(Sum(-2, 2).forward(x), x[:, 0] + x[:, 1], **TOL)


def test_sum_and_mean_gradients(rng):
    x = rng.standard_normal((2, 3))
    dy = np.array([1.0, -2.0])
    np.testing.assert_allclose(forwarded(Sum(1), x).backward(x, dy), [[1.0] * 3, [-2.0] * 3], **TOL)
    np.testing.assert_allclose(
        forwarded(Mean(1), x).backward(x, dy), [[1 / 3] * 3, [-2 / 3] * 3], **TOL
    )
    grad = forwarded(Sum(0, squeeze=False), x).backward(x, np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(grad, [[1.0, 2.0, 3.0]] * 2, **TOL)


def test_mean_is_numpy_mean(rng):
    x = rng.standard_normal((3, 4, 5))
    for dim in range(-3, 3):
        np.testing.assert_allclose(Mean(dim).forward(x), np.mean(x, axis=dim), **TOL)
    assert Mean(1, 2).config() == {"dimension": 1, "n_input_dims": 2}


def test_reduction_bad_inputs():
    with pytest.raises(ShapeError, match="out of range"):
        Sum(2).forward(np.zeros((2, 3)))
    with pytest.raises(InputTypeError, match="expected input"):
        Mean(0).forward("not an array")
    m = forwarded(Sum(0), np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=r"expected grad_output of shape \(3,\)"):
        m.backward(np.zeros((2, 3)), np.zeros(4))
    np.testing.assert_allclose(m.forward(np.ones((2, 3))), [2.0, 2.0, 2.0], **TOL)


# ----------------------------------------------------------------------------- Max / Min
def test_max_min_values_indices_and_gradient():
    x = np.array([[1.0, 7.0, 3.0], [4.0, 2.0, 9.0]])
    m = Max(1)
    np.testing.assert_allclose(m.forward(x), [7.0, 9.0], **TOL)
    np.testing.assert_array_equal(m.indices.ravel(), [1, 2])
    np.testing.assert_allclose(
        m.backward(x, np.array([10.0, 20.0])), [[0, 10, 0], [0, 0, 20]], **TOL
    )
    n = Min(0)
    np.testing.assert_allclose(n.forward(x), [1.0, 2.0, 3.0], **TOL)
    np.testing.assert_allclose(
        n.backward(x, np.array([1.0, 2.0, 3.0])), [[1, 0, 3], [0, 2, 0]], **TOL
    )


def test_max_min_of_a_vector_keep_one_element():
    x = np.array([3.0, -1.0, 8.0, 2.0])
    assert Max(0).forward(x).shape == (1,)
    np.testing.assert_allclose(Max(0).forward(x), [8.0], **TOL)
    m = Min(0)
    np.testing.assert_allclose(m.forward(x), [-1.0], **TOL)
    np.testing.assert_allclose(m.backward(x, np.array([5.0])), [0, 5, 0, 0], **TOL)


def test_max_batch_against_each_example(rng):
    x = rng.standard_normal((3, 4, 5))
    out = Max(1, 2).forward(x)
    assert out.shape == (3, 4)
    for i in range(3):
        np.testing.assert_allclose(out[i], [max(row) for row in x[i]], **TOL)
        np.testing.assert_allclose(Max(1, 2).forward(x[i]), out[i], **TOL)


def test_max_backward_needs_a_matching_forward():
    m = Max(0)
    with pytest.raises(Exception, match="expected forward"):
        m.backward(np.zeros((2, 3)), np.zeros(3))
    m.forward(np.zeros((2, 3)))
    with pytest.raises(Exception, match="expected grad_output of shape"):
        m.backward(np.zeros((2, 4)), np.zeros(4))
    with pytest.raises(ShapeError, match="non-empty"):
        m.forward(np.zeros((0, 3)))


# ----------------------------------------------------------------------------- View / Reshape
def test_view_torch_examples():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    np.testing.assert_array_equal(View(2, 8).forward(x)[1], np.arange(9.0, 17.0))
    assert View((8, 2)).forward(x).shape == (8, 2)
    assert View(16).forward(x).shape == (16,)
    m = View(-1, num_input_dims=2)
    assert m.forward(np.zeros((2, 3))).shape == (6,)
    assert m.forward(np.zeros((5, 2, 3))).shape == (5, 6)


def test_view_infers_a_batch_and_its_gradient(rng):
    x = rng.standard_normal((4, 2, 3))
    m = View(6)
    out = m.forward(x)
    assert out.shape == (4, 6)
    np.testing.assert_array_equal(
        out[2], [x[2, 0, 0], x[2, 0, 1], x[2, 0, 2], x[2, 1, 0], x[2, 1, 1], x[2, 1, 2]]
    )
    dy = rng.standard_normal((4, 6))
    np.testing.assert_array_equal(m.backward(x, dy)[3, 1], dy[3, 3:])
    # a batch of one keeps its batch dimension only when num_input_dims says so
    assert View(6).forward(np.zeros((1, 2, 3))).shape == (6,)
    assert View(6, num_input_dims=2).forward(np.zeros((1, 2, 3))).shape == (1, 6)


def test_view_bad_sizes_and_inputs():
    with pytest.raises(ShapeError, match="at most one -1"):
        View(-1, -1)
    with pytest.raises(ShapeError, match="multiple of 4"):
        View(4).forward(np.zeros((2, 3)))
    with pytest.raises(InputTypeError):
        View(4).forward("not an array")


def test_view_config_round_trip():
    m = View(2, -1, num_input_dims=3)
    assert m.config() == {"size": (2, -1), "num_input_dims": 3}
    rebuilt = View.from_config(m.config())
    assert repr(rebuilt) == repr(m) == "nn.View(2, -1)"
    assert rebuilt.forward(np.zeros((5, 2, 2, 2))).shape == (5, 2, 4)


def test_reshape_torch_examples():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    np.testing.assert_array_equal(Reshape(8, 2).forward(x)[:, 1], np.arange(2.0, 17.0, 2))
    assert Reshape(16).forward(x).shape == (16,)
    y = np.zeros((1, 4))
    assert Reshape(4).forward(y).shape == (1, 4)
    assert Reshape(4, batch_mode=False).forward(y).shape == (4,)
    assert Reshape(2, 2, batch_mode=True).forward(np.zeros((1, 4))).shape == (1, 2, 2)
    assert repr(Reshape(2, 8)) == "nn.Reshape(2x8)"


def test_reshape_batch_and_gradient(rng):
    x = rng.standard_normal((3, 2, 3))
    m = Reshape(3, 2)
    out = m.forward(x)
    assert out.shape == (3, 3, 2)
    np.testing.assert_array_equal(out[1, 2], x[1, 1, 1:])
    dy = rng.standard_normal((3, 3, 2))
    np.testing.assert_array_equal(m.backward(x, dy), dy.reshape(3, 2, 3))
    with pytest.raises(ShapeError, match="expected input that can be viewed as 3x3x2"):
        m.forward(np.zeros((3, 7)))
    with pytest.raises(ShapeError, match="grad_output"):
        m.backward(x, np.zeros(5))


# ----------------------------------------------------------------------------- Copy / Contiguous
def test_copy_converts_types_both_ways():
    x = np.array([1, 2, 3], dtype=np.int64)
    m = Copy("torch.LongTensor", "torch.FloatTensor")
    out = m.forward(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])
    grad = m.backward(x, np.array([0.5, 1.0, 2.0], dtype=np.float32))
    assert grad.dtype == np.int64
    np.testing.assert_array_equal(grad, [0, 1, 2])


def test_copy_passes_through_unless_forced():
    x = np.ones((2, 2))
    assert Copy().forward(x) is x
    forced = Copy(force_copy=True).forward(x)
    assert forced is not x and not np.shares_memory(forced, x)
    assert Copy().float().forward(x) is x  # both types follow the module's: still equal
    m = Copy(force_copy=True).float()
    assert m.forward(x).dtype == np.float32
    assert Copy(dont_cast=True).float().forward(x) is x
    with pytest.raises(InputTypeError):
        Copy("not a type")
    with pytest.raises(InputTypeError):
        Copy().forward("not an array")


def test_contiguous_copies_only_strided_arrays(rng):
    x = rng.standard_normal((3, 4))
    m = Contiguous()
    assert m.forward(x) is x
    out = m.forward(x.T)
    assert out.flags.c_contiguous and not np.shares_memory(out, x)
    np.testing.assert_array_equal(out, x.T)
    dy = rng.standard_normal((3, 4)).T  # strided, of the output's shape
    grad = m.backward(x.T, dy)
    assert grad.flags.c_contiguous
    np.testing.assert_array_equal(grad, dy)


# ----------------------------------------------------------------------------- Convert
def test_convert_flattens_and_transposes(rng):
    x = rng.standard_normal((3, 2, 3, 1))
    out = Convert("bchw", "bf").forward(x)
    np.testing.assert_array_equal(
        out[1],
        [x[1, 0, 0, 0], x[1, 0, 1, 0], x[1, 0, 2, 0], x[1, 1, 0, 0], x[1, 1, 1, 0], x[1, 1, 2, 0]],
    )
    np.testing.assert_array_equal(Convert("chw", "f").forward(x), out)
    image = rng.standard_normal((2, 3, 2))  # one example: c, h, w
    hwc = Convert("chw", "hwc").forward(image)
    assert hwc.shape == (3, 2, 2)
    np.testing.assert_array_equal(hwc[2, 1], image[:, 2, 1])


def test_convert_gradient_and_types(rng):
    x = rng.standard_normal((4, 1)).astype(np.float32)
    m = Convert("bf", "b")
    out = m.forward(x)
    assert out.dtype == np.float64 and out.shape == (4,)
    grad = m.backward(x, np.array([1.0, 2.0, 3.0, 4.0]))
    assert grad.dtype == np.float32
    np.testing.assert_array_equal(grad, [[1.0], [2.0], [3.0], [4.0]])
    with pytest.raises(ShapeError, match="one feature"):
        m.forward(np.zeros((4, 2)))
    # 'chwb' to 'bf' swaps the batch to the front as torch/nn does, then flattens h, w, c
    y = rng.standard_normal((2, 3, 1, 4))
    np.testing.assert_array_equal(Convert("chwb", "bf").forward(y)[3], y[:, :, 0, 3].T.ravel())


def test_convert_rejects_unsupported_layouts():
    with pytest.raises(InputTypeError, match="supported conversion"):
        Convert("bt", "bf")
    with pytest.raises(InputTypeError):
        Convert(None, "bf")
    with pytest.raises(ShapeError, match="4 dimensions"):
        Convert("bchw", "bf").forward(np.zeros((2, 3)))


# ----------------------------------------------------------------------------- Narrow / Select
def test_narrow_torch_examples():
    x = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(Narrow(0, 1, 3).forward(x), x[1:4])
    np.testing.assert_array_equal(Narrow(0, 1, -1).forward(x), x[1:4])
    np.testing.assert_array_equal(Narrow(0, 1, 2).forward(x), x[1:3])
    np.testing.assert_array_equal(Narrow(0, 1, -2).forward(x), x[1:3])
    np.testing.assert_array_equal(Narrow(1, 1, 3).forward(x), x[:, 1:4])
    np.testing.assert_array_equal(Narrow(-1, 1, -2).forward(x), x[:, 1:4])
    np.testing.assert_array_equal(Narrow(1, -2, 2).forward(x), x[:, 3:5])


def test_narrow_gradient_and_errors(rng):
    x = rng.standard_normal((3, 10, 4))
    dy = rng.standard_normal((3, 3, 4))
    expected = np.zeros_like(x)
    expected[:, 4:7] = dy
    np.testing.assert_array_equal(forwarded(Narrow(1, 4, 3), x).backward(x, dy), expected)
    np.testing.assert_array_equal(forwarded(Narrow(1, 4, -4), x).backward(x, dy), expected)
    with pytest.raises(ShapeError, match="fit in a dimension of size 10"):
        Narrow(1, 8, 3).forward(x)
    with pytest.raises(ShapeError, match="grad_output"):
        forwarded(Narrow(1, 4, 3), x).backward(x, np.zeros((3, 2, 4)))


def test_select_doc_example_and_gradient(rng):
    x = rng.standard_normal((10, 5))
    m = Select(0, 2)
    np.testing.assert_array_equal(m.forward(x), x[2])
    dy = rng.standard_normal(5)
    grad = m.backward(x, dy)
    np.testing.assert_array_equal(grad[2], dy)
    assert np.count_nonzero(grad) == 5
    np.testing.assert_array_equal(Select(1, -1).forward(x), x[:, 4])
    with pytest.raises(IndexOutOfRangeError, match="expected an index"):
        Select(1, 5).forward(x)


# ----------------------------------------------------------------------------- Replicate
def test_replicate_doc_example_shares_the_input():
    x = np.linspace(1, 5, 5)
    out = Replicate(3).forward(x)
    np.testing.assert_array_equal(out, [[1, 2, 3, 4, 5]] * 3)
    x.fill(13)
    np.testing.assert_array_equal(out, np.full((3, 5), 13.0))


def test_replicate_batch_dim_and_gradient(rng):
    x = rng.standard_normal((4, 2, 3))
    m = Replicate(5, 1, 2)  # one example is 2x3: the copies go between its two dimensions
    out = m.forward(x)
    assert out.shape == (4, 2, 5, 3)
    np.testing.assert_array_equal(out[1, :, 3], x[1])
    assert Replicate(5, 1, 2).forward(x[0]).shape == (2, 5, 3)
    dy = rng.standard_normal((4, 2, 5, 3))
    np.testing.assert_allclose(
        m.backward(x, dy),
        dy[:, :, 0] + dy[:, :, 1] + dy[:, :, 2] + dy[:, :, 3] + dy[:, :, 4],
        **TOL,
    )
    with pytest.raises(ShapeError, match="position"):
        Replicate(2, 4).forward(np.zeros((2, 3)))


# ----------------------------------------------------------------------------- tables
def test_masked_select_doc_example():
    x = np.array([[10.0, 20.0], [30.0, 40.0]])
    mask = np.array([[1, 0], [0, 1]], dtype=np.uint8)
    m = MaskedSelect()
    out = m.forward([x, mask])
    np.testing.assert_array_equal(out, [10.0, 40.0])
    grad_x, grad_mask = m.backward([x, mask], out)
    np.testing.assert_array_equal(grad_x, [[10.0, 0.0], [0.0, 40.0]])
    np.testing.assert_array_equal(grad_mask, np.zeros((2, 2)))


def test_masked_select_bad_inputs():
    x = np.zeros((2, 2))
    m = MaskedSelect()
    with pytest.raises(InputTypeError, match="expected a table"):
        m.forward(x)
    with pytest.raises(ShapeError, match="same shape"):
        m.forward([x, np.ones((2, 3), dtype=bool)])
    with pytest.raises(InputTypeError, match="0/1 mask"):
        m.forward([x, np.full((2, 2), 2)])


def test_index_selects_and_adds_back_repeats():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    m = Index(1)
    idx = np.array([2, 0, 2])
    np.testing.assert_array_equal(m.forward([x, idx]), [[3.0, 1.0, 3.0], [6.0, 4.0, 6.0]])
    grad_x, grad_idx = m.backward([x, idx], np.array([[1.0, 10.0, 100.0], [2.0, 20.0, 200.0]]))
    np.testing.assert_array_equal(grad_x, [[10.0, 0.0, 101.0], [20.0, 0.0, 202.0]])
    np.testing.assert_array_equal(grad_idx, [0.0, 0.0, 0.0])
    with pytest.raises(IndexOutOfRangeError, match="indices 3 is out of range"):
        m.forward([x, np.array([3])])
    with pytest.raises(ShapeError):
        m.forward([x, np.array([[0]])])


# ----------------------------------------------------------------------------- Squeeze / Unsqueeze
def test_squeeze_follows_torch():
    x = np.zeros((2, 1, 3, 1))
    assert Squeeze().forward(x).shape == (2, 3)
    assert Squeeze(1).forward(x).shape == (2, 3, 1)
    assert Squeeze(0).forward(x).shape == (2, 1, 3, 1)  # not of size 1: left alone
    assert Squeeze().forward(np.zeros((1, 1))).shape == (1,)
    assert Squeeze(0).forward(np.zeros(1)).shape == (1,)
    # num_input_dims: a batch of one stays a batch, and dim skips the batch
    assert Squeeze(num_input_dims=2).forward(np.zeros((1, 1, 3))).shape == (1, 3)
    assert Squeeze(0, 2).forward(np.zeros((4, 1, 3))).shape == (4, 3)
    dy = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(forwarded(Squeeze(), x).backward(x, dy), dy.reshape(2, 1, 3, 1))


def test_unsqueeze_doc_examples():
    x = np.zeros((2, 4, 3))
    assert Unsqueeze(0).forward(x).shape == (1, 2, 4, 3)
    assert Unsqueeze(3).forward(x).shape == (2, 4, 3, 1)
    assert Unsqueeze(1).forward(x).shape == (2, 1, 4, 3)
    assert Unsqueeze(1).forward(np.zeros((3, 5, 7))).shape == (3, 1, 5, 7)
    batch = np.zeros((5, 2, 4, 3))
    assert Unsqueeze(3, 3).forward(batch).shape == (5, 2, 4, 3, 1)
    assert Unsqueeze(1, 3).forward(batch).shape == (5, 2, 1, 4, 3)
    assert Unsqueeze(-1).forward(x).shape == (2, 4, 3, 1)
    with pytest.raises(ShapeError, match="position"):
        Unsqueeze(4).forward(x)
    with pytest.raises(ShapeError, match="at least 3"):
        Unsqueeze(0, 3).forward(np.zeros((2, 2)))


# ----------------------------------------------------------------------------- Transpose
def test_transpose_doc_examples(rng):
    x = rng.standard_normal((5, 2, 4, 3))
    out = Transpose((0, 2)).forward(x)
    assert out.shape == (4, 2, 5, 3)
    assert out[1, 0, 3, 2] == x[3, 0, 1, 2]
    batched = Transpose((0, 2), num_input_dims=3).forward(x)
    assert batched.shape == (5, 3, 4, 2)
    assert batched[4, 1, 2, 0] == x[4, 0, 2, 1]


def test_transpose_chain_and_gradient(rng):
    x = rng.standard_normal((2, 3, 4))
    m = Transpose((0, 2), (0, 1))  # (2,3,4) -> (4,3,2) -> (3,4,2)
    out = m.forward(x)
    assert out.shape == (3, 4, 2)
    np.testing.assert_array_equal(out, np.einsum("abc->bca", x))
    dy = rng.standard_normal((3, 4, 2))
    np.testing.assert_array_equal(m.backward(x, dy), np.einsum("bca->abc", dy))
    with pytest.raises(InputTypeError, match="pairs"):
        Transpose(0, 1)
    assert Transpose.from_config(m.config()).permutations == ((0, 2), (0, 1))


# ----------------------------------------------------------------------------- Padding / Collapse
def test_padding_doc_examples():
    x = np.array([0.2008, 0.4848, -1.0783])
    np.testing.assert_array_equal(
        Padding(0, 2, 1, -1.0).forward(x), [0.2008, 0.4848, -1.0783, -1.0, -1.0]
    )
    batch = np.array([[1.0203, 0.2704, -1.6164], [-0.2219, -0.6529, -1.9218]])
    np.testing.assert_array_equal(
        Padding(0, -2, 1, -1.0).forward(batch),
        [[-1, -1, 1.0203, 0.2704, -1.6164], [-1, -1, -0.2219, -0.6529, -1.9218]],
    )
    np.testing.assert_array_equal(
        Padding(0, -2, 1, -1.0, 1).forward(batch),
        [[1.0203, -1, -1, 0.2704, -1.6164], [-0.2219, -1, -1, -0.6529, -1.9218]],
    )
    # a positive pad with an index counts from the right
    np.testing.assert_array_equal(
        Padding(0, 1, None, 9.0, 1).forward(np.array([1.0, 2.0, 3.0])), [1.0, 2.0, 9.0, 3.0]
    )


def test_padding_gradient_drops_the_padding():
    x = np.array([[1.0, 2.0, 3.0]])
    dy = np.array([[10.0, 20.0, 30.0, 40.0, 50.0]])
    padding = forwarded(Padding(0, -2, 1, 0.0, 1), x)
    np.testing.assert_array_equal(padding.backward(x, dy), [[10.0, 40.0, 50.0]])
    with pytest.raises(ShapeError, match="index between 0 and 3"):
        Padding(0, 2, None, 0.0, 4).forward(np.zeros(3))


def test_collapse_is_view_minus_one(rng):
    x = rng.standard_normal((5, 2, 3))
    m = Collapse(2)
    out = m.forward(x)
    assert out.shape == (5, 6)
    np.testing.assert_array_equal(out, View(-1, num_input_dims=2).forward(x))
    assert Collapse(2).forward(x[0]).shape == (6,)
    dy = rng.standard_normal((5, 6))
    np.testing.assert_array_equal(m.backward(x, dy)[2, 1], dy[2, 3:])


# ----------------------------------------------------------------------------- Constant / OneHot
def test_constant_value_batch_and_zero_gradient():
    m = Constant(np.array([1.0, 2.0]), 1)
    np.testing.assert_array_equal(m.forward(np.zeros(4)), [1.0, 2.0])
    np.testing.assert_array_equal(m.forward(np.zeros((3, 4))), [[1.0, 2.0]] * 3)
    np.testing.assert_array_equal(m.backward(np.ones((3, 4)), np.ones((3, 2))), np.zeros((3, 4)))
    assert m.float().forward(np.zeros(4)).dtype == np.float32
    np.testing.assert_array_equal(Constant(7).forward(np.zeros((2, 2))), [7.0])
    with pytest.raises(InputTypeError):
        Constant("seven")


def test_one_hot_doc_examples_with_zero_based_classes():
    m = OneHot(5)
    np.testing.assert_array_equal(m.forward(np.array([2])), [[0, 0, 1, 0, 0]])
    np.testing.assert_array_equal(
        m.forward(np.array([2.0, 1.0, 0.0])), [[0, 0, 1, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0]]
    )
    out = m.forward(np.array([[2, 1, 0], [0, 1, 2]]))
    assert out.shape == (2, 3, 5) and out.dtype == np.float64
    np.testing.assert_array_equal(out[1, 2], [0, 0, 1, 0, 0])
    np.testing.assert_array_equal(m.forward(4), [0, 0, 0, 0, 1])
    m.forward(np.array([1, 2]))
    np.testing.assert_array_equal(m.backward(np.array([1, 2]), np.ones((2, 5))), [0.0, 0.0])
    with pytest.raises(IndexOutOfRangeError):
        m.forward(np.array([5]))
    with pytest.raises(InputTypeError):
        m.forward(np.array([1.5]))


# ----------------------------------------------------------------------------- PixelShuffle
def test_pixel_shuffle_against_the_index_formula(rng):
    r, c, h, w = 2, 3, 2, 4
    x = rng.standard_normal((2, c * r * r, h, w))
    out = PixelShuffle(r).forward(x)
    assert out.shape == (2, c, h * r, w * r)
    for ch in range(c):
        for i in range(h * r):
            for j in range(w * r):
                assert out[1, ch, i, j] == x[1, ch * r * r + (i % r) * r + j % r, i // r, j // r]
    np.testing.assert_array_equal(PixelShuffle(r).forward(x[1]), out[1])


def test_pixel_shuffle_gradient_is_the_inverse(rng):
    m = PixelShuffle(3)
    x = rng.standard_normal((9, 2, 2))
    out = m.forward(x)
    assert out.shape == (1, 6, 6)
    np.testing.assert_array_equal(m.backward(x, out), x)  # a permutation: its inverse maps back
    with pytest.raises(ShapeError, match="divisible by 9"):
        m.forward(np.zeros((8, 2, 2)))


# ----------------------------------------------------------------------------- PrintSize
def test_print_size_prints_and_passes_through(capsys):
    x = np.zeros((2, 3))
    m = PrintSize("here")
    assert m.forward(x) is x
    assert m.backward(x, x) is x
    m.forward([x, [np.zeros(4)]])
    printed = capsys.readouterr().out
    assert printed == (
        "here:input\n    (2, 3)\nhere:gradOutput\n    (2, 3)\nhere:input\n    [(2, 3), [(4,)]]\n"
    )


# ----------------------------------------------------------------------------- k-max pooling
def test_k_max_pooling_keeps_order_of_the_largest():
    x = np.array([[1.0, 9.0], [5.0, 2.0], [3.0, 4.0], [7.0, 0.0], [6.0, 8.0]])
    m = TemporalDynamicKMaxPooling(3)
    np.testing.assert_array_equal(m.forward(x), [[5.0, 9.0], [7.0, 4.0], [6.0, 8.0]])
    grad = m.backward(x, np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    np.testing.assert_array_equal(grad, [[0, 2], [1, 0], [0, 4], [3, 0], [5, 6]])


def test_k_max_pooling_dynamic_k_and_batch(rng):
    x = rng.standard_normal((2, 7, 3))
    m = TemporalDynamicKMaxPooling(2, 0.5)  # k = max(2, ceil(3.5)) = 4
    out = m.forward(x)
    assert out.shape == (2, 4, 3)
    for b in range(2):
        for f in range(3):
            frames = sorted(np.argsort(x[b, :, f])[-4:])
            np.testing.assert_array_equal(out[b, :, f], x[b, frames, f])
    with pytest.raises(ShapeError, match="at least k=2 frames"):
        m.forward(np.zeros((1, 2)))
    with pytest.raises(ShapeError, match="2 or 3 dimensions"):
        m.forward(np.zeros(5))
