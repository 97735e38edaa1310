"""Behaviours where nn-basic follows torch/nn's source: CMul and CAdd take their size as varargs
or as one size (torch/nn ``CMul.lua``, ``CAdd.lua``)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.cadd import CAdd
from nn_basic.cmul import CMul

import nncore

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
