"""A network mixing four plugins (nn-basic, nn-table, nn-conv, nn-graph) through every core
feature: training, save/load, find, swap, type conversion, the functional API."""

from __future__ import annotations

import numpy as np

import nncore
from nncore import func, nn


def mixed_graph():
    """Two branches joined by nn-table layers inside an nn-graph gModule.

    image (1x6x6) -> SpatialConvolution(1, 2, 3, 3) -> ReLU -> View(32) -> Linear(32, 4)
    vector (5)    -> Linear(5, 4) -> Tanh
    JoinTable(1) of both -> Linear(8, 3) -> LogSoftMax, plus CAddTable of both as a second output
    """
    nncore.manual_seed(0)
    image, vector = nn.Identity()(), nn.Identity()()
    conv = nn.ReLU()(nn.SpatialConvolution(1, 2, 3, 3)(image))
    left = nn.Linear(32, 4)(nn.View(-1, 32)(conv))
    right = nn.Tanh()(nn.Linear(5, 4)(vector))
    scores = nn.LogSoftMax()(nn.Linear(8, 3)(nn.JoinTable(1)([left, right])))
    return nn.gModule([image, vector], [scores, nn.CAddTable()([left, right])])


def batch(rng, n=8):
    return [rng.standard_normal((n, 1, 6, 6)), rng.standard_normal((n, 5))]


def test_the_mixed_network_trains(tmp_path):
    net = mixed_graph()
    rng = np.random.default_rng(1)
    x = batch(rng)
    targets = np.arange(8) % 3
    criterion = nn.ClassNLLCriterion()
    params, grads = net.get_parameters()
    losses = []
    for _ in range(30):
        grads.fill(0)
        scores, total = net.forward(x)
        losses.append(criterion.forward(scores, targets))
        net.backward(x, [criterion.backward(scores, targets), np.zeros_like(total)])
        params -= 0.1 * grads
    assert losses[-1] < 0.5 * losses[0]


def test_save_load_keeps_every_output(tmp_path):
    net = mixed_graph()
    x = batch(np.random.default_rng(2))
    expected = net.forward(x)
    nncore.save(net, tmp_path / "mixed.nncore")
    loaded = nncore.load(tmp_path / "mixed.nncore")
    for got, want in zip(loaded.forward(x), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    providers = {
        nncore.registry().names_of(type(m))[-1].split(":")[0] for m in loaded.list_modules()
    }
    assert providers == {"nn-basic", "nn-table", "nn-conv", "nn-graph"}


def test_find_and_swap_across_plugins():
    net = mixed_graph()
    x = batch(np.random.default_rng(3))
    expected = net.forward(x)[0].copy()
    assert len(net.find_modules("nn-conv:*").modules) == 1
    assert len(net.find_modules("nn-table:*").modules) == 2
    linears = net.find_modules(nn.Linear)
    assert len(linears.modules) == 3 and all(c is net for c in linears.containers)
    nncore.swap(net, "SpatialConvolution", "nn-conv:SpatialConvolutionMM")
    assert type(net.find_modules("SpatialConvolutionMM").modules[0]).__name__ == (
        "SpatialConvolutionMM"
    )
    np.testing.assert_allclose(net.forward(x)[0], expected, rtol=1e-12)
    nncore.swap(net, "Tanh", "ReLU")
    assert not net.find_modules("Tanh").modules


def test_float_conversion_reaches_every_plugin():
    net = mixed_graph().float()
    x = [leaf.astype(np.float32) for leaf in batch(np.random.default_rng(4))]
    scores, total = net.forward(x)
    assert scores.dtype == total.dtype == np.float32
    assert {p.dtype for p in net.parameters()[0]} == {np.dtype(np.float32)}


def test_functional_api_over_a_conv_layer():
    rng = np.random.default_rng(5)
    conv = func.nn.SpatialConvolution(1, 2, 3, 3)
    arrays = {
        "input": rng.standard_normal((1, 4, 4)),
        "weight": rng.standard_normal((2, 1, 3, 3)),
        "bias": np.zeros(2),
    }
    out = conv(arrays)["output"]
    direct = np.array(
        [
            [
                [
                    np.sum(arrays["input"][0, i : i + 3, j : j + 3] * arrays["weight"][k, 0])
                    for j in range(2)
                ]
                for i in range(2)
            ]
            for k in range(2)
        ]
    )
    np.testing.assert_allclose(out, direct, rtol=1e-12)
