"""Seed 004 (the nn tutorial notebook), its table cells (section 2h) translated to Python.

Torch's 1-based positions become 0-based: the index ``{2}`` becomes ``[1]``,
``JoinTable(2, 2)`` becomes ``JoinTable(1, 2)`` and ``NarrowTable(1, 2)`` becomes
``NarrowTable(0, 2)``.  Expected values are computed here from the layers' weights with numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

import nncore
from nncore import nn

D_O, D_D, D_H = 5, 3, 2  # width of W_o, width of W_d, height of both


@pytest.fixture
def sparse_and_dense():
    """Cell 34: a ParallelTable of a LookupTable (one-hot part) and a Linear (dense part)."""
    nncore.manual_seed(287)
    x_o = np.array([1])  # the index of the one-hot vector [0 1 0 0 0]
    x_d = np.random.default_rng(287).standard_normal((1, D_D))
    par = nn.ParallelTable()
    par.add(nn.LookupTable(D_O, D_H))
    par.add(nn.Linear(D_D, D_H))
    return par, x_o, x_d


def test_cell34_parallel_table_gives_a_table_of_two_1_by_dh_arrays(sparse_and_dense):
    par, x_o, x_d = sparse_and_dense
    lookup, linear = par.modules
    out = par.forward([x_o, x_d])
    assert isinstance(out, list) and [o.shape for o in out] == [(1, D_H), (1, D_H)]
    np.testing.assert_allclose(out[0], lookup.weight[[1]], rtol=1e-15)
    np.testing.assert_allclose(out[1], x_d @ linear.weight.T + linear.bias, rtol=1e-14)


def test_cell34_lookup_equals_a_linear_map_of_the_one_hot_vector(sparse_and_dense):
    # the tutorial's point: W_o x_o for a one-hot x_o is a row lookup
    par, x_o, x_d = sparse_and_dense
    lookup = par.modules[0]
    one_hot = np.zeros((1, D_O))
    one_hot[0, x_o[0]] = 1.0
    as_linear = nn.Linear(D_O, D_H, bias=False)
    as_linear.weight[...] = lookup.weight.T
    np.testing.assert_allclose(par.forward([x_o, x_d])[0], as_linear.forward(one_hot), rtol=1e-14)


def test_cell35_sequential_with_cadd_table_prints_like_the_tutorial(sparse_and_dense):
    par, _, _ = sparse_and_dense
    net = nn.Sequential()
    net.add(par)
    net.add(nn.CAddTable())
    lines = repr(net).splitlines()
    assert lines[:3] == [
        "nn.Sequential {",
        "  [input -> (0) -> (1) -> output]",
        "  (0): nn.ParallelTable {",
    ]
    assert lines[3:5] == ["    input", "    |`-> (0): " + repr(par.modules[0])]
    assert lines[5] == "    |`-> (1): nn.Linear(3 -> 2)"
    assert lines[6:] == ["     ... -> output", "  }", "  (1): nn.CAddTable", "}"]


def test_cell36_sparse_and_dense_linear_is_w_o_x_o_plus_w_d_x_d_plus_b(sparse_and_dense):
    par, x_o, x_d = sparse_and_dense
    lookup, linear = par.modules
    net = nn.Sequential(par, nn.CAddTable())
    out = net.forward([x_o, x_d])
    assert out.shape == (1, D_H)
    expected = lookup.weight[1] + linear.weight @ x_d[0] + linear.bias
    np.testing.assert_allclose(out[0], expected, rtol=1e-14)

    # backward through the mixed network: the gradient reaches the looked-up row only
    g = np.array([[0.5, -2.0]])
    net.zero_grad_parameters()
    grad_input = net.backward([x_o, x_d], g)
    np.testing.assert_allclose(grad_input[1], g @ linear.weight, rtol=1e-14)
    expected_lookup_grad = np.zeros((D_O, D_H))
    expected_lookup_grad[1] = g[0]
    np.testing.assert_allclose(lookup.grad_weight, expected_lookup_grad, rtol=1e-15)
    np.testing.assert_allclose(linear.grad_weight, g.T @ x_d, rtol=1e-14)
    np.testing.assert_allclose(linear.grad_bias, g[0], rtol=1e-15)


@pytest.fixture
def t():
    rng = np.random.default_rng(38)
    return [rng.standard_normal((1, 3)), rng.standard_normal((1, 3)), rng.standard_normal((1, 2))]


def test_cell38_join_table_concatenates_along_the_second_dimension(t):
    joined = nn.JoinTable(1, 2).forward(t)  # torch: JoinTable(2, 2)
    assert joined.shape == (1, 8)
    np.testing.assert_array_equal(joined[0, :3], t[0][0])
    np.testing.assert_array_equal(joined[0, 3:6], t[1][0])
    np.testing.assert_array_equal(joined[0, 6:], t[2][0])


def test_cell38_narrow_table_returns_the_first_two_elements(t):
    narrowed = nn.NarrowTable(0, 2).forward(t)  # torch: NarrowTable(1, 2)
    assert isinstance(narrowed, list) and [a.shape for a in narrowed] == [(1, 3), (1, 3)]
    assert narrowed[0] is t[0] and narrowed[1] is t[1]
