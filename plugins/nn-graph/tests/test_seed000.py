"""Seed 000 (nnop) examples, translated: weight sharing through Parameters, and a penalty on
auto-created parameter nodes."""

from __future__ import annotations

import numpy as np
from nn_graph import gModule, nnop

import nncore
from nncore import nn


def test_weight_sharing():
    nncore.manual_seed(0)
    rng = np.random.default_rng(0)
    linear_weight = nnop.Parameters(10, 100)()
    linear_bias = nnop.Parameters(10)()
    input1, input2 = nn.Identity()(), nn.Identity()()
    linear1 = nnop.Linear()([input1, linear_weight, linear_bias])
    linear2 = nnop.Linear()([input2, linear_weight, linear_bias])
    graph = gModule([input1, input2], [linear1, linear2])

    res = graph.forward([rng.standard_normal(100), rng.standard_normal(100)])
    assert isinstance(res, list) and len(res) == 2

    x = rng.standard_normal(100)
    res = graph.forward([x, x])
    np.testing.assert_array_equal(res[0], res[1])

    weight, bias = linear_weight.module, linear_bias.module
    np.testing.assert_allclose(res[0], weight.weight @ x + bias.weight, rtol=1e-12)
    # the shared parameters appear once; their gradient is the sum of both uses
    params, _ = graph.parameters()
    assert len(params) == 2
    u, v = rng.standard_normal(100), rng.standard_normal(100)
    gu, gv = rng.standard_normal(10), rng.standard_normal(10)
    graph.forward([u, v])
    graph.zero_grad_parameters()
    grad_input = graph.backward([u, v], [gu, gv])
    np.testing.assert_allclose(weight.grad_weight, np.outer(gu, u) + np.outer(gv, v), rtol=1e-12)
    np.testing.assert_allclose(bias.grad_weight, gu + gv, rtol=1e-12)
    np.testing.assert_allclose(grad_input[0], weight.weight.T @ gu, rtol=1e-12)
    np.testing.assert_allclose(grad_input[1], weight.weight.T @ gv, rtol=1e-12)


def test_penalty_on_a_set_of_parameters():
    nncore.manual_seed(0)
    rng = np.random.default_rng(1)
    linear1 = nnop.Linear(10, 100)
    tanh1 = nn.Tanh()
    linear2 = nnop.Linear(100, 2)

    input = nn.Identity()()
    layer1 = linear1(input)
    layer2 = tanh1(layer1)
    layer3 = linear2(layer2)

    weight1 = linear1.parameter_nodes["weight"]
    nn.L1Penalty(0.001)(weight1)
    model = gModule([input], [layer3])

    weight = weight1.module
    assert weight.weight.shape == (100, 10)
    losses = []
    for _ in range(10):
        x = rng.random(10)
        output = model.forward(x)
        grad_output = rng.random(2)
        model.zero_grad_parameters()
        model.update_grad_input(x, grad_output)
        model.acc_grad_parameters(x, grad_output)
        # the weight's gradient is the network's plus the penalty's 0.001 * sign(weight)
        w2 = linear2.parameter_nodes["weight"].module.weight
        hidden = np.tanh(weight.weight @ x + linear1.parameter_nodes["bias"].module.weight)
        data_grad = np.outer((w2.T @ grad_output) * (1 - hidden**2), x)
        np.testing.assert_allclose(
            weight.grad_weight, data_grad + 0.001 * np.sign(weight.weight), rtol=1e-10, atol=1e-14
        )
        losses.append(float(output @ grad_output))
        model.update_parameters(0.01)
    assert np.all(np.isfinite(losses))


def test_the_penalty_alone_shrinks_the_weight():
    linear1 = nnop.Linear(3, 4)
    input = nn.Identity()()
    output = linear1(input)
    nn.L1Penalty(0.5)(linear1.parameter_nodes["weight"])
    model = gModule([input], [output])
    weight = linear1.parameter_nodes["weight"].module.weight
    before = np.abs(weight).sum()
    x = np.zeros(3)
    model.forward(x)
    model.zero_grad_parameters()
    model.backward(x, np.zeros(4))  # no gradient from the output: only the penalty's
    np.testing.assert_allclose(model.parameters()[1][0], 0.5 * np.sign(weight), rtol=0)
    model.update_parameters(0.01)
    assert np.abs(weight).sum() < before
