"""Seed 001 (nnfunc): modules as functions, both APIs, gradsOf, and no state between calls."""

from __future__ import annotations

import ast

import numpy as np
import pytest

import nncore
from nncore import AmbiguousNameError, InputError, ShapeError, UnknownNameError, func, nn


@pytest.fixture
def arrays():
    rng = np.random.default_rng(0)
    return {
        "input": rng.standard_normal(10),
        "weight": rng.standard_normal((100, 10)),
        "bias": rng.standard_normal(100),
    }


def test_api1_output(arrays):
    layer = func.nn.Linear(10, 100)
    prediction = layer(arrays)
    np.testing.assert_allclose(
        prediction["output"], arrays["weight"] @ arrays["input"] + arrays["bias"], rtol=1e-13
    )


def test_api1_user_provided_output_is_written_in_place(arrays):
    layer = func.nn.Linear(10, 100)
    out = np.empty(100)
    prediction = layer({**arrays, "output": out})
    assert prediction["output"] is out
    np.testing.assert_allclose(out, arrays["weight"] @ arrays["input"] + arrays["bias"], rtol=1e-13)


def test_api1_gradients_when_grad_output_is_given(arrays):
    layer = func.nn.Linear(10, 100)
    grad_output = np.random.default_rng(1).standard_normal(100)
    grads = layer({**arrays, "grad_output": grad_output})
    np.testing.assert_allclose(grads["grad_input"], grad_output @ arrays["weight"], rtol=1e-13)
    np.testing.assert_allclose(
        grads["grad_weight"], np.outer(grad_output, arrays["input"]), rtol=1e-13
    )
    np.testing.assert_allclose(grads["grad_bias"], grad_output, rtol=1e-13)


def test_api1_user_provided_gradient_buffers_are_filled_and_returned(arrays):
    layer = func.nn.Linear(10, 100)
    grad_output = np.ones(100)
    buffers = {
        "grad_weight": np.full((100, 10), 5.0),
        "grad_bias": np.full(100, 5.0),
        "grad_input": np.zeros(10),
    }
    grads = layer({**arrays, "grad_output": grad_output, **buffers})
    for key, buffer in buffers.items():
        assert grads[key] is buffer
    np.testing.assert_allclose(buffers["grad_bias"], 1.0)  # overwritten, not accumulated
    np.testing.assert_allclose(buffers["grad_input"], arrays["weight"].sum(0), rtol=1e-13)


def test_api2_pair_and_grads_of(arrays):
    layer, grad_layer = func.nn.Linear(10, 100)
    assert set(layer(arrays)) == {"output"}
    grads = grad_layer({**arrays, "grad_output": np.ones(100)})
    assert set(grads) == {"grad_input", "grad_weight", "grad_bias"}
    assert func.grads_of[layer] is grad_layer
    assert set(grad_layer.produces) == {"grad_input", "grad_weight", "grad_bias"}


def test_no_state_leaks_between_calls_with_different_parameters():
    rng = np.random.default_rng(2)
    layer = func.nn.Linear(4, 3)
    x, go = rng.standard_normal(4), rng.standard_normal(3)
    first = {"input": x, "weight": rng.standard_normal((3, 4)), "bias": rng.standard_normal(3)}
    second = {"input": x, "weight": rng.standard_normal((3, 4)), "bias": rng.standard_normal(3)}
    a = layer({**first, "grad_output": go})
    b = layer({**second, "grad_output": go})
    a_again = layer({**first, "grad_output": go})
    np.testing.assert_allclose(a["output"], first["weight"] @ x + first["bias"], rtol=1e-13)
    np.testing.assert_allclose(b["output"], second["weight"] @ x + second["bias"], rtol=1e-13)
    np.testing.assert_allclose(b["grad_input"], go @ second["weight"], rtol=1e-13)
    np.testing.assert_allclose(a_again["grad_weight"], np.outer(go, x), rtol=1e-13)
    assert a["grad_weight"] is not a_again["grad_weight"]  # each call its own gradients


def test_parameterless_modules_criteria_and_providers():
    tanh = func.functionalize("nn-basic").Tanh()
    x = np.array([0.0, 1.0])
    result = tanh({"input": x, "grad_output": np.ones(2)})
    np.testing.assert_allclose(result["grad_input"], 1 - np.tanh(x) ** 2)
    mse = func.nn.MSECriterion()
    loss = mse({"input": np.zeros(2), "target": np.array([1.0, 3.0])})
    assert loss["output"] == pytest.approx(5.0)
    np.testing.assert_allclose(loss["grad_input"], [-1.0, -3.0])
    with pytest.raises(AttributeError, match="not provided by nn-nothing"):
        _ = func.functionalize("nn-nothing").Tanh
    assert "Linear" in dir(func.nn)


def test_missing_and_misshapen_arrays_are_clear_errors(arrays):
    layer = func.nn.Linear(10, 100)
    with pytest.raises(InputError, match="expected 'weight'"):
        layer({"input": arrays["input"], "bias": arrays["bias"]})
    with pytest.raises(ShapeError, match=r"expected weight of shape \(100, 10\)"):
        layer({**arrays, "weight": np.zeros((3, 3))})
    with pytest.raises(ShapeError, match="output buffer"):
        layer({**arrays, "output": np.zeros(3)})


def test_func_nn_takes_qualified_names_in_brackets_as_nncore_nn_does(make_distribution):
    for dist in ("other-layers", "more-layers"):  # two providers of a name torch/nn lacks
        package = dist.replace("-", "_")
        make_distribution(
            dist,
            {
                f"{package}/__init__.py": "",
                f"{package}/_plugin.py": f"""
                    from nncore.plugin import hookimpl, specs

                    @hookimpl
                    def nncore_classes():
                        return specs("{package}", "module", {{"Dense": "dense"}})
                """,
                f"{package}/dense.py": """
                    from nncore.plugin import nn

                    class Dense(nn["nn-basic:Linear"]):
                        "nn-basic's Linear under another provider and name."
                """,
            },
            entry_point=f"{package}._plugin",
        )
    nncore.reload()
    with pytest.raises(AmbiguousNameError, match=r"nn\['more-layers:Dense'\]") as error:
        _ = func.nn.Dense
    suggested = str(error.value).split("(nn[")[1].split("])")[0]  # what the message says to write
    layer = func.nn[ast.literal_eval(suggested)](3, 2)
    assert type(layer.module).__module__ == "more_layers.dense"
    assert type(func.nn["nn-basic:Linear"](3, 2).module) is nn["nn-basic:Linear"]
    assert type(func.functionalize("nn_basic")["nn-basic:Linear"](3, 2).module).__name__ == "Linear"
    with pytest.raises(UnknownNameError, match="nn-basic:Linear is not provided by other-layers"):
        func.functionalize("other-layers")["nn-basic:Linear"]


def _network_arrays(rng):
    return {
        "0.weight": rng.standard_normal((2, 3)),
        "0.bias": rng.standard_normal(2),
        "2.weight": rng.standard_normal((1, 2)),
        "2.bias": rng.standard_normal(1),
    }


def test_a_container_takes_its_childrens_parameters_by_path_and_hides_none():
    rng = np.random.default_rng(3)
    first = nn.Linear(3, 2)
    kept = first.weight.copy()
    net = func.nn.Sequential(first, nn.Tanh(), nn.Linear(2, 1))
    assert net.parameter_names == ("0.weight", "0.bias", "2.weight", "2.bias")
    assert net.gradient.produces == (
        "grad_input",
        "grad_0.weight",
        "grad_0.bias",
        "grad_2.weight",
        "grad_2.bias",
    )
    x, grad_output = rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    for arrays in (_network_arrays(rng), _network_arrays(rng)):  # each call its own weights
        result = net({"input": x, **arrays, "grad_output": grad_output})
        reference = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
        reference.load_state_dict(arrays)
        np.testing.assert_allclose(result["output"], reference.forward(x), rtol=1e-13)
        reference.zero_grad_parameters()
        grad_input = reference.backward(x, grad_output)
        np.testing.assert_allclose(result["grad_input"], grad_input, rtol=1e-13)
        for key in reference.state_dict():
            path, name = key.split(".")
            expected = getattr(reference.get(int(path)), "grad_" + name)
            np.testing.assert_allclose(result["grad_" + key], expected, rtol=1e-13)
    np.testing.assert_array_equal(first.weight, kept)  # the caller's module is not bound
    with pytest.raises(InputError, match="expected '0.weight'"):
        net({"input": x})


def test_a_shared_parameter_is_one_input_and_one_gradient():
    rng = np.random.default_rng(4)
    a = nn.Linear(2, 2)
    twins = func.nn.Sequential(a, a.clone("weight", "bias"))
    assert twins.parameter_names == ("0.weight", "0.bias")
    weight, bias, x = rng.standard_normal((2, 2)), rng.standard_normal(2), rng.standard_normal(2)
    result = twins({"input": x, "0.weight": weight, "0.bias": bias, "grad_output": np.ones(2)})
    hidden = weight @ x + bias
    np.testing.assert_allclose(result["output"], weight @ hidden + bias, rtol=1e-13)
    expected = np.outer(np.ones(2), hidden) + np.outer(np.ones(2) @ weight, x)
    np.testing.assert_allclose(result["grad_0.weight"], expected, rtol=1e-13)


def test_map_table_clones_made_during_a_call_take_that_calls_parameters():
    rng = np.random.default_rng(5)
    mapped = func.nn.MapTable(nn.Linear(3, 2))
    xs = [rng.standard_normal(3), rng.standard_normal(3)]
    grad_output = [np.ones(2), np.ones(2)]
    for _ in range(2):
        weight, bias = rng.standard_normal((2, 3)), rng.standard_normal(2)
        result = mapped(
            {"input": xs, "0.weight": weight, "0.bias": bias, "grad_output": grad_output}
        )
        for x, y in zip(xs, result["output"], strict=True):
            np.testing.assert_allclose(y, weight @ x + bias, rtol=1e-13)
        np.testing.assert_allclose(
            result["grad_0.weight"], np.outer(np.ones(2), sum(xs)), rtol=1e-13
        )
