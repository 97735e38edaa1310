"""gModule and nodes: values against direct numpy formulas, gradients, errors, core features."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from nn_graph import GraphError, Node, gModule, render, to_dot

import nncore
from nncore import nn


def linear(w, b, x):
    return x @ w.T + b


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_calling_a_module_on_nodes_builds_nodes():
    x = nn.Identity()()
    assert isinstance(x, Node) and x.inputs == [] and not x.table
    a, b = nn.Linear(3, 2)(x), nn.Linear(3, 2)(x)
    s = nn.CAddTable()([a, b])
    assert s.inputs == [a, b] and s.table
    assert x.consumers == [a, b]
    assert s.annotate(name="sum", description="a + b") is s
    assert s.name == "sum" and repr(s) == "Node(nn.CAddTable 'sum')"
    assert "test_graph.py" in s.source


def test_a_fresh_process_builds_nodes_without_importing_nn_graph():
    code = (
        "import sys; from nncore import nn; assert 'nn_graph' not in sys.modules; "
        "x = nn.Identity()(); print(type(x).__name__, type(nn.Linear(2, 1)(x)).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["Node", "Node"]


def test_without_the_plugin_a_call_without_input_is_a_clear_error():
    code = (
        "from nncore import nn\n"
        "try:\n    nn.Identity()()\nexcept TypeError as error:\n    print(error)\n"
        "print(nn.CAddTable()([nn.Linear(2, 1).weight[0], nn.Linear(2, 1).weight[0]]).shape)"
    )
    env = {**os.environ, "NNCORE_DISABLE_PLUGINS": "nn-graph"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    lines = result.stdout.splitlines()
    assert "Identity was called without an input: expected an array or a table" in lines[0]
    assert "nn-graph" in lines[0] and lines[1] == "(2,)"


def test_arrays_and_tables_of_arrays_still_run_forward(rng):
    m = nn.Linear(3, 2)
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(m(x), linear(m.weight, m.bias, x), rtol=1e-12)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    np.testing.assert_allclose(nn.CAddTable()([a, b]), a + b, rtol=1e-12)
    with pytest.raises(nncore.InputTypeError, match="expected a list of nodes"):
        nn.CAddTable()([nn.Identity()(), a])


def test_mlp_matches_the_formula_and_its_gradients(rng):
    l1, l2 = nn.Linear(3, 4), nn.Linear(4, 2)
    x = nn.Identity()()
    g = gModule([x], [l2(nn.Tanh()(l1(x)))])
    data, grad_out = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    hidden = np.tanh(linear(l1.weight, l1.bias, data))
    np.testing.assert_allclose(g.forward(data), linear(l2.weight, l2.bias, hidden), rtol=1e-12)
    g.zero_grad_parameters()
    grad_in = g.backward(data, grad_out)
    grad_hidden = (grad_out @ l2.weight) * (1 - hidden**2)
    np.testing.assert_allclose(grad_in, grad_hidden @ l1.weight, rtol=1e-12)
    np.testing.assert_allclose(l2.grad_weight, grad_out.T @ hidden, rtol=1e-12)
    np.testing.assert_allclose(l1.grad_bias, grad_hidden.sum(0), rtol=1e-12)


def test_several_inputs_and_outputs_are_tables(rng):
    a, b = nn.Identity()(), nn.Identity()()
    s = nn.CAddTable()([a, b])
    g = gModule([a, b], [s, nn.CMulTable()([a, b])])
    u, v = rng.standard_normal(3), rng.standard_normal(3)
    out = g.forward([u, v])
    np.testing.assert_allclose(out[0], u + v, rtol=1e-12)
    np.testing.assert_allclose(out[1], u * v, rtol=1e-12)
    gu, gv = rng.standard_normal(3), rng.standard_normal(3)
    grads = g.backward([u, v], [gu, gv])
    np.testing.assert_allclose(grads[0], gu + gv * v, rtol=1e-12)
    np.testing.assert_allclose(grads[1], gu + gv * u, rtol=1e-12)


def test_a_node_used_twice_accumulates_its_gradients(rng):
    x = nn.Identity()()
    h = nn.Linear(3, 3)(x)
    g = gModule([x], [nn.CAddTable()([h, h, nn.Tanh()(h)])])
    lin = g.get(1)
    data, grad_out = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    y = linear(lin.weight, lin.bias, data)
    np.testing.assert_allclose(g.forward(data), 2 * y + np.tanh(y), rtol=1e-12)
    grad_y = grad_out * (2 + 1 - np.tanh(y) ** 2)
    np.testing.assert_allclose(g.backward(data, grad_out), grad_y @ lin.weight, rtol=1e-12)


def test_split_routes_table_elements(rng):
    x = nn.Identity()()
    first, second = nn.SplitTable(0)(x).split(2)
    g = gModule([x], [nn.CSubTable()([first, second])])
    data, grad_out = rng.standard_normal((2, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(g.forward(data), data[0] - data[1], rtol=1e-12)
    np.testing.assert_allclose(
        g.backward(data, grad_out), np.stack([grad_out, -grad_out]), rtol=1e-12
    )


def test_errors_name_the_node():
    x = nn.Identity()()
    unused = nn.Identity()()
    h = nn.Linear(3, 2)(x).annotate(name="hidden")
    with pytest.raises(GraphError, match=r"input 1 .*nn.Identity.* is unused"):
        gModule([x, unused], [h])
    y, stray = nn.Identity()(), nn.Identity()()
    with pytest.raises(
        GraphError,
        match=r"node nn.Identity .*test_graph.py:\d+.* is dangling: "
        "it has no inputs",
    ):
        gModule([y], [nn.CAddTable()([nn.Tanh()(y), nn.Linear(2, 2)(stray)])])
    nn.Tanh()(h)  # a node taking h's output and leading nowhere
    with pytest.raises(
        GraphError,
        match=r"node nn.Tanh .* is dangling: it takes the output of "
        r"node nn.Linear\(3 -> 2\) 'hidden'",
    ):
        gModule([x], [nn.Sigmoid()(h)])


def test_cycle_and_reuse_errors():
    x = nn.Identity()()
    a = nn.Linear(2, 2)(x)
    b = nn.Linear(2, 2)(a)
    a.add_input(b)
    with pytest.raises(GraphError, match="cycle"):
        gModule([x], [b])
    y = nn.Identity()()
    shared = nn.Tanh()
    with pytest.raises(GraphError, match="a module belongs to one node"):
        gModule([y], [nn.CAddTable()([shared(y), shared(y)])])
    z = nn.Identity()()
    first, _ = nn.SplitTable(0)(z).split(2)
    with pytest.raises(GraphError, match=r"1 of the split\(2\) outputs of node nn.SplitTable"):
        gModule([z], [first])
    with pytest.raises(
        nncore.InputTypeError, match=r"expected a Node as output 0.*call the module"
    ):
        gModule([z], [nn.Tanh()])


def test_split_and_empty_graph_errors():
    x = nn.Identity()()
    with pytest.raises(nncore.InputTypeError, match="expected a positive number of outputs"):
        x.split(0)
    x.split(2)
    with pytest.raises(nncore.InputTypeError, match="already split into 2 outputs"):
        x.split(3)
    with pytest.raises(
        GraphError, match="at least one input and one output node, got 1 inputs and 0 outputs"
    ):
        gModule([nn.Identity()()], [])


def test_wrong_number_of_inputs_is_a_clear_error(rng):
    a, b = nn.Identity()(), nn.Identity()()
    g = gModule([a, b], [nn.CAddTable()([a, b])])
    with pytest.raises(
        nncore.InputTypeError,
        match=r"gModule.*expected a table of 2 inputs, got a list of length 3",
    ):
        g.forward([np.ones(2)] * 3)
    with pytest.raises(nncore.InputTypeError, match="expected a table of 2 inputs"):
        g.forward(np.ones(2))
    np.testing.assert_allclose(g.forward([np.ones(2), np.ones(2)]), 2 * np.ones(2))


def test_a_failing_node_is_named_in_the_error(rng):
    x = nn.Identity()()
    g = gModule([x], [nn.Linear(3, 2)(x).annotate(name="proj")])
    with pytest.raises(nncore.ShapeError) as info:
        g.forward(np.ones((2, 5)))
    assert "nn.Linear(3 -> 2) at '1' in gModule" in str(info.value)
    if sys.version_info >= (3, 11):  # exception notes exist from Python 3.11
        assert any("'proj'" in note for note in info.value.__notes__)


def test_container_features_go_through_the_graph(rng, tmp_path):
    x = nn.Identity()()
    g = gModule([x], [nn.Linear(4, 2)(nn.Tanh()(nn.Linear(3, 4)(x)))])
    assert len(g.find_modules("Linear")[0]) == 2
    flat, _ = g.get_parameters()
    assert flat.size == 3 * 4 + 4 + 4 * 2 + 2
    data = rng.standard_normal((2, 3))
    expected = g.forward(data).copy()
    path = tmp_path / "g.nncore"
    nncore.save(g, path)
    loaded = nncore.load(path)
    assert repr(loaded) == repr(g)
    np.testing.assert_allclose(loaded.forward(data), expected, rtol=1e-12)
    g.replace(lambda m: nn.Sigmoid() if type(m).__name__ == "Tanh" else m)
    assert "nn.Sigmoid" in repr(g) and "nn.Tanh" not in repr(g)
    nncore.swap(g, "Sigmoid", "nn-basic:ReLU")
    l1, l2 = g.get(1), g.get(3)
    relu = np.maximum(linear(l1.weight, l1.bias, data), 0)
    np.testing.assert_allclose(g.forward(data), linear(l2.weight, l2.bias, relu), rtol=1e-12)
    assert g.float().forward(data.astype(np.float32)).dtype == np.float32


def test_load_rejects_a_cyclic_config():
    x = nn.Identity()()
    config = gModule([x], [nn.Tanh()(x)]).config()
    config["nodes"][0]["inputs"] = [1]
    with pytest.raises(GraphError, match="a later one would be a cycle"):
        gModule.from_config(config)


def test_dot_export_lists_nodes_and_edges():
    a, b = nn.Identity()(), nn.Identity()()
    s = nn.CAddTable()([a, b]).annotate(name="sum", description='a "plus" b')
    text = to_dot(gModule([a, b], [s]))
    assert text.startswith('digraph "gModule" {') and text.endswith("}")
    for line in ("in0 -> n0;", "in1 -> n1;", "n0 -> n2;", "n1 -> n2;", "n2 -> out0;"):
        assert line in text
    assert r'label="[2] sum\nnn.CAddTable\na \"plus\" b"' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_writes_a_png(tmp_path):
    x = nn.Identity()()
    path = render(gModule([x], [nn.Tanh()(x)]), tmp_path / "g.png")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_render_without_dot_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    x = nn.Identity()()
    with pytest.raises(FileNotFoundError, match="dot"):
        render(gModule([x], [nn.Tanh()(x)]), tmp_path / "g.png")


def test_parameter_gradients_follow_the_grad_output_they_are_given(rng):
    # backward reuses what its input-gradient pass kept; acc_grad_parameters on its own, or on
    # another grad_output than that pass saw, walks the graph itself
    l1, l2 = nn.Linear(3, 4), nn.Linear(4, 2)
    x = nn.Identity()()
    g = gModule([x], [l2(nn.Tanh()(l1(x)))])
    data = rng.standard_normal((5, 3))
    first, second = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    hidden = np.tanh(linear(l1.weight, l1.bias, data))
    g.forward(data)
    g.zero_grad_parameters()
    g.update_grad_input(data, first)
    g.acc_grad_parameters(data, second, 0.5)
    np.testing.assert_allclose(l2.grad_weight, 0.5 * second.T @ hidden, rtol=1e-12)
    # deeper nodes get the gradients the last input-gradient pass left them, as in nngraph
    grad_hidden = (first @ l2.weight) * (1 - hidden**2)
    np.testing.assert_allclose(l1.grad_weight, 0.5 * grad_hidden.T @ data, rtol=1e-12)
    g.zero_grad_parameters()
    g.backward(data, first, 2.0)
    g.acc_grad_parameters(data, first)  # a second accumulation walks the graph again
    np.testing.assert_allclose(l2.grad_weight, 3.0 * first.T @ hidden, rtol=1e-12)
    g.update_grad_input(data, first)
    assert "_pending" not in g.clone().__dict__
