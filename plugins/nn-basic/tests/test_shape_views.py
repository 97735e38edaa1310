"""Layers that view, reshape, permute or repeat their input, against hand-computed values,
torch/nn's documented results and direct numpy formulas: View, Reshape, Squeeze, Unsqueeze,
Transpose, Replicate, Collapse and PixelShuffle; bad input; batch detection through
``n_input_dims``."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_basic.collapse import Collapse
from nn_basic.pixel_shuffle import PixelShuffle
from nn_basic.replicate import Replicate
from nn_basic.reshape import Reshape
from nn_basic.squeeze import Squeeze
from nn_basic.transpose import Transpose
from nn_basic.unsqueeze import Unsqueeze
from nn_basic.view import View

from nncore.errors import InputTypeError, ShapeError

sys.path.insert(0, str(Path(__file__).parent))
from nn_basic_checks import TOL, forwarded  # noqa: E402


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


# ----------------------------------------------------------------------------- Collapse
def test_collapse_is_view_minus_one(rng):
    x = rng.standard_normal((5, 2, 3))
    m = Collapse(2)
    out = m.forward(x)
    assert out.shape == (5, 6)
    np.testing.assert_array_equal(out, View(-1, num_input_dims=2).forward(x))
    assert Collapse(2).forward(x[0]).shape == (6,)
    dy = rng.standard_normal((5, 6))
    np.testing.assert_array_equal(m.backward(x, dy)[2, 1], dy[2, 3:])


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
