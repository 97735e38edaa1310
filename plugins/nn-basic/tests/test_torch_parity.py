"""Behaviours where nn-basic follows torch/nn's source: CMul and CAdd take their size as varargs
or as one size (torch/nn ``CMul.lua``, ``CAdd.lua``), and PReLU finds its planes where
torch/nn's THNN kernel does (``lib/THNN/generic/PReLU.c``)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.cadd import CAdd
from nn_basic.cmul import CMul
from nn_basic.prelu import PReLU

import nncore
from nncore.errors import ShapeError

#: every test starts from the same random seed (conftest.py)
pytestmark = pytest.mark.usefixtures("seeded")


# ---------------------------------------------------------------------- CMul / CAdd sizes
@pytest.mark.parametrize("cls, name", [(CMul, "weight"), (CAdd, "bias")])
@pytest.mark.parametrize(
    "args, shape",
    [
        ((2, 3), (2, 3)),
        (((2, 3),), (2, 3)),
        (([1, 5],), (1, 5)),
        ((4,), (4,)),
        ((1, 2, 3), (1, 2, 3)),
    ],
)
def test_size_as_varargs_or_one_size(cls, name, args, shape):
    module = cls(*args)
    assert getattr(module, name).shape == shape
    assert getattr(module, "grad_" + name).shape == shape
    assert repr(module) == f"nn.{cls.__name__}({'x'.join(map(str, shape))})"


@pytest.mark.parametrize("cls, name", [(CMul, "weight"), (CAdd, "bias")])
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), (5,)])
def test_varargs_size_computes_like_one_size(cls, name, args):
    module = cls(*args)
    x = np.random.default_rng(0).standard_normal((4, *getattr(module, name).shape))
    param = getattr(module, name)
    expected = x * param if cls is CMul else x + param
    np.testing.assert_allclose(module.forward(x), expected, rtol=1e-12)


@pytest.mark.parametrize("cls", [CMul, CAdd])
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), (5,)])
def test_config_rebuilds_and_saves_both_forms(cls, args, tmp_path):
    module = cls(*args)
    rebuilt = cls.from_config(module.config())
    assert rebuilt.parameters()[0][0].shape == module.parameters()[0][0].shape
    assert rebuilt.config() == module.config()
    path = tmp_path / "m.safetensors"
    nncore.save(module, path)
    loaded = nncore.load(path)
    assert type(loaded) is cls
    np.testing.assert_array_equal(loaded.parameters()[0][0], module.parameters()[0][0])


@pytest.mark.parametrize("cls", [CMul, CAdd])
def test_config_of_a_plain_size_argument_still_loads(cls):
    """A configuration recorded when the size was one named argument (``{"size": 5}``)."""
    assert cls.from_config({"size": 5}).parameters()[0][0].shape == (5,)
    assert cls.from_config({"size": (1, 5)}).parameters()[0][0].shape == (1, 5)


@pytest.mark.parametrize("cls", [CMul, CAdd])
def test_size_refuses_nonsense(cls):
    with pytest.raises((TypeError, ValueError)):
        cls()
    with pytest.raises((TypeError, ValueError)):
        cls(2, -3)


# ---------------------------------------------------------------------- PReLU planes
def test_prelu_planes_follow_torch_master():
    """torch/nn's THNN PReLU (since commit 57d91b9) takes the planes from dimension 0 of a 1-D
    input and dimension 1 of anything larger: every input of 2 or more dimensions is a batch."""
    prelu = PReLU(3)
    prelu.weight[...] = [0.1, 0.2, 0.3]
    x = -np.ones((2, 3, 4, 5))
    y = prelu.forward(x)
    np.testing.assert_allclose(y[:, :, 0, 0], [[-0.1, -0.2, -0.3]] * 2)
    three_d = -np.ones((2, 3, 4))  # a batch of 2 with 3 planes of 4, as torch/nn reads it
    np.testing.assert_allclose(prelu.forward(three_d)[0, :, 0], [-0.1, -0.2, -0.3])
    with pytest.raises(ShapeError, match=r"x\[None\]"):
        prelu.forward(np.zeros((3, 4, 5)))  # one (C, H, W) example: give it a batch dimension
    np.testing.assert_allclose(
        prelu.forward(-np.ones((1, 3, 4, 5)))[0, :, 0, 0], [-0.1, -0.2, -0.3]
    )
