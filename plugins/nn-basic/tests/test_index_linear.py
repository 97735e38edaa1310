"""IndexLinear against the dense Linear it stands for, central differences and, where it is
installed, PyTorch's embedding_bag (torch/nn ``IndexLinear.lua`` and its THNN kernel)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.index_linear import IndexLinear

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError
from nncore.testing import numeric_gradient

pytestmark = pytest.mark.usefixtures("seeded")

KEYS = [np.array([0, 4, 4]), np.array([2]), np.array([1, 3, 0, 5])]
VALUES = [np.array([0.5, -1.0, 2.0]), np.array([3.0]), np.array([1.0, -0.5, 0.25, 2.0])]


def _dense(keys, values, size, offset=0):
    """The dense inputs the sparse examples stand for (repeated keys add up)."""
    x = np.zeros((len(keys), size))
    for row, k, v in zip(x, keys, values, strict=True):
        np.add.at(row, k + offset, v)
    return x


def _module(input_size=6, output_size=3, **kwargs):
    return IndexLinear(input_size, output_size, **kwargs).reset(0.5)


@pytest.mark.parametrize("offset", [0, 2])
def test_every_form_computes_the_dense_linear_map(offset):
    m = _module(9, keys_offset=offset)
    expected = _dense(KEYS, VALUES, 9, offset) @ m.weight + m.bias
    np.testing.assert_allclose(m.forward([KEYS, VALUES]), expected, rtol=1e-12)
    flat = [np.concatenate(KEYS), np.concatenate(VALUES), np.array([3, 1, 4])]
    np.testing.assert_allclose(m.forward(flat), expected, rtol=1e-12)
    one = m.forward([KEYS[2], VALUES[2]])
    assert one.shape == (3,)
    np.testing.assert_allclose(one, expected[2], rtol=1e-12)


def test_starts_at_zero_and_resets_as_torch_nn():
    m = IndexLinear(5, 2, normalize=True)
    assert m.weight.shape == (5, 6) and not m.weight.any() and not m.bias.any()
    m.reset()
    bound = 1 / np.sqrt(6)
    assert np.all(np.abs(m.weight[:, 4:]) <= bound) and m.weight[:, 4:].any()
    assert not m.weight[:, :4].any()
    assert np.all(np.abs(m.bias) <= 1e-6 * bound)


def test_parameter_gradients_are_the_dense_ones():
    m = _module()
    dy = np.random.default_rng(1).standard_normal((3, 3))
    m.forward([KEYS, VALUES])
    m.zero_grad_parameters()
    assert m.backward([KEYS, VALUES], dy, 0.5) == []
    x = _dense(KEYS, VALUES, 6)
    np.testing.assert_allclose(m.grad_weight, 0.5 * x.T @ dy, rtol=1e-12)
    np.testing.assert_allclose(m.grad_bias, 0.5 * dy.sum(axis=0), rtol=1e-12)

    def loss():
        return np.sum(m.forward([KEYS, VALUES]) * dy)

    np.testing.assert_allclose(2 * m.grad_weight, numeric_gradient(loss, m.weight), atol=1e-7)


@pytest.mark.parametrize("offset", [0, 1])
def test_input_gradient_is_dense_over_every_key(offset):
    m = _module(keys_offset=offset, input_size=7, do_grad_input=True)
    dy = np.random.default_rng(2).standard_normal((3, 3))
    dense = dy @ m.weight.T
    m.forward([KEYS, VALUES])
    keys, grads = m.backward([KEYS, VALUES], dy)
    assert len(keys) == len(grads) == 3
    for b in range(3):
        np.testing.assert_array_equal(keys[b], np.arange(7) - offset)
        np.testing.assert_allclose(grads[b], dense[b], rtol=1e-12)
    flat = [np.concatenate(KEYS), np.concatenate(VALUES), np.array([3, 1, 4])]
    m.forward(flat)
    keys, grads = m.backward(flat, dy)
    assert keys.shape == grads.shape == (3, 7)
    np.testing.assert_allclose(grads, dense, rtol=1e-12)
    m.forward([KEYS[0], VALUES[0]])
    keys, grads = m.backward([KEYS[0], VALUES[0]], dy[0])
    np.testing.assert_array_equal(keys, np.arange(7) - offset)
    np.testing.assert_allclose(grads, dense[0], rtol=1e-12)


def test_normalize_records_the_largest_values_in_training():
    m = _module(6, 2, normalize=True)
    m.weight[:, 3] = 0.1  # each key's own bias
    keys, values = [np.array([1, 2]), np.array([1])], [np.array([-4.0, 0.5]), np.array([2.0])]
    out = m.forward([keys, values])
    np.testing.assert_array_equal(m.weight[1, :3], [4.0, 0.25, 1.0])
    np.testing.assert_array_equal(m.weight[2, :3], [0.5, 2.0, 1.0])
    assert not m.weight[0, :3].any()
    w = m.weight[:, 4:]
    expected = [(-1.0 + 0.1) * w[1] + (1.0 + 0.1) * w[2], (0.5 + 0.1) * w[1]]
    np.testing.assert_allclose(out, np.array(expected) + m.bias, rtol=1e-12)
    m.evaluate()  # evaluation: no recording, values beyond the maximum give their sign
    np.testing.assert_allclose(
        m.forward([np.array([1]), np.array([-8.0])]), (-1 + 0.1) * w[1] + m.bias, rtol=1e-12
    )
    np.testing.assert_array_equal(m.weight[1, :3], [4.0, 0.25, 1.0])


def test_normalize_gradients_of_the_trained_columns():
    m = _module(6, 3, normalize=True)
    m.weight[:, 3] = np.random.default_rng(3).standard_normal(6)
    input = [KEYS, VALUES]
    dy = np.random.default_rng(4).standard_normal((3, 3))
    m.forward(input)  # records the maxima
    m.evaluate()
    m.zero_grad_parameters()
    m.forward(input)
    m.backward(input, dy)
    assert not m.grad_weight[:, :3].any()

    def loss():
        return np.sum(m.forward(input) * dy)

    numeric = numeric_gradient(loss, m.weight)
    np.testing.assert_allclose(m.grad_weight[:, 3:], numeric[:, 3:], atol=1e-7)
    np.testing.assert_allclose(m.grad_bias, numeric_gradient(loss, m.bias), atol=1e-7)


def test_against_pytorch_embedding_bag():
    torch = pytest.importorskip("torch")
    m = _module(8, 4)
    flat = [np.concatenate(KEYS), np.concatenate(VALUES), np.array([3, 1, 4])]
    tw = torch.tensor(m.weight, requires_grad=True)
    ty = torch.nn.functional.embedding_bag(
        torch.tensor(flat[0]),
        tw,
        torch.tensor([0, 3, 4]),
        mode="sum",
        per_sample_weights=torch.tensor(flat[1]),
    ) + torch.tensor(m.bias)
    np.testing.assert_allclose(m.forward(flat), ty.detach().numpy(), rtol=1e-12)
    dy = np.random.default_rng(5).standard_normal((3, 4))
    ty.backward(torch.tensor(dy))
    m.zero_grad_parameters()
    m.backward(flat, dy)
    np.testing.assert_allclose(m.grad_weight, tw.grad.numpy(), rtol=1e-12)


def test_shares_given_arrays_and_rebuilds_with_its_own():
    weight, bias = np.ones((4, 2)), np.zeros(2)
    m = IndexLinear(0, 0, weight=weight, bias=bias)
    assert m.weight is weight and m.bias is bias
    assert (m.input_size, m.output_size) == (4, 2) and repr(m) == "nn.IndexLinear(4 -> 2)"
    rebuilt = IndexLinear.from_config(m.config())
    assert rebuilt.weight.shape == (4, 2) and not np.shares_memory(rebuilt.weight, weight)
    with pytest.raises(ValueError):
        IndexLinear(4, 2, weight=np.ones(3))
    with pytest.raises(ValueError):
        IndexLinear(4, 2, do_grad_input=True, normalize=True)


@pytest.mark.parametrize(
    "bad, error",
    [
        ("not a table", InputTypeError),
        ([np.array([0, 9]), np.ones(2)], IndexOutOfRangeError),
        ([np.array([0, 1]), np.ones(3)], ShapeError),
        ([np.array([0.5]), np.ones(1)], InputTypeError),
        ([[np.array([0])], [np.ones(1), np.ones(1)]], ShapeError),
        ([np.array([0, 1]), np.ones(2), np.array([3])], ShapeError),
        ([np.array([[0, 1]]), np.ones((1, 2))], ShapeError),
    ],
)
def test_refuses_bad_input(bad, error):
    m = _module()
    with pytest.raises(error, match="IndexLinear"):
        m.forward(bad)
    assert m.forward([np.array([1]), np.ones(1)]).shape == (3,)
