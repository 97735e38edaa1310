"""nncore.save / nncore.load, state dicts, and hostile files."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.numpy import save_file

import nncore
from nncore import LoadError, nn

sys.path.insert(0, str(Path(__file__).parent))
import loadfuzz  # noqa: E402
from loadfuzz import tampered  # noqa: E402


def roundtrip(module, tmp_path):
    path = tmp_path / "net.nncore"
    nncore.save(module, path)
    return nncore.load(path)


def test_roundtrip_keeps_structure_values_mode_and_dtype(tmp_path):
    net = nn.Sequential().add(nn.Linear(4, 3)).add(nn.Tanh()).add(nn.Linear(3, 2, bias=False))
    net.float()
    net.get(1).evaluate()
    loaded = roundtrip(net, tmp_path)
    assert repr(loaded) == repr(net)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    assert loaded.get(0).weight.dtype == np.float32 and loaded.dtype == np.float32
    assert [m.train for m in loaded.list_modules()] == [True, True, False, True]


def test_shared_parameters_stay_shared(tmp_path):
    a = nn.Linear(3, 3)
    net = nn.Sequential().add(a).add(nn.Tanh()).add(a.clone("weight", "bias"))
    loaded = roundtrip(net, tmp_path)
    first, last = loaded.get(0), loaded.get(2)
    assert first.weight is last.weight and first.grad_weight is last.grad_weight
    flat, _ = loaded.get_parameters()
    assert flat.size == 12
    same = nn.Sequential().add(a).add(a)  # one instance used twice stays one instance
    twice = roundtrip(same, tmp_path)
    assert twice.get(0) is twice.get(1)


def test_a_file_is_replaced_atomically(tmp_path, monkeypatch):
    path = tmp_path / "net.nncore"
    nncore.save(nn.Linear(2, 2), path)
    before = path.read_bytes()

    def interrupted(file, tensors, metadata):
        file.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr("nncore._saving._write_safetensors", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nncore.save(nn.Linear(3, 3), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.nncore"]


def test_a_missing_provider_names_the_distribution(tmp_path):
    def rename(description, tensors):
        description["modules"][1]["class"] = "nn-swish:Swish"

    path = tampered(tmp_path, nn.Sequential().add(nn.Tanh()), rename)
    with pytest.raises(LoadError, match="pip install nn-swish"):
        nncore.load(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d, t: d["modules"][1].update({"class": "os:system"}), "os:system"),
        (lambda d, t: d["modules"][1].update({"class": "Linear"}), "not a qualified name"),
        (lambda d, t: d["modules"][0]["children"].append(["1", 0]), "cycle"),
        (lambda d, t: d["modules"][0]["children"].append(["1", 7]), "does not exist"),
        (lambda d, t: d.update({"format": "pickle"}), "unknown format"),
        (lambda d, t: t.update({"t0": np.zeros((9, 9))}), "expected shape"),
        (lambda d, t: t.update({"t0": np.zeros((2, 3), dtype=np.int64)}), "array"),
        (
            lambda d, t: d["modules"][1]["config"]["__dict__"].update({"input_size": 2**40}),
            "larger than the file",
        ),
        (
            lambda d, t: d["modules"][1]["config"]["__dict__"].update(
                {"input_size": 10**6, "output_size": 1000}
            ),
            "more memory than the file",
        ),
        (lambda d, t: d["modules"][1]["config"]["__dict__"].update({"nope": 1}), "failed"),
        (lambda d, t: d["modules"][1]["arrays"].update({"evil": "t0"}), "declares no array"),
        (
            lambda d, t: d["modules"][1]["config"].update({"__reduce__": "os.system"}),
            "config has an unreadable value",
        ),
    ],
    ids=[
        "foreign-class",
        "short-name",
        "cycle",
        "dangling",
        "format",
        "shape",
        "dtype",
        "huge-int",
        "huge-allocation",
        "bad-config",
        "undeclared-array",
        "unknown-tag",
    ],
)
def test_hostile_descriptions_are_load_errors(tmp_path, change, message):
    net = nn.Sequential().add(nn.Linear(3, 2))
    path = tampered(tmp_path, net, change)
    with pytest.raises(LoadError, match=message):
        nncore.load(path)


def test_non_files_and_damaged_files_are_load_errors(tmp_path):
    with pytest.raises(LoadError):
        nncore.load(tmp_path / "missing.nncore")
    path = tmp_path / "net.nncore"
    nncore.save(nn.Linear(2, 2), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError):
        nncore.load(path)
    save_file({"x": np.zeros(2)}, path)
    with pytest.raises(LoadError, match="without nncore metadata"):
        nncore.load(path)


def test_state_dict_swaps_weights_between_networks():
    a = nn.Sequential().add(nn.Linear(3, 2)).add(nn.Tanh()).add(nn.Linear(2, 1))
    b = nn.Sequential().add(nn.Linear(3, 2)).add(nn.Tanh()).add(nn.Linear(2, 1))
    flat, _ = b.get_parameters()
    state = a.state_dict()
    assert sorted(state) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    b.load_state_dict(state)
    x = np.ones((2, 3))
    np.testing.assert_array_equal(b.forward(x), a.forward(x))
    assert np.shares_memory(b.get(0).weight, flat)  # copied in place
    with pytest.raises(KeyError, match="missing"):
        b.load_state_dict({"0.weight": state["0.weight"]})
    b.load_state_dict({"0.weight": state["0.weight"] * 2}, strict=False)
    np.testing.assert_array_equal(b.get(0).weight, 2 * a.get(0).weight)
    with pytest.raises(nncore.ShapeError):
        b.load_state_dict({"0.weight": np.zeros((5, 5))}, strict=False)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_files_load_or_raise_load_error(tmp_path, seed):
    rng = np.random.default_rng(seed)
    valid = getattr(test_mutated_files_load_or_raise_load_error, "valid", None)
    if valid is None:
        valid = test_mutated_files_load_or_raise_load_error.valid = loadfuzz.valid_files(tmp_path)
    data = loadfuzz.mutated_file(valid[seed % len(valid)], rng)
    assert loadfuzz.load_one(data, tmp_path / "mutated.nncore") in {"loaded", "rejected"}
