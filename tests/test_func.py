"""Seed 001 (nnfunc): modules as functions, both APIs, gradsOf, and no state between calls."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import InputError, ShapeError, func


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
