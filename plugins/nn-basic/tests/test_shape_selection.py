"""Layers that select part of their input or pad it, against hand-computed values and
torch/nn's documented results: Narrow, Select, MaskedSelect, Index and Padding; bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.index import Index
from nn_basic.masked_select import MaskedSelect
from nn_basic.narrow import Narrow
from nn_basic.padding import Padding
from nn_basic.select import Select

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import forwarded  # noqa: E402


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


# ----------------------------------------------------------------------------- Padding
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
