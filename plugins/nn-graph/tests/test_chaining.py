"""nngraph's '-' operator: ``-a`` is ``a()``, ``x - b`` is ``b(x)`` (init.lua's __unm/__sub)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_graph import Node, gModule

import nncore
from nncore import nn


def test_minus_a_module_is_an_input_node():
    linear = nn.Linear(3, 2)
    node = -linear
    assert isinstance(node, Node) and node.module is linear and node.inputs == []
    assert "test_chaining.py" in node.source


def test_a_chain_is_the_nested_calls():
    nncore.manual_seed(0)
    first, act, second = nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)
    x = -first
    out = x - act - second
    assert out.module is second and out.inputs[0].module is act
    assert out.inputs[0].inputs == [x]
    g = gModule([x], [out])
    data = np.random.default_rng(1).standard_normal((5, 3))
    hidden = np.tanh(data @ first.weight.T + first.bias)
    np.testing.assert_allclose(g.forward(data), hidden @ second.weight.T + second.bias, rtol=1e-12)


def test_a_list_of_nodes_minus_a_module_takes_the_table():
    # Lua looks the operator up on the right operand when the left one (a table) has none
    a, b = nn.Identity()(), nn.Identity()()
    total = [a, b] - nn.CAddTable()
    assert total.table and total.inputs == [a, b]
    g = gModule([a, b], [total - nn.Tanh()])
    np.testing.assert_allclose(
        g.forward([np.array([0.5, 1.0]), np.array([0.25, -2.0])]), np.tanh([0.75, -1.0])
    )


def test_a_module_on_the_left_of_a_chain_needs_the_leading_minus():
    with pytest.raises(
        nncore.InputTypeError,
        match=r"nn.Tanh: expected a Node or a list of nodes, got the module "
        r"nn.Linear\(3 -> 4\): call a module to make a node \(module\(\) for an input, "
        r"-module to start a chain\)",
    ):
        _ = nn.Linear(3, 4) - nn.Tanh()


def test_a_node_on_the_right_is_an_error():
    x = nn.Identity()()
    with pytest.raises(nncore.InputTypeError, match="expected a module on the right of '-'"):
        _ = x - nn.Identity()()
    with pytest.raises(nncore.InputTypeError, match=r"nn.Tanh - Node\(nn.Identity\): expected"):
        _ = nn.Tanh() - x
    with pytest.raises(nncore.InputTypeError, match="expected a module on the right of '-'"):
        _ = [x] - nn.Identity()()
    assert x.consumers == []


def test_other_operands_are_not_supported():
    x = nn.Identity()()
    with pytest.raises(TypeError, match="unsupported operand"):
        _ = x - 3
    with pytest.raises(TypeError, match="unsupported operand"):
        _ = nn.Tanh() - "x"
    with pytest.raises(TypeError, match="unsupported operand"):
        _ = (1, 2) - nn.Tanh()


def test_a_criterion_is_no_graph_node():
    with pytest.raises(nncore.InputTypeError, match="ModuleFromCriterion"):
        _ = -nn.MSECriterion()
