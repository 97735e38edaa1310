"""Seed 004 (the nn tutorial notebook), its nn-basic cells translated to Python conventions.

Torch's 1-based dimensions become 0-based (``nn.Sum(1)`` -> ``nn.Sum(0)``, ``nn.Max(1, 2)`` ->
``nn.Max(0, 2)``), class targets ``{3, 1}`` become ``[2, 0]``.
"""

from __future__ import annotations

import numpy as np
import pytest

import nncore
from nncore import nn


@pytest.fixture
def x():
    return np.arange(1.0, 6.0)  # torch.range(1, 5)


@pytest.fixture
def f_and_g(x):
    nncore.manual_seed(287)
    return nn.CMul(x.shape), nn.Sum(0)


def test_2a_cmul_forward_is_elementwise_product(x, f_and_g):
    f, _ = f_and_g
    out = f.forward(x)
    np.testing.assert_allclose(out, x * f.weight, rtol=1e-15)
    assert f.output is out  # modules keep their last output


def test_2a_sum_over_the_only_dimension(x, f_and_g):
    _, g = f_and_g
    assert np.asarray(g.forward(x)).item() == 15.0


def test_2b_batching_applies_to_each_row(x, f_and_g):
    f, _ = f_and_g
    batch = np.broadcast_to(x, (3, 5)).copy()
    out = f.forward(batch)
    for row in out:
        np.testing.assert_allclose(row, x * f.weight, rtol=1e-15)


def test_2c_sequential_and_concat(x, f_and_g):
    f, g = f_and_g
    h = nn.Sequential().add(f).add(g)
    np.testing.assert_allclose(np.asarray(h.forward(x)).item(), np.sum(x * f.weight), rtol=1e-14)
    cat = nn.Concat(0).add(f).add(g)
    np.testing.assert_allclose(cat.forward(x), np.concatenate([x * f.weight, [15.0]]), rtol=1e-14)
    assert h.get(0) is f and h.modules[0] is f
    lines = repr(h).splitlines()
    assert lines[:2] == ["nn.Sequential {", "  [input -> (0) -> (1) -> output]"]
    assert lines[2].startswith("  (0): nn.CMul") and lines[3].startswith("  (1): nn.Sum")


def test_2d_backward_gradients_as_the_tutorial_derives_them(x, f_and_g):
    f, g = f_and_g
    h = nn.Sequential().add(f).add(g)
    h.forward(x)
    grad_out = np.array([1.6834])
    h.backward(x, grad_out)
    # g sums, so its grad_input is grad_out broadcast to x's size
    assert np.abs(g.grad_input - np.ones(5) * grad_out[0]).max() < 1e-10
    # f multiplies by w, so its grad_input is g.grad_input * w
    assert np.abs(f.grad_input - g.grad_input * f.weight).max() < 1e-10
    np.testing.assert_array_equal(h.grad_input, f.grad_input)
    # parameters: zero, backward, and the weight gradient is g.grad_input * x
    h.zero_grad_parameters()
    h.backward(x, grad_out)
    assert np.abs(f.grad_weight - g.grad_input * x).max() < 1e-10
    np.testing.assert_allclose(f.grad_weight, 1.6834 * x, rtol=1e-14)  # 1.6834 3.3668 5.0503 ...


def test_2f_linear_and_add(x):
    lin = nn.Linear(5, 3)
    np.testing.assert_allclose(lin.forward(x), lin.weight @ x + lin.bias, rtol=1e-14)
    add = nn.Add(5)
    np.testing.assert_allclose(add.forward(x), x + add.bias, rtol=1e-15)


def test_2g_transfer_functions():
    v = np.random.default_rng(0).standard_normal(5)
    np.testing.assert_allclose(nn.Sigmoid().forward(v), 1 / (1 + np.exp(-v)), rtol=1e-14)
    log_softmax = v - np.log(np.sum(np.exp(v)))
    np.testing.assert_allclose(nn.LogSoftMax().forward(v), log_softmax, rtol=1e-13)
    np.testing.assert_allclose(nn.Tanh().forward(v), np.tanh(v), rtol=1e-15)
    np.testing.assert_allclose(nn.ReLU().forward(v), np.where(v > 0, v, 0.0), rtol=0)


def test_2g_reductions_abs_and_view():
    # the tutorial's printed 3x2 matrix
    X = np.array([[0.9011, -0.0143], [-0.8167, 1.3009], [-0.0597, 2.5226]])
    np.testing.assert_allclose(nn.Max(0, 2).forward(X), [0.9011, 2.5226])
    np.testing.assert_allclose(nn.Mean(1, 2).forward(X), [0.4434, 0.2421, 1.23145])
    np.testing.assert_allclose(nn.Abs().forward(X), np.abs(X))
    np.testing.assert_allclose(
        nn.View(2, 3).forward(X), [[0.9011, -0.0143, -0.8167], [1.3009, -0.0597, 2.5226]]
    )


def test_3_mse_criterion_reproduces_the_tutorial_numbers():
    # the tutorial prints dL/dyhat = -2 y for yhat = 0 and size_average off: recover y from it
    y = -np.array([2.3650, -1.6119, 3.6986]) / 2
    yhat = np.zeros(3)
    mse = nn.MSECriterion()
    assert mse.forward(yhat, y) == pytest.approx(1.8225688302461, abs=2e-4)
    mse.size_average = False
    assert mse.forward(yhat, y) == pytest.approx(5.4677064907383, abs=5e-4)
    np.testing.assert_allclose(mse.backward(yhat, y), [2.3650, -1.6119, 3.6986], rtol=1e-12)


def test_3_class_nll_criterion_averages_over_examples():
    Z = np.random.default_rng(1).standard_normal((2, 3))
    Yhat = nn.LogSoftMax().forward(Z)
    Y = np.array([2, 0])  # the tutorial's {3, 1}
    crit = nn.ClassNLLCriterion()
    assert crit.forward(Yhat, Y) == pytest.approx(-(Yhat[0, 2] + Yhat[1, 0]) / 2, rel=1e-14)
    expected = np.zeros((2, 3))
    expected[0, 2] = expected[1, 0] = -0.5
    np.testing.assert_allclose(crit.backward(Yhat, Y), expected)


def _data():
    nncore.manual_seed(287)
    rng = np.random.default_rng(287)
    X = rng.standard_normal((5, 4))
    y = (X @ rng.standard_normal(4)) ** 2 + rng.standard_normal(5)
    return X, y.reshape(5, 1)


def _mlp():
    nncore.manual_seed(287)
    return nn.Sequential().add(nn.Linear(4, 3)).add(nn.Tanh()).add(nn.Linear(3, 1))


def _reference_losses(net, X, y, epochs, eta):
    """The same training written directly in numpy, from the network's initial weights."""
    W1, b1 = net.get(0).weight.copy(), net.get(0).bias.copy()
    W2, b2 = net.get(2).weight.copy(), net.get(2).bias.copy()
    losses = []
    for _ in range(epochs):
        h = np.tanh(X @ W1.T + b1)
        pred = h @ W2.T + b2
        losses.append(np.mean((pred - y) ** 2))
        d_pred = 2 * (pred - y) / y.size
        dW2, db2 = d_pred.T @ h, d_pred.sum(0)
        d_h = (d_pred @ W2) * (1 - h**2)
        dW1, db1 = d_h.T @ X, d_h.sum(0)
        W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, b2 - eta * db2
    return losses


def test_4_training_with_get_parameters_and_with_update_parameters():
    X, y = _data()
    eta, epochs = 0.01, 5
    mse = nn.MSECriterion()

    flat_net = _mlp()
    expected = _reference_losses(flat_net, X, y, epochs, eta)
    params, grad_params = flat_net.get_parameters()
    flat_losses = []
    for _ in range(epochs):
        grad_params.fill(0)
        preds = flat_net.forward(X)
        flat_losses.append(mse.forward(preds, y))
        flat_net.backward(X, mse.backward(preds, y))
        params -= eta * grad_params

    net = _mlp()
    losses = []
    for _ in range(epochs):
        net.zero_grad_parameters()
        preds = net.forward(X)
        losses.append(mse.forward(preds, y))
        net.backward(X, mse.backward(preds, y))
        net.update_parameters(eta)

    np.testing.assert_allclose(flat_losses, expected, rtol=1e-12)
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    assert losses[-1] < losses[0]
