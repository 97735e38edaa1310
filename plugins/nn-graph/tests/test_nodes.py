"""A gModule's nodes: forward_nodes / backward_nodes, fg / bg, annotations on built graphs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nn_graph import Graph, gModule, to_dot

import nncore
from nncore import nn


@st.composite
def dags(draw):
    """Nodes built by hand: inputs, then nodes taking a random set of earlier nodes."""
    n_inputs = draw(st.integers(1, 3))
    nodes = [nn.Identity()() for _ in range(n_inputs)]
    for _ in range(draw(st.integers(0, 8))):
        parents = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3, unique=True))
        nodes.append(nn.CAddTable()(parents) if len(parents) > 1 else nn.Tanh()(parents[0]))
    # every node nothing consumes is an output, so no node dangles and every input is used
    outputs = [node for node in nodes if not node.consumers]
    return nodes[:n_inputs], nodes, outputs


@settings(max_examples=40, deadline=None)
@given(dags())
def test_forward_nodes_are_the_built_nodes_in_topological_order(graph):
    inputs, built, outputs = graph
    g = gModule(inputs, outputs)
    nodes = g.forward_nodes
    # one node per built node, recognised by its module (a module belongs to one node)
    assert sorted(map(id, (n.module for n in nodes))) == sorted(id(n.module) for n in built)
    position = {id(node.module): k for k, node in enumerate(nodes)}
    for node in built:
        view = nodes[position[id(node.module)]]
        assert [p.module for p in view.inputs] == [p.module for p in node.inputs]
        assert all(position[id(p.module)] < position[id(node.module)] for p in node.inputs)
    assert [node.index for node in nodes] == list(range(len(nodes)))
    assert [n.module for n in g.fg.inputs] == [n.module for n in inputs]
    assert [n.module for n in g.fg.outputs] == [n.module for n in outputs]
    backward = g.backward_nodes
    assert [n.index for n in backward] == [n.index for n in reversed(nodes)]
    rank = {node.index: k for k, node in enumerate(backward)}
    assert all(rank[a.index] < rank[b.index] for a, b in g.bg.edges)
    expected_edges = {(p.index, n.index) for n in nodes for p in n.inputs}
    assert {(a.index, b.index) for a, b in g.fg.edges} == expected_edges
    assert {(b.index, a.index) for a, b in g.bg.edges} == expected_edges


def test_fg_and_bg_of_a_diamond():
    x = nn.Identity()()
    left, right = nn.Tanh()(x), nn.Sigmoid()(x)
    total = nn.CAddTable()([left, right])
    g = gModule([x], [total])
    fg, bg = g.fg, g.bg
    assert isinstance(fg, Graph) and not fg.backward and bg.backward
    assert repr(fg) == "Graph(forward, 4 nodes, 4 edges)"
    assert [(a.label(), b.label()) for a, b in fg.edges] == [
        ("nn.Identity", "nn.Tanh"),
        ("nn.Identity", "nn.Sigmoid"),
        ("nn.Tanh", "nn.CAddTable"),
        ("nn.Sigmoid", "nn.CAddTable"),
    ]
    assert [n.label() for n in bg.nodes] == ["nn.CAddTable", "nn.Sigmoid", "nn.Tanh", "nn.Identity"]
    assert [(a.index, b.index) for a, b in bg.edges] == [(3, 2), (3, 1), (2, 0), (1, 0)]


def test_split_nodes_have_no_module_and_select_an_element():
    x = nn.Identity()()
    first, second = nn.SplitTable(0)(x).split(2)
    g = gModule([x], [nn.CSubTable()([first, second])])
    selects = [
        (n.module, n.select, n.inputs[0].index) for n in g.forward_nodes if n.select is not None
    ]
    assert selects == [(None, 0, 1), (None, 1, 1)]


def test_nodes_carry_name_description_and_where_they_were_made():
    x = nn.Identity()()
    h = nn.Linear(3, 2)(x).annotate(name="proj", description="the projection")
    line = h.source
    g = gModule([x], [h])
    node = g.forward_nodes[1]
    assert node.module is g.get(1)
    assert node.annotations == {"name": "proj", "description": "the projection"}
    assert node.name == "proj" and node.source == line and "test_nodes.py" in line
    assert repr(node) == "Node(nn.Linear(3 -> 2) 'proj')"


def test_nodes_follow_a_replaced_module():
    x = nn.Identity()()
    g = gModule([x], [nn.Tanh()(x)])
    g.replace(lambda m: nn.Sigmoid() if type(m).__name__ == "Tanh" else m)
    assert g.forward_nodes[1].module is g.get(1)
    assert g.forward_nodes[1].label() == "nn.Sigmoid"


def lstm_cell(input_size, rnn_size):
    """char-rnn's LSTM cell (one layer): inputs [x, prev_c, prev_h], outputs [next_c, next_h]."""
    x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()
    i2h = nn.Linear(input_size, 4 * rnn_size)(x).annotate(name="i2h_0")
    h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h).annotate(name="h2h_0")
    reshaped = nn.Reshape(4, rnn_size)(nn.CAddTable()([i2h, h2h]))
    n1, n2, n3, n4 = nn.SplitTable(1)(reshaped).split(4)
    in_gate, forget_gate, out_gate = nn.Sigmoid()(n1), nn.Sigmoid()(n2), nn.Sigmoid()(n3)
    next_c = nn.CAddTable()(
        [nn.CMulTable()([forget_gate, prev_c]), nn.CMulTable()([in_gate, nn.Tanh()(n4)])]
    )
    next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
    return nn.gModule([x, prev_c, prev_h], [next_c, next_h])


def test_char_rnn_forget_gate_initialisation_by_walking_forward_nodes():
    nncore.manual_seed(3)
    rnn_size, input_size = 4, 3
    cell = lstm_cell(input_size, rnn_size)
    params, _ = cell.get_parameters()
    params[...] = np.random.default_rng(0).uniform(-0.08, 0.08, params.shape)
    before = params.copy()
    # train.lua: the gates are in order i, f, o, g, so f is the second block of the bias
    for node in cell.forward_nodes:
        if node.annotations.get("name") == "i2h_0":
            node.module.bias[rnn_size : 2 * rnn_size] = 1.0
    changed = np.flatnonzero(params != before)
    assert len(changed) == rnn_size and np.all(params[changed] == 1.0)
    # with zero weights elsewhere the forget gate is sigmoid(1 + h2h's bias): c is kept
    i2h, h2h = cell.find_modules("Linear")[0]
    i2h.weight[...] = 0
    h2h.weight[...] = 0
    h2h.bias[...] = 0
    prev_c = np.array([[0.5, -1.0, 2.0, 0.25]])
    zero = np.zeros((1, input_size))
    next_c, _ = cell.forward([zero, prev_c, np.zeros((1, rnn_size))])
    i, g = 1 / (1 + np.exp(-i2h.bias[:rnn_size])), np.tanh(i2h.bias[3 * rnn_size :])
    expected = prev_c / (1 + np.exp(-1.0)) + i * g
    np.testing.assert_allclose(next_c, expected, rtol=1e-12)


def test_annotating_a_built_node_changes_the_gmodule(tmp_path):
    x = nn.Identity()()
    g = gModule([x], [nn.Tanh()(x)])
    g.forward_nodes[1].annotate(name="act", graph_attributes={"color": "blue"})
    assert g.forward_nodes[1].annotations["graph_attributes"] == {"color": "blue"}
    assert 'color="blue"' in to_dot(g) and "nn.Tanh  'act'" in repr(g)
    nncore.save(g, tmp_path / "g.nncore")
    loaded = nncore.load(tmp_path / "g.nncore")
    expected = {"name": "act", "graph_attributes": {"color": "blue"}}
    assert loaded.forward_nodes[1].annotations == expected


def test_annotations_given_before_building_are_copied_not_shared():
    x = nn.Identity()()
    h = nn.Tanh()(x).annotate(graph_attributes={"color": "red"})
    g = gModule([x], [h])
    h.annotations["graph_attributes"]["color"] = "green"
    assert g.forward_nodes[1].annotations["graph_attributes"] == {"color": "red"}


@pytest.mark.parametrize(
    ("annotations", "message"),
    [
        (
            {"graph_attributes": "red"},
            "graph_attributes to be a dict of Graphviz attributes, got str",
        ),
        ({"graph_attributes": {"fill color": "red"}}, "attribute names .* got 'fill color'"),
        (
            {"graph_attributes": {"color": ["red"]}},
            r"graph_attributes\['color'\] to be a string or number, got list",
        ),
        ({"weights": np.ones(2)}, "weights= to be a JSON value .* got ndarray"),
        ({"tags": {1: "a"}}, "tags= to be a JSON value"),
    ],
)
def test_annotations_that_cannot_be_saved_or_drawn_are_refused(annotations, message):
    node = nn.Tanh()(nn.Identity()())
    with pytest.raises(nncore.InputTypeError, match=message):
        node.annotate(**annotations)
    assert node.annotations == {}
    node.annotate(tags=["a", 1, None, {"k": 2.5}], flag=True)
    assert node.annotations == {"tags": ["a", 1, None, {"k": 2.5}], "flag": True}
