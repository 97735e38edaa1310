"""examples/digit_classifier.py (torch/demos' train-on-mnist) and examples/siamese.py (the nn
docs' siamese pair) at small sizes."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import nncore

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))

import siamese  # noqa: E402

pytest.importorskip("sklearn")

import digit_classifier  # noqa: E402


def test_the_mlp_reaches_85_percent_on_held_out_digits_in_three_epochs(tmp_path):
    history = digit_classifier.main(["--model", "mlp", "--save", str(tmp_path)])
    assert len(history) == 3
    assert history[-1][1] >= 0.85, history  # 0.885 with seed 1
    assert history[-1][0] > history[0][0]  # training accuracy rises
    rows = (tmp_path / "test.log").read_text().splitlines()
    assert rows[0] == "% mean class accuracy (test set)" and len(rows) == 4
    assert float(rows[-1]) == pytest.approx(100 * history[-1][1], rel=1e-4)


def test_the_convnet_and_lbfgs_learn_in_one_epoch(tmp_path):
    ((_, convnet),) = digit_classifier.main(["--epochs", "1", "--save", str(tmp_path)])
    assert convnet >= 0.55  # 0.59 with seed 1, ten times chance
    options = ["--model", "linear", "--optimization", "LBFGS", "--epochs", "1"]
    ((_, linear),) = digit_classifier.main([*options, "--save", str(tmp_path)])
    assert linear >= 0.7  # 0.7175 with seed 1


def test_the_penalties_add_their_gradients(tmp_path):
    opt = digit_classifier.parse_options(
        ["--model", "linear", "--coef_l1", "0.01", "--coef_l2", "0.1", "--save", str(tmp_path)]
    )
    trainer = digit_classifier.Trainer(opt)
    params = trainer.parameters.copy()
    x, y = np.random.default_rng(0).normal(size=(10, 1, 8, 8)), np.arange(10)
    trainer.train(x, y)  # one batch: one SGD step on loss + penalties (the first)
    trainer.parameters[...] = params  # the second step starts from the same parameters
    trainer.grad_parameters.fill(0)
    out = trainer.model.forward(x)
    trainer.model.backward(x, trainer.criterion.backward(out, y))
    data_gradient = trainer.grad_parameters.copy()
    trainer.train(x, y)  # the learning-rate decay of 5e-7 per step changes the rate a little
    rate = 0.05 / (1 + 5e-7)
    expected = params - rate * (data_gradient + 0.01 * np.sign(params) + 0.1 * params)
    np.testing.assert_allclose(trainer.parameters, expected, rtol=1e-12, atol=1e-14)
    trainer.close()


def test_siamese_gradients_match_finite_differences():
    nncore.manual_seed(2)
    mlp, p1, p2 = siamese.siamese()
    params, grads = mlp.get_parameters()
    assert params.size == 12  # the two branches share one Linear(5, 2)
    assert p2.get(0).weight is p1.get(0).weight
    crit = nncore.nn.HingeEmbeddingCriterion(1)
    rng = np.random.default_rng(3)
    pair = [rng.random(5), rng.random(5)]
    for target in (1.0, -1.0):

        def loss(target: float = target) -> float:
            return crit.forward(mlp.forward(pair), np.array([target]))

        loss()
        grads.fill(0)
        mlp.backward(pair, crit.backward(mlp.output, np.array([target])))
        numeric = np.empty_like(params)
        for k in range(params.size):
            saved = params[k]
            params[k] = saved + 1e-6
            plus = loss()
            params[k] = saved - 1e-6
            minus = loss()
            params[k] = saved
            numeric[k] = (plus - minus) / 2e-6
        np.testing.assert_allclose(grads, numeric, rtol=1e-6, atol=1e-9)
        assert np.abs(grads).max() > 0


def test_siamese_pulls_the_pair_together_then_pushes_it_apart():
    together, apart = siamese.main()
    assert np.all(np.diff(together) < 0) and np.all(np.diff(apart) > 0)
    assert apart[-1] > together[0]
