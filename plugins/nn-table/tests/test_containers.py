"""ConcatTable, ParallelTable and MapTable against numpy formulas and torch/nn's documentation."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import load, nn, save
from nncore.errors import InputTypeError, ShapeError, StateError


def affine(linear, x):
    return x @ linear.weight.T + linear.bias


# ----------------------------------------------------------------------------- ConcatTable
def test_concat_table_applies_every_child_to_the_input_and_sums_gradients():
    rng = np.random.default_rng(0)
    first, second = nn.Linear(5, 2), nn.Linear(5, 3)
    cat = nn.ConcatTable(first, second)
    x = rng.standard_normal(5)
    out = cat.forward(x)
    assert [o.shape for o in out] == [(2,), (3,)]
    np.testing.assert_allclose(out[0], affine(first, x), rtol=1e-12)
    np.testing.assert_allclose(out[1], affine(second, x), rtol=1e-12)

    g = [rng.standard_normal(2), rng.standard_normal(3)]
    cat.zero_grad_parameters()
    grad = cat.backward(x, g)
    np.testing.assert_allclose(grad, first.weight.T @ g[0] + second.weight.T @ g[1], rtol=1e-12)
    np.testing.assert_allclose(first.grad_weight, np.outer(g[0], x), rtol=1e-12)
    np.testing.assert_allclose(second.grad_bias, g[1], rtol=1e-12)


def test_concat_table_of_identities_on_a_nested_table():
    # torch/nn doc example 2: the output repeats the nested input, gradients add leaf by leaf
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(2), rng.standard_normal(3)
    cat = nn.ConcatTable(nn.Identity(), nn.Identity())
    out = cat.forward([a, [b]])
    assert len(out) == 2
    for branch in out:
        assert branch[0] is a and branch[1][0] is b
    g1 = [np.ones(2), [np.full(3, 2.0)]]
    g2 = [np.full(2, 10.0), [np.full(3, 20.0)]]
    grad = cat.backward([a, [b]], [g1, g2])
    np.testing.assert_allclose(grad[0], np.full(2, 11.0))
    np.testing.assert_allclose(grad[1][0], np.full(3, 22.0))
    assert g1[0][0] == 1.0, "the children's gradients must not be modified"


def test_concat_table_rejects_a_grad_output_of_the_wrong_length():
    cat = nn.ConcatTable(nn.Identity(), nn.Identity())
    x = np.ones(2)
    cat.forward(x)
    with pytest.raises(ShapeError, match="expected grad_output to be a table of 2 elements"):
        cat.backward(x, [np.ones(2)])


# ----------------------------------------------------------------------------- ParallelTable
def test_parallel_table_applies_the_ith_child_to_the_ith_input():
    rng = np.random.default_rng(2)
    first, second = nn.Linear(10, 2), nn.Linear(5, 3)
    par = nn.ParallelTable(first, second)
    x, y = rng.standard_normal(10), rng.random(5)
    out = par.forward([x, y])
    np.testing.assert_allclose(out[0], affine(first, x), rtol=1e-12)
    np.testing.assert_allclose(out[1], affine(second, y), rtol=1e-12)
    g = [rng.standard_normal(2), rng.standard_normal(3)]
    grad = par.backward([x, y], g)
    np.testing.assert_allclose(grad[0], first.weight.T @ g[0], rtol=1e-12)
    np.testing.assert_allclose(grad[1], second.weight.T @ g[1], rtol=1e-12)
    assert first.grad_input is grad[0]


@pytest.mark.parametrize(
    "bad, error, message",
    [
        ("not a table", InputTypeError, "expected input to be a table (a list), got a str"),
        (
            [np.ones(3)],
            ShapeError,
            "expected input to be a table of 2 elements, got a list of length 1",
        ),
        ([np.ones(3)] * 3, ShapeError, "table of 2 elements, got a list of length 3"),
    ],
)
def test_parallel_table_bad_input(bad, error, message):
    par = nn.ParallelTable(nn.Linear(3, 2), nn.Tanh())
    with pytest.raises(error) as raised:
        par.forward(bad)
    assert message in str(raised.value) and "ParallelTable" in str(raised.value)
    assert par.forward([np.ones(3), np.zeros(1)])[1].shape == (1,)  # still usable


def test_parallel_table_error_names_the_failing_branch():
    par = nn.ParallelTable(nn.Linear(3, 2), nn.Linear(3, 2))
    with pytest.raises(ShapeError) as raised:
        par.forward([np.ones(3), np.ones(4)])
    assert "at '1' in ParallelTable" in str(raised.value)


def test_parallel_table_prints_like_torch():
    par = nn.ParallelTable(nn.Linear(3, 2), nn.Tanh())
    assert repr(par).splitlines() == [
        "nn.ParallelTable {",
        "  input",
        "  |`-> (0): nn.Linear(3 -> 2)",
        "  |`-> (1): nn.Tanh",
        "   ... -> output",
        "}",
    ]


# ----------------------------------------------------------------------------- MapTable
def test_map_table_clones_share_parameters_and_gradients_accumulate():
    rng = np.random.default_rng(3)
    linear = nn.Linear(4, 3)
    mapped = nn.MapTable(linear)
    xs = [rng.standard_normal(4) for _ in range(3)]
    out = mapped.forward(xs)
    for x, y in zip(xs, out, strict=True):
        np.testing.assert_allclose(y, affine(linear, x), rtol=1e-12)
    assert len(mapped) == 3
    for clone in mapped.modules[1:]:
        assert clone.weight is linear.weight and clone.grad_weight is linear.grad_weight
        assert clone.bias is linear.bias and clone.grad_bias is linear.grad_bias

    gs = [rng.standard_normal(3) for _ in range(3)]
    mapped.zero_grad_parameters()
    grads = mapped.backward(xs, gs)
    for g, gi in zip(gs, grads, strict=True):
        np.testing.assert_allclose(gi, linear.weight.T @ g, rtol=1e-12)
    expected = sum(np.outer(g, x) for g, x in zip(gs, xs, strict=True))
    np.testing.assert_allclose(linear.grad_weight, expected, rtol=1e-12)
    np.testing.assert_allclose(linear.grad_bias, sum(gs), rtol=1e-12)


def test_map_table_get_parameters_lists_shared_parameters_once():
    mapped = nn.MapTable(nn.Linear(4, 3))
    mapped.forward([np.ones(4)] * 5)
    flat, grad_flat = mapped.get_parameters()
    assert flat.shape == grad_flat.shape == (4 * 3 + 3,)
    for clone in mapped.modules:
        assert np.shares_memory(clone.weight, flat)
    before = flat.copy()
    grad_flat[:] = 1.0
    mapped.update_parameters(0.5)  # one update per distinct parameter, not one per clone
    np.testing.assert_allclose(flat, before - 0.5)
    assert mapped.get_parameters()[0] is flat


def test_map_table_new_clones_after_get_parameters_stay_shared():
    mapped = nn.MapTable(nn.Linear(2, 2))
    flat, _ = mapped.get_parameters()
    mapped.forward([np.ones(2)] * 3)
    assert all(np.shares_memory(m.weight, flat) for m in mapped.modules)
    assert mapped.get_parameters()[0] is flat


def test_map_table_nested_module_shares_every_parameter():
    mapped = nn.MapTable(nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)))
    mapped.forward([np.ones(3)] * 2)
    first, second = mapped.modules
    assert first.get(0).weight is second.get(0).weight
    assert first.get(2).bias is second.get(2).bias
    assert mapped.get_parameters()[0].size == 3 * 3 + 3 + 3 + 1


def test_map_table_unshared_clones_are_independent():
    mapped = nn.MapTable(nn.Linear(2, 2), shared=False)
    mapped.forward([np.ones(2)] * 2)
    a, b = mapped.modules
    assert not np.shares_memory(a.weight, b.weight)
    np.testing.assert_array_equal(a.weight, b.weight)
    assert mapped.get_parameters()[0].size == 2 * (2 * 2 + 2)


def test_map_table_sharing_survives_type_clone_and_save(tmp_path):
    mapped = nn.MapTable(nn.Linear(3, 2))
    mapped.forward([np.ones(3)] * 3)
    mapped.float()  # type() clears state, which (as in torch/nn) drops the clones
    mapped.forward([np.ones(3, dtype=np.float32)] * 3)
    assert mapped.modules[0].weight.dtype == np.float32
    assert mapped.modules[2].weight is mapped.modules[0].weight
    twin = mapped.clone()
    assert twin.modules[1].weight is twin.modules[0].weight
    assert not np.shares_memory(twin.modules[0].weight, mapped.modules[0].weight)
    save(mapped, tmp_path / "map.nncore")
    loaded = load(tmp_path / "map.nncore")
    assert len(loaded) == 3 and loaded.modules[2].weight is loaded.modules[0].weight
    x = [np.arange(3, dtype=np.float32)] * 3
    for got, want in zip(loaded.forward(x), mapped.forward(x), strict=True):
        np.testing.assert_array_equal(got, want)


def test_map_table_resize_clear_state_and_single_module():
    mapped = nn.MapTable(nn.Linear(2, 2))
    mapped.resize(4)
    assert len(mapped) == 4
    mapped.resize(2)
    assert len(mapped) == 2
    mapped.clear_state()
    assert len(mapped) == 1
    with pytest.raises(StateError, match="single module"):
        mapped.add(nn.Linear(2, 2))
    with pytest.raises(StateError, match="no module"):
        nn.MapTable().forward([np.ones(2)])
    assert repr(mapped) == "nn.MapTable {\n  nn.Linear(2 -> 2)\n}"
    assert mapped.config() == {"shared": True}
