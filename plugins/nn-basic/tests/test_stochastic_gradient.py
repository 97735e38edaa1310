"""StochasticGradient against a hand-written loop of torch/nn's ``StochasticGradient.lua``: the
per-example update, the learning-rate schedule, the shuffled order, max_iteration, the hooks."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic import StochasticGradient
from nn_basic.linear import Linear
from nn_basic.mse_criterion import MSECriterion
from nn_basic.sequential import Sequential
from nn_basic.tanh import Tanh

import nncore
from nncore.errors import InputTypeError


def _dataset(n=6, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(3), rng.standard_normal(2)) for _ in range(n)]


def _trainer(net=None, **fields):
    nncore.manual_seed(7)
    net = net or Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
    trainer = StochasticGradient(net, MSECriterion())
    trainer.verbose = False
    for name, value in fields.items():
        setattr(trainer, name, value)
    return trainer


def test_matches_torch_nn_s_loop_step_by_step():
    data = _dataset()
    trainer = _trainer(learning_rate=0.05, learning_rate_decay=0.3, max_iteration=4)
    reference = trainer.module.clone()
    nncore.manual_seed(3)
    last = trainer.train(data)
    # the same loop written out: one permutation for every epoch, rate lr / (1 + i * decay)
    nncore.manual_seed(3)
    order = nncore.random.generator().permutation(len(data))
    criterion, rate, errors = MSECriterion(), 0.05, []
    for iteration in range(1, 5):
        error = 0.0
        for i in order:
            x, t = data[i]
            output = reference.forward(x)
            error += criterion.forward(output, t)
            reference.zero_grad_parameters()
            reference.backward(x, criterion.backward(output, t))
            reference.update_parameters(rate)
        errors.append(error / len(data))
        rate = 0.05 / (1 + (iteration + 1) * 0.3)
    assert last == pytest.approx(errors[-1], rel=1e-12)
    for got, want in zip(trainer.module.parameters()[0], reference.parameters()[0], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_hooks_iterations_and_learning_rates():
    seen, rates, examples = [], [], []
    trainer = _trainer(learning_rate=0.1, learning_rate_decay=0.5, max_iteration=3)
    trainer.hook_iteration = lambda t, i, e: (
        seen.append((i, e)),
        rates.append(t.current_learning_rate),
    )
    trainer.hook_example = lambda t, example: examples.append(example)
    data = _dataset(4)
    last = trainer.train(data)
    assert [i for i, _ in seen] == [1, 2, 3]
    assert seen[-1][1] == last
    np.testing.assert_allclose(rates, [0.1, 0.1 / (1 + 2 * 0.5), 0.1 / (1 + 3 * 0.5)])
    assert len(examples) == 12


def test_shuffling_draws_one_order_for_every_epoch():
    data = _dataset(5)
    positions = {id(example): i for i, example in enumerate(data)}
    order: list[int] = []
    trainer = _trainer(max_iteration=3)
    trainer.hook_example = lambda t, example: order.append(positions[id(example)])
    trainer.train(data)
    assert sorted(order[:5]) == list(range(5)) and order[:5] == order[5:10] == order[10:]
    order.clear()
    trainer.shuffle_indices = False
    trainer.max_iteration = 1
    trainer.train(data)
    assert order == [0, 1, 2, 3, 4]


def test_learns_a_linear_map():
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((32, 2))
    data = [(x, np.array([x @ [1.5, -2.0] + 0.5])) for x in xs]
    trainer = _trainer(Linear(2, 1), learning_rate=0.05, max_iteration=60)
    assert trainer.train(data) < 1e-6
    np.testing.assert_allclose(trainer.module.weight, [[1.5, -2.0]], atol=1e-3)


def test_verbose_prints_torch_nn_s_lines(capsys):
    trainer = _trainer(max_iteration=2)
    trainer.verbose = True
    trainer.train(_dataset(2))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "# StochasticGradient: training"
    assert [line.startswith("# current error = ") for line in lines[1:3]] == [True, True]
    assert lines[3] == "# StochasticGradient: you have reached the maximum number of iterations"
    assert lines[4].startswith("# training error = ")
    trainer.verbose = False
    trainer.train(_dataset(2))
    assert capsys.readouterr().out == ""


def test_a_dataset_with_torch_nn_s_size_method():
    class Dataset:
        def __init__(self, examples):
            self.examples = examples

        def size(self):
            return len(self.examples)

        def __getitem__(self, i):
            return self.examples[i]

    trainer = _trainer(max_iteration=1)
    assert np.isfinite(trainer.train(Dataset(_dataset(3))))


def test_refuses_what_it_cannot_train():
    with pytest.raises(InputTypeError, match="Criterion"):
        StochasticGradient(Linear(2, 1), Linear(1, 1))
    with pytest.raises(ValueError, match="at least one example"):
        _trainer().train([])
    assert (
        repr(_trainer(Linear(2, 1))) == "nn.StochasticGradient(nn.Linear(2 -> 1), nn.MSECriterion)"
    )
