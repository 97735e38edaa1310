"""Table conversion layers against torch/nn's documented examples and hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import nn
from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError


# ----------------------------------------------------------------------------- SplitTable
def test_split_table_columns_and_rows():
    x = np.arange(12.0).reshape(4, 3)
    columns = nn.SplitTable(1).forward(x)
    assert len(columns) == 3
    for j, column in enumerate(columns):
        np.testing.assert_array_equal(column, [x[i][j] for i in range(4)])
    rows = nn.SplitTable(0).forward(x)
    assert [r.tolist() for r in rows] == x.tolist()


def test_split_table_n_input_dims_handles_batches():
    split = nn.SplitTable(0, 2)
    batch = np.arange(24.0).reshape(2, 4, 3)
    out = split.forward(batch)
    assert len(out) == 4 and out[1].shape == (2, 3)
    np.testing.assert_array_equal(out[1], batch[:, 1, :])
    assert len(split.forward(np.zeros((4, 3)))) == 4


def test_split_table_negative_dimension_counts_from_the_end():
    split = nn.SplitTable(-2)
    assert [o.shape for o in split.forward(np.zeros((3, 2)))] == [(2,)] * 3
    assert [o.shape for o in split.forward(np.zeros((1, 3, 2)))] == [(1, 2)] * 3


def test_split_table_gradient_reassembles_the_slices():
    split = nn.SplitTable(1)
    x = np.zeros((2, 3))
    split.forward(x)
    grad = split.backward(x, [np.array([1.0, 4.0]), np.array([2.0, 5.0]), np.array([3.0, 6.0])])
    np.testing.assert_array_equal(grad, [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ShapeError, match="expected grad_output to be a table of 3 elements"):
        split.backward(x, [np.zeros(2)] * 2)


def test_split_table_out_of_range_dimension():
    with pytest.raises(ShapeError, match="out of range"):
        nn.SplitTable(2).forward(np.zeros((2, 2)))


# ----------------------------------------------------------------------------- JoinTable
def test_join_table_documented_shapes():
    rng = np.random.default_rng(0)
    x, y, z = rng.standard_normal((5, 1)), rng.standard_normal((5, 1)), rng.standard_normal((2, 1))
    assert nn.JoinTable(0).forward([x, y]).shape == (10, 1)
    assert nn.JoinTable(1).forward([x, y]).shape == (5, 2)
    joined = nn.JoinTable(0).forward([x, z])
    assert joined.shape == (7, 1)
    np.testing.assert_array_equal(joined[:5], x)
    np.testing.assert_array_equal(joined[5:], z)


def test_join_table_n_input_dims_and_gradient():
    join = nn.JoinTable(1, 2)
    x, y = np.ones((3, 1)), 2 * np.ones((3, 1))
    np.testing.assert_array_equal(join.forward([x, y]), [[1, 2]] * 3)
    mx, my = np.ones((2, 3, 1)), np.zeros((2, 3, 2))
    assert join.forward([mx, my]).shape == (2, 3, 3)
    g = np.arange(18.0).reshape(2, 3, 3)
    gx, gy = join.backward([mx, my], g)
    np.testing.assert_array_equal(gx, g[:, :, :1])
    np.testing.assert_array_equal(gy, g[:, :, 1:])


def test_join_table_bad_inputs():
    join = nn.JoinTable(0)
    message = r"expected input\[1\] of shape \(2, 3\), got shape \(2, 2\)"
    with pytest.raises(ShapeError, match=message):
        join.forward([np.ones((2, 3)), np.ones((2, 2))])
    with pytest.raises(ShapeError, match="at least 1 element"):
        join.forward([])
    with pytest.raises(InputTypeError, match=r"input\[1\] to be a numpy.ndarray"):
        join.forward([np.ones(2), "x"])
    np.testing.assert_array_equal(join.forward([np.ones(1), np.zeros(1)]), [1, 0])


# ----------------------------------------------------------------------------- MixtureTable
def test_mixture_table_with_a_table_of_experts():
    gater = np.array([[0.2, 0.8], [0.5, 0.5]])
    experts = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[10.0, 20.0], [30.0, 40.0]])]
    mix = nn.MixtureTable()
    out = mix.forward([gater, experts])
    np.testing.assert_allclose(out, [[8.2, 16.4], [16.5, 22.0]], rtol=1e-12)
    g = np.array([[1.0, 0.0], [0.0, 2.0]])
    grad_gater, grad_experts = mix.backward([gater, experts], g)
    # d out / d gater[b, i] = sum_j g[b, j] * experts[i][b, j]
    np.testing.assert_allclose(grad_gater, [[1.0, 10.0], [8.0, 80.0]], rtol=1e-12)
    np.testing.assert_allclose(grad_experts[0], [[0.2, 0.0], [0.0, 1.0]], rtol=1e-12)
    np.testing.assert_allclose(grad_experts[1], [[0.8, 0.0], [0.0, 1.0]], rtol=1e-12)


def test_mixture_table_with_an_expert_dimension():
    rng = np.random.default_rng(1)
    gater = rng.random((2, 3))
    experts = rng.standard_normal((2, 4, 3))  # experts along dimension 2
    out = nn.MixtureTable(2).forward([gater, experts])
    expected = np.array(
        [
            [sum(gater[b, i] * experts[b, j, i] for i in range(3)) for j in range(4)]
            for b in range(2)
        ]
    )
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    single = nn.MixtureTable().forward([gater[0], experts[0].T])  # default: dimension 0
    np.testing.assert_allclose(single, expected[0], rtol=1e-12)


def test_mixture_table_needs_one_gate_per_expert():
    with pytest.raises(ShapeError, match=r"the experts\) to be a table of 3 elements"):
        nn.MixtureTable().forward([np.ones(3), [np.ones(2), np.ones(2)]])


# ----------------------------------------------------------------------------- SelectTable
def test_select_table_documented_examples():
    rng = np.random.default_rng(2)
    table = [rng.standard_normal((2, 3)), rng.standard_normal((2, 1))]
    assert nn.SelectTable(0).forward(table) is table[0]
    assert nn.SelectTable(-1).forward(table) is table[1]
    g = rng.standard_normal((2, 3))
    first = nn.SelectTable(0)
    first.forward(table)
    grad = first.backward(table, g)
    np.testing.assert_array_equal(grad[0], g)
    np.testing.assert_array_equal(grad[1], np.zeros((2, 1)))


def test_select_table_nested_gradients_are_zeros_of_the_same_nesting():
    table = [np.ones((2, 3)), [np.ones((2, 1)), [np.ones((2, 2))]]]
    select = nn.SelectTable(1)
    assert select.forward(table) is table[1]
    g = [np.full((2, 1), 7.0), [np.full((2, 2), 8.0)]]
    grad = select.backward(table, g)
    np.testing.assert_array_equal(grad[0], np.zeros((2, 3)))
    np.testing.assert_array_equal(grad[1][1][0], np.full((2, 2), 8.0))
    first = nn.SelectTable(0)
    first.forward(table)
    grad = first.backward(table, np.ones((2, 3)))
    assert grad[1][1][0].shape == (2, 2) and not grad[1][1][0].any()


def test_select_table_slice():
    table = [np.zeros(1), np.ones(2), 2 * np.ones(3)]
    select = nn.SelectTable(slice(1, None))
    out = select.forward(table)
    assert len(out) == 2 and out[0] is table[1] and out[1] is table[2]
    grad = select.backward(table, [np.full(2, 5.0), np.full(3, 6.0)])
    assert [g.tolist() for g in grad] == [[0.0], [5.0, 5.0], [6.0, 6.0, 6.0]]
    assert repr(select) == "nn.SelectTable(1:)"
    assert nn.SelectTable(**select.config()).index == slice(1, None)


def test_select_table_index_out_of_range():
    select = nn.SelectTable(2)
    with pytest.raises(IndexOutOfRangeError, match=r"expected -2 <= index < 2"):
        select.forward([np.ones(1), np.ones(1)])
    with pytest.raises(IndexOutOfRangeError):
        nn.SelectTable(-3).forward([np.ones(1), np.ones(1)])


# ----------------------------------------------------------------------------- NarrowTable
def test_narrow_table_documented_examples():
    table = [np.ones((2, 3)), np.ones((2, 1)), np.ones((1, 2))]
    assert [t.shape for t in nn.NarrowTable(1, 2).forward(table)] == [(2, 1), (1, 2)]
    assert [t.shape for t in nn.NarrowTable(0).forward(table)] == [(2, 3)]
    g = [np.full((2, 3), 3.0), np.full((2, 1), 4.0)]
    first_two = nn.NarrowTable(0, 2)
    first_two.forward(table)
    grad = first_two.backward(table, g)
    np.testing.assert_array_equal(grad[0], g[0])
    np.testing.assert_array_equal(grad[1], g[1])
    np.testing.assert_array_equal(grad[2], [[0.0, 0.0]])


def test_narrow_table_too_short_a_table():
    with pytest.raises(IndexOutOfRangeError, match="at least 3 elements"):
        nn.NarrowTable(1, 2).forward([np.ones(1), np.ones(1)])


# ----------------------------------------------------------------------------- FlattenTable
def test_flatten_table_documented_example_and_gradient():
    x = [np.ones(1), [np.ones(2), [np.ones(3)]], np.ones(4)]
    flat = nn.FlattenTable()
    out = flat.forward(x)
    assert [o.shape for o in out] == [(1,), (2,), (3,), (4,)]
    assert out[2] is x[1][1][0]
    g = [np.full(n, float(n)) for n in (1, 2, 3, 4)]
    grad = flat.backward(x, g)
    assert grad[1][1][0] is g[2] and grad[2] is g[3] and grad[1][0] is g[1]
    with pytest.raises(ShapeError, match="table of 4 elements"):
        flat.backward(x, g[:3])


# ----------------------------------------------------------------------------- ZipTable(s)
def test_zip_table_documented_example():
    zip_table = nn.ZipTable()
    out = zip_table.forward([["a1", "a2"], ["b1", "b2"], ["c1", "c2"]])
    assert out == [["a1", "b1", "c1"], ["a2", "b2", "c2"]]
    x = [[np.zeros(1), np.zeros(2)], [np.zeros(1), np.zeros(2)]]
    g = [[np.ones(1), 2 * np.ones(1)], [3 * np.ones(2), 4 * np.ones(2)]]
    zip_table.forward(x)
    grad = zip_table.backward(x, g)
    assert [[a.tolist() for a in row] for row in grad] == [[[1.0], [3.0, 3.0]], [[2.0], [4.0, 4.0]]]
    with pytest.raises(ShapeError, match=r"expected input\[1\] to be a table of 2 elements"):
        zip_table.forward([["a", "b"], ["c"]])


def test_zip_table_one_to_many():
    zip_one = nn.ZipTableOneToMany()
    assert zip_one.forward(["el", ["a", "b", "c"]]) == [["el", "a"], ["el", "b"], ["el", "c"]]
    v, items = np.zeros(2), [np.zeros(1), np.zeros(3)]
    g = [[np.array([1.0, 2.0]), np.ones(1)], [np.array([10.0, 20.0]), np.ones(3)]]
    zip_one.forward([v, items])
    grad_v, grad_items = zip_one.backward([v, items], g)
    np.testing.assert_array_equal(grad_v, [11.0, 22.0])
    assert grad_items[0] is g[0][1] and grad_items[1] is g[1][1]
    with pytest.raises(ShapeError, match="table of 2 elements, got a list of length 3"):
        zip_one.forward([v, items, v])


# ----------------------------------------------------------------------------- CriterionTable
def test_criterion_table_documented_example():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    loss = nn.CriterionTable(nn.MSECriterion())
    assert loss.forward([x, x]) == 0.0
    assert loss.forward([x, y]) == pytest.approx(np.mean((x - y) ** 2), rel=1e-12)
    grad_x, grad_y = loss.backward([x, y], None)
    np.testing.assert_allclose(grad_x, 2 * (x - y) / 5, rtol=1e-12)
    np.testing.assert_array_equal(grad_y, np.zeros(5))
    grad_x, _ = loss.backward([x, y], np.array(3.0))
    np.testing.assert_allclose(grad_x, 6 * (x - y) / 5, rtol=1e-12)
    assert repr(loss) == "nn.CriterionTable(nn.MSECriterion)"
    assert loss.children()[0] is loss.criterion


def test_criterion_table_trains_a_network_that_takes_input_and_target():
    main = nn.Sequential(nn.Linear(5, 4), nn.Linear(4, 3))
    net = nn.Sequential(nn.ParallelTable(main, nn.Identity()), nn.CriterionTable(nn.MSECriterion()))
    x, y = np.ones(5), np.ones(3)
    errors = []
    for _ in range(20):
        errors.append(net.forward([x, y]))
        net.zero_grad_parameters()
        net.backward([x, y], None)
        net.update_parameters(0.05)
    assert errors[-1] < 0.1 * errors[0]


def test_criterion_table_needs_a_criterion_and_a_pair():
    with pytest.raises(InputTypeError, match="expects a Criterion"):
        nn.CriterionTable(nn.Linear(2, 2))
    with pytest.raises(ShapeError, match="table of 2 elements"):
        nn.CriterionTable(nn.MSECriterion()).forward([np.ones(2)])
