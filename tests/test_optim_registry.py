"""Registry kind ``optimizer``: found in nncore.optim, listed and described like classes, checked
by the kit; a dict of values (an optimiser's state) saved and loaded exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nncore
from nncore import nn, optim
from nncore.cli import main
from nncore.testing import OptimizerCase, check_case, registered_cases


def test_optim_namespace_finds_optimisers_and_helpers_only():
    assert callable(optim.sgd) and optim["nn-optim:adam"] is optim.adam
    assert isinstance(optim.ConfusionMatrix(2), optim.ConfusionMatrix)
    assert "adam" in dir(optim) and "Linear" not in dir(optim) and "adam" not in dir(nn)
    with pytest.raises(nncore.UnknownNameError, match="found as nncore.optim.adam"):
        nn.adam  # noqa: B018
    with pytest.raises(nncore.UnknownNameError, match="found as nncore.nn.Linear"):
        optim.Linear  # noqa: B018
    with pytest.raises(nncore.UnknownNameError, match="did you mean optim.adam"):
        optim.Adam  # noqa: B018
    assert repr(optim).startswith("<nncore.optim: 19 optimisers and helpers")


def test_cli_lists_and_describes_optimisers(capsys):
    assert main(["modules", "--kind", "optimizer", "--names"]) == 0
    names = capsys.readouterr().out.split()
    assert "nn-optim:adam" in names and "nn-optim:ConfusionMatrix" not in names
    assert len(names) == 14
    assert main(["info", "adam"]) == 0
    out = capsys.readouterr().out
    assert "nn-optim:adam (optimizer, nn-optim" in out
    assert "adam(opfunc, x, config=None, state=None)" in out


def test_every_optimiser_has_a_kit_case_and_helpers_are_left_to_their_tests():
    cases = {q: c for q, c in registered_cases("nn-optim")}
    assert "nn-optim:sgd" in cases and isinstance(cases["nn-optim:sgd"], OptimizerCase)
    assert not any(q.endswith((":Logger", ":lswolfe")) for q in cases)


def test_the_kit_catches_an_optimiser_that_breaks_the_contract():
    def forgetful(opfunc, x, config=None, state=None):
        """Momentum kept outside the state: resuming from a saved state takes other steps."""
        f, g = opfunc(x)
        forgetful.velocity = 0.9 * getattr(forgetful, "velocity", 0) + g
        x -= 0.1 * forgetful.velocity
        return x, [float(f)]

    with pytest.raises(AssertionError) as failure:
        check_case(OptimizerCase(forgetful))
    message = str(failure.value)
    assert "check_optimizer_state_round_trip" in message
    assert "check_optimizer_unknown_option" in message


def test_saving_refuses_an_optimiser_where_a_module_is_expected(tmp_path):
    with pytest.raises(nncore.UnknownNameError, match="is not in nncore.nn"):
        nncore.swap(nn.Sequential(nn.Linear(2, 2)), "Linear", "nn-optim:sgd")


def test_a_dict_of_values_saves_and_loads_exactly(tmp_path):
    tree = {
        "t": 7,
        "lr": 0.1,
        "name": "adam",
        "flag": True,
        "none": None,
        "nan": float("nan"),
        "m": np.arange(6, dtype=np.float32).reshape(2, 3),
        "scalar": np.float32(1.5),
        "count": np.int64(2**40),
        "history": [np.ones(2), (1, "a")],
        "nested": {"deep": {"v": np.zeros(0)}},
        "dtype": np.dtype("float32"),
    }
    nncore.save(tree, tmp_path / "state.nncore")
    loaded = nncore.load(tmp_path / "state.nncore")
    assert loaded.keys() == tree.keys()
    for key in ("t", "lr", "name", "flag", "none", "dtype"):
        assert loaded[key] == tree[key] and type(loaded[key]) is type(tree[key])
    assert np.isnan(loaded["nan"])
    assert loaded["m"].dtype == np.float32 and np.array_equal(loaded["m"], tree["m"])
    assert type(loaded["scalar"]) is np.float32 and loaded["scalar"] == 1.5
    assert type(loaded["count"]) is np.int64 and loaded["count"] == 2**40
    assert isinstance(loaded["history"][1], tuple) and loaded["history"][1] == (1, "a")
    assert loaded["nested"]["deep"]["v"].shape == (0,)
    loaded["m"][0, 0] = 9  # a writable copy
    assert tree["m"][0, 0] == 0


def test_a_saved_dict_refuses_what_is_not_data(tmp_path):
    with pytest.raises(nncore.SaveError, match="cannot save function at '.f'"):
        nncore.save({"f": lambda: 0}, tmp_path / "x")
    with pytest.raises(nncore.SaveError, match="cannot save object at 'the top'"):
        nncore.save(object(), tmp_path / "x")
    with pytest.raises(nncore.SaveError):
        nncore.save({1: 2}, tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "tree",
    [
        {"__dict__": {"a": {"__array__": "t9"}}},
        {"__dict__": {"a": {"__scalar__": ["object", 1]}}},
        {"__dict__": {"a": {"__module__": 0}}},
        {"__dict__": {"a": {"__scalar__": ["int8", 1000]}}},
        {"__dict__": {"a": {"__dtype__": "str"}}},
    ],
)
def test_a_hostile_saved_dict_is_a_load_error(tmp_path, tree):
    path = tmp_path / "state.nncore"
    nncore.save({"a": 1}, path)
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    description = json.loads(header["__metadata__"]["nncore"])
    description["tree"] = tree
    header["__metadata__"]["nncore"] = json.dumps(description)
    text = json.dumps(header).encode()
    path.write_bytes(len(text).to_bytes(8, "little") + text + data[8 + size :])
    with pytest.raises(nncore.LoadError):
        nncore.load(path)
