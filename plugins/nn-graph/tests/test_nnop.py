"""Parameters, Op (nnop wrappers) and ModuleFromCriterion against direct formulas."""

from __future__ import annotations

import inspect
import sys
import textwrap

import numpy as np
import pytest
from nn_graph import ModuleFromCriterion, Op, Parameters, gModule, nnop

import nncore
from nncore import nn


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def test_parameters_output_is_its_weight_and_gradients_accumulate(rng):
    p = Parameters(2, 3)
    assert p.forward(rng.standard_normal(4)) is p.weight
    g = rng.standard_normal((2, 3))
    p.zero_grad_parameters()
    grad_input = p.backward(np.ones(4), g, 0.5)
    np.testing.assert_array_equal(grad_input, np.zeros(4))
    p.backward(np.ones(4), g, 2.0)
    np.testing.assert_allclose(p.grad_weight, 2.5 * g, rtol=1e-15)
    with pytest.raises(nncore.ShapeError, match="Parameters.*expected grad_output"):
        p.backward(np.ones(4), np.ones(3))
    nncore.manual_seed(5)
    assert abs(Parameters(20000).weight.std() - 0.01) < 0.001
    assert abs(Parameters(20000).reset(0.5).weight.std() - 0.5) < 0.05


def test_op_linear_matches_the_formula(rng):
    op = nnop.Linear(3, 2)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    np.testing.assert_allclose(op.forward([x, w, b]), x @ w.T + b, rtol=1e-12)
    g = rng.standard_normal((4, 2))
    gx, gw, gb = op.backward([x, w, b], g)
    np.testing.assert_allclose(gx, g @ w, rtol=1e-12)
    np.testing.assert_allclose(gw, g.T @ x, rtol=1e-12)
    np.testing.assert_allclose(gb, g.sum(0), rtol=1e-12)
    assert op.parameters() == ([], [])
    # the op's own arrays (its initial values) are untouched by the bound ones
    assert not np.shares_memory(op.operation.weight, w)


def test_op_without_constructor_arguments_takes_shapes_from_the_table(rng):
    op = nnop.Linear()
    x, w = rng.standard_normal(5), rng.standard_normal((3, 5))
    np.testing.assert_allclose(op.forward([x, w]), w @ x, rtol=1e-12)
    assert repr(op) == "nn.Op(Linear)"
    with pytest.raises(
        nncore.InputTypeError,
        match=r"expected a table \[input, weight, bias\], "
        "got a list of length 1",
    ):
        op.forward([x])


def test_op_convolution_matches_the_module(rng):
    conv = nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1)
    op = nnop["SpatialConvolution"](2, 3, 3, 3, 1, 1, 1)
    x = rng.standard_normal((2, 2, 5, 5))
    g = rng.standard_normal((2, 3, 5, 5))
    np.testing.assert_allclose(op.forward([x, conv.weight, conv.bias]), conv.forward(x), rtol=1e-12)
    conv.zero_grad_parameters()
    expected = conv.backward(x, g)
    gx, gw, gb = op.backward([x, conv.weight, conv.bias], g)
    np.testing.assert_allclose(gx, expected, rtol=1e-12)
    np.testing.assert_allclose(gw, conv.grad_weight, rtol=1e-12)
    np.testing.assert_allclose(gb, conv.grad_bias, rtol=1e-12)


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_op_parameters_of_any_memory_layout(rng, layout):
    # parameters arrive as data: a transposed or strided array is a parameter like any other,
    # also for the compiled convolution and lookup kernels, which read C-ordered memory
    def laid_out(a):
        if layout == "fortran":
            return np.asfortranarray(a)
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
        wide[..., ::2] = a
        return wide[..., ::2]

    conv = nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1)
    lookup = nn.LookupTable(5, 3)
    cases = [
        (conv, nnop["SpatialConvolution"](2, 3, 3, 3, 1, 1, 1), rng.standard_normal((2, 2, 5, 5))),
        (lookup, nnop["LookupTable"](5, 3), np.array([[0, 4], [2, 2]])),
    ]
    for module, op, x in cases:
        params = [getattr(module, n) for n in module.parameter_names]
        given = [laid_out(p) for p in params]
        assert not all(p.flags.c_contiguous for p in given)
        y = module.forward(x)
        np.testing.assert_allclose(op.forward([x, *given]), y, rtol=1e-12)
        module.zero_grad_parameters()
        g = rng.standard_normal(y.shape)
        module.backward(x, g)
        grads = op.backward([x, *given], g)[1:]
        for got, name in zip(grads, module.parameter_names, strict=True):
            np.testing.assert_allclose(got, getattr(module, "grad_" + name), rtol=1e-12)


def test_op_keeps_the_wrapped_module_buffers(rng, tmp_path):
    op = nnop.BatchNormalization(3)
    assert op.buffer_names == ("running_mean", "running_var")
    x = rng.standard_normal((6, 3)) + 2.0
    op.forward([x, np.ones(3), np.zeros(3)])
    np.testing.assert_allclose(op.running_mean, 0.1 * x.mean(0), rtol=1e-12)
    nncore.save(op, tmp_path / "op.nncore")
    loaded = nncore.load(tmp_path / "op.nncore")
    np.testing.assert_allclose(loaded.running_mean, op.running_mean, rtol=0)
    assert loaded.config() == op.config()


def test_op_rejects_bad_tables(rng):
    op = nnop.Linear(3, 2)
    with pytest.raises(
        nncore.InputTypeError,
        match=r"Op\(Linear\(3 -> 2\)\): expected a table "
        r"\[input, weight, bias\], got a str",
    ):
        op.forward("not an array")
    with pytest.raises(nncore.InputTypeError, match="got a list of length 2"):
        op.forward([np.ones(3), np.ones((2, 3))])
    with pytest.raises(nncore.ShapeError, match=r"expected weight of shape \(2, 3\), got \(3, 3\)"):
        op.forward([np.ones(3), np.ones((3, 3)), np.ones(2)])
    with pytest.raises(nncore.UnknownNameError, match="has no parameters"):
        nnop.Tanh  # noqa: B018
    with pytest.raises(nncore.UnknownNameError, match="is a container"):
        nnop.WeightNorm  # noqa: B018
    with pytest.raises(nncore.InputTypeError, match="Op expected a module without children"):
        Op("nn-basic:WeightNorm", nn.Linear(2, 2))
    with pytest.raises(nncore.InputTypeError, match="cannot create its parameters"):
        nnop.Linear()(nn.Identity()())


def test_available_lists_every_parameterized_class():
    names = nnop.available()
    assert {
        "nn-basic:Linear",
        "nn-basic:CMul",
        "nn-basic:PReLU",
        "nn-basic:Bilinear",
        "nn-conv:SpatialConvolution",
        "nn-conv:LookupTable",
    } <= set(names)
    assert "nn-basic:Tanh" not in names and "nn-graph:Parameters" not in names
    assert "Linear" in dir(nnop) and "Parameters" in dir(nnop)


def test_auto_parameter_nodes_start_from_the_wrapped_values():
    op = nnop.CMul(4)
    x = nn.Identity()()
    node = op(x)
    weight = op.parameter_nodes["weight"]
    assert node.inputs == [x, weight] and weight.name == "weight"
    np.testing.assert_array_equal(weight.module.weight, op.operation.weight)
    g = gModule([x], [node])
    data = np.arange(4.0)
    np.testing.assert_allclose(g.forward(data), data * op.operation.weight, rtol=1e-12)
    assert op.clone().parameter_nodes == {}


def test_a_third_party_class_gets_an_op(tmp_path, monkeypatch, rng):
    root = tmp_path / "site"
    (root / "nn_scale").mkdir(parents=True)
    (root / "nn_scale" / "__init__.py").write_text("")
    (root / "nn_scale" / "_plugin.py").write_text(
        textwrap.dedent("""
        from nncore.plugin import ClassSpec, hookimpl

        @hookimpl
        def nncore_classes():
            return [ClassSpec("Scale", "nn_scale.scale:Scale")]
    """)
    )
    (root / "nn_scale" / "scale.py").write_text(
        textwrap.dedent("""
        import numpy as np
        from nncore import Module

        class Scale(Module):
            parameter_names = ("gain",)

            def __init__(self, size):
                super().__init__()
                self.gain = np.ones(size)
                self.grad_gain = np.zeros(size)

            def update_output(self, input):
                return input * self.gain

            def update_grad_input(self, input, grad_output):
                return grad_output * self.gain

            def acc_grad_parameters(self, input, grad_output, scale=1.0):
                self.grad_gain += scale * (grad_output * input).sum(0)
    """)
    )
    info = root / "nn_scale-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nn-scale\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[nncore]\nnn-scale = nn_scale._plugin\n")
    monkeypatch.syspath_prepend(str(root))
    try:
        nncore.reload()
        assert "nn-scale:Scale" in nnop.available()
        op = nnop.Scale(3)
        x, g = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
        gain = rng.standard_normal(3)
        np.testing.assert_allclose(op.forward([x, gain]), x * gain, rtol=1e-12)
        gx, ggain = op.backward([x, gain], g)
        np.testing.assert_allclose(gx, g * gain, rtol=1e-12)
        np.testing.assert_allclose(ggain, (g * x).sum(0), rtol=1e-12)
    finally:
        monkeypatch.undo()
        for name in [n for n in sys.modules if n.startswith("nn_scale")]:
            del sys.modules[name]
        nncore.reload()


def test_module_from_criterion_matches_the_loss(rng):
    m = ModuleFromCriterion(nn.MSECriterion())
    prediction, target = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    np.testing.assert_allclose(
        m.forward([prediction, target]), [np.mean((prediction - target) ** 2)], rtol=1e-12
    )
    grad_prediction, grad_target = m.backward([prediction, target], np.array([3.0]))
    np.testing.assert_allclose(grad_prediction, 3.0 * 2 * (prediction - target) / 6, rtol=1e-12)
    np.testing.assert_array_equal(grad_target, np.zeros((2, 3)))
    with pytest.raises(nncore.InputTypeError, match=r"expected a table \[prediction, target\]"):
        m.forward(prediction)
    with pytest.raises(nncore.InputTypeError, match="expected a Criterion"):
        ModuleFromCriterion(nn.Linear(2, 2))


def test_a_loss_node_in_a_graph(rng):
    x, y = nn.Identity()(), nn.Identity()()
    lin = nn.Linear(3, 1)
    loss = ModuleFromCriterion(nn.MSECriterion())([lin(x), y])
    g = gModule([x, y], [loss])
    data, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    prediction = data @ lin.weight.T + lin.bias
    np.testing.assert_allclose(
        g.forward([data, target]), [np.mean((prediction - target) ** 2)], rtol=1e-12
    )
    g.zero_grad_parameters()
    g.backward([data, target], np.array([1.0]))
    np.testing.assert_allclose(lin.grad_bias, [np.sum(2 * (prediction - target) / 4)], rtol=1e-12)


def _first_cases():
    """``(qualified, case)``: the first conformance example of every parameterized class."""
    registry = nncore.registry()
    for qualified in nnop.available():
        entry = registry.entry(qualified)
        cases = registry.examples(entry)
        if cases:
            yield pytest.param(qualified, cases[0], id=qualified)


def _arguments(module):
    """The constructor arguments of ``module`` as ``(args, kwargs)``: a varargs parameter
    (``CMul(2, 3)``'s size, the first parameter of such classes) goes by position."""
    config = module.config()
    parameters = inspect.signature(type(module).__init__).parameters.values()
    varargs = [p.name for p in parameters if p.kind is inspect.Parameter.VAR_POSITIONAL]
    return (list(config.pop(varargs[0])) if varargs else []), config


@pytest.mark.parametrize("qualified, case", list(_first_cases()))
def test_every_parameterized_class_works_as_an_op(qualified, case):
    module = case.fresh_module()
    args, kwargs = _arguments(module)
    op = Op(qualified, *args, **kwargs)
    for name in op.buffer_names:  # state set after construction (PartialLinear's partition)
        setattr(op, name, getattr(module, name).copy())
    rng = np.random.default_rng(11)
    x = case.make_input(rng)
    params = [p for _, p, _ in module.own_parameters()]
    nncore.manual_seed(1)
    expected = module.forward(x)
    nncore.manual_seed(1)
    output = op.forward([x, *params])
    np.testing.assert_allclose(output, expected, rtol=1e-12, atol=1e-14)
    grad_output = case.make_grad_output(rng, expected)
    module.zero_grad_parameters()
    expected_grad = module.backward(x, grad_output)
    grads = op.backward([x, *params], grad_output)
    assert len(grads) == 1 + len(params)
    for got, want in zip(
        grads[0] if isinstance(x, list) else [grads[0]],
        expected_grad if isinstance(x, list) else [expected_grad],
        strict=True,
    ):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    for (name, _, grad), got in zip(module.own_parameters(), grads[1:], strict=True):
        np.testing.assert_allclose(got, grad, rtol=1e-12, atol=1e-14, err_msg=name)
