"""nn-basic's criteria made of other criteria or modules: MultiCriterion, ParallelCriterion and
ModuleCriterion."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.abs_criterion import AbsCriterion
from nn_basic.class_nll_criterion import ClassNLLCriterion
from nn_basic.module_criterion import ModuleCriterion
from nn_basic.mse_criterion import MSECriterion
from nn_basic.multi_criterion import MultiCriterion
from nn_basic.parallel_criterion import ParallelCriterion
from nn_basic.tanh import Tanh

from nncore.errors import InputTypeError


# ----------------------------------------------------------------------------- compositions
def test_multi_criterion_weighted_sum_and_children():
    x, t = np.array([[0.0, 2.0]]), np.array([[1.0, 1.0]])
    mse, l1 = MSECriterion(), AbsCriterion()
    crit = MultiCriterion().add(mse, 0.5).add(l1)
    assert crit.forward(x, t) == pytest.approx(0.5 * 1.0 + 1.0)
    np.testing.assert_allclose(crit.backward(x, t), 0.5 * np.array([[-1, 1]]) + [[-0.5, 0.5]])
    assert [name for name, _ in crit.named_children()] == ["0", "1"]
    crit.set_child("1", MSECriterion())
    assert crit.forward(x, t) == pytest.approx(1.5)
    assert crit.find_modules("MSECriterion").paths == ["0", "1"]
    assert "nn.MultiCriterion" in repr(crit) and "(1): nn.MSECriterion" in repr(crit)


def test_parallel_criterion_and_repeat_target():
    z = np.array([[0.0, 0.0]])
    crit = ParallelCriterion().add(ClassNLLCriterion(), 0.5).add(MSECriterion(), 2.0)
    loss = crit.forward([z + [[-1.0, -3.0]], z], [np.array([1]), np.array([[1.0, 1.0]])])
    assert loss == pytest.approx(0.5 * 3 + 2 * 1)
    g_nll, g_mse = crit.backward([z, z], [np.array([1]), np.array([[1.0, 1.0]])])
    np.testing.assert_allclose(g_nll, [[0, -0.5]])
    np.testing.assert_allclose(g_mse, [[-2, -2]])
    repeat = ParallelCriterion(True).add(AbsCriterion()).add(MSECriterion())
    assert repeat.forward([np.array([1.0]), np.array([3.0])], np.array([0.0])) == 10.0
    with pytest.raises(InputTypeError, match="target to be a list"):
        crit.forward([z, z], np.array([1]))


def test_module_criterion_feeds_modules_and_backpropagates():
    x, t = np.array([0.5, -1.0]), np.array([0.0, 1.0])
    crit = ModuleCriterion(MSECriterion(size_average=False), Tanh(), Tanh())
    y, ty = np.tanh(x), np.tanh(t)
    assert crit.forward(x, t) == pytest.approx(np.sum((y - ty) ** 2))
    np.testing.assert_allclose(crit.backward(x, t), 2 * (y - ty) * (1 - y**2), rtol=1e-12)
    assert [name for name, _ in crit.named_children()] == [
        "criterion",
        "input_module",
        "target_module",
    ]


def test_module_criterion_cast_target_false_keeps_target_module_dtype():
    crit = ModuleCriterion(MSECriterion(), Tanh(), Tanh(), cast_target=False).float()
    assert crit.input_module.dtype == np.float32 and crit.target_module.dtype == np.float64
    assert ModuleCriterion(MSECriterion(), None, Tanh()).float().target_module.dtype == np.float32
