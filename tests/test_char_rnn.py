"""karpathy/char-rnn ported line by line (examples/char_rnn.py): exact gradients through clones
that share a flattened prototype's parameters, and training that learns."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import nncore

_spec = importlib.util.spec_from_file_location(
    "char_rnn", Path(__file__).parents[1] / "examples" / "char_rnn.py"
)
char_rnn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(char_rnn)


def tiny_model() -> tuple[object, np.ndarray, np.ndarray]:
    nncore.manual_seed(5)
    model = char_rnn.CharRNN(vocab=5, rnn_size=3, layers=2, steps=3)
    rng = np.random.default_rng(6)
    model.params[...] = rng.uniform(-0.5, 0.5, model.params.shape)
    return model, rng.integers(0, 5, (2, 3)), rng.integers(0, 5, (2, 3))


def test_backpropagation_through_time_matches_finite_differences():
    model, x, y = tiny_model()
    model.loss_and_gradient(x, y)
    analytic = model.grads.copy()
    numeric = np.zeros_like(analytic)
    for k in range(model.params.size):
        saved = model.params[k]
        model.params[k] = saved + 1e-6
        plus = model.loss_and_gradient(x, y)
        model.params[k] = saved - 1e-6
        minus = model.loss_and_gradient(x, y)
        model.params[k] = saved
        numeric[k] = (plus - minus) / 2e-6
    # the loss is the mean over the steps, the gradient that of their sum (as in train.lua)
    np.testing.assert_allclose(analytic, model.steps * numeric, rtol=1e-5, atol=1e-8)


def test_every_clone_trains_the_prototypes_flat_parameters():
    model, _, _ = tiny_model()
    for clone in model.clones:
        for (p, g), (q, h) in zip(
            zip(*clone.parameters(), strict=True),
            zip(*model.rnn.parameters(), strict=True),
            strict=True,
        ):
            assert p is q and g is h
            assert np.shares_memory(p, model.params) and np.shares_memory(g, model.grads)
        assert clone._flat_parameters is None  # no stale copy of the vectors


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_training_learns_the_text(dtype):
    losses = char_rnn.train(iterations=40, rnn_size=24, layers=2, steps=8, batch=8, dtype=dtype)
    assert losses[-1] < 0.75 * losses[0], losses
