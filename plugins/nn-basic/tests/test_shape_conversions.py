"""Layers that convert, copy, replace or print their input, against hand-computed values and
torch/nn's documented results: Copy, Contiguous, Convert, Constant, OneHot and PrintSize."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.constant import Constant
from nn_basic.contiguous import Contiguous
from nn_basic.convert import Convert
from nn_basic.copy import Copy
from nn_basic.one_hot import OneHot
from nn_basic.print_size import PrintSize

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError


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
