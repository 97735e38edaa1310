"""nncore.save / nncore.load of trees: modules, arrays and JSON values in one file, sharing kept
across the whole tree, classes a script defines loaded only when trusted, old files still read."""

from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

import nncore
from nncore import LoadError, Module, SaveError, nn
from nncore._file_format import CONFIG_DTYPES
from nncore.errors import InputError, InputTypeError

sys.path.insert(0, str(Path(__file__).parent))
from loadfuzz import format1_files, tampered  # noqa: E402

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
from char_rnn.model import lstm  # noqa: E402


def roundtrip(obj, tmp_path, **load_options):
    path = tmp_path / "checkpoint.nncore"
    nncore.save(obj, path)
    return nncore.load(path, **load_options)


def same(a, b) -> bool:
    """``a`` and ``b`` are equal with the same types all the way down; floats and arrays bit
    for bit (nan equal to nan, -0.0 not equal to 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return a == b


# ----------------------------------------------------------------------------- char-rnn
def test_a_char_rnn_checkpoint_holds_protos_options_vocabulary_and_losses(tmp_path):
    nncore.manual_seed(3)
    rnn = lstm(5, 4, 2)  # examples/char_rnn's two-layer LSTM graph
    checkpoint = {
        "protos": {"rnn": rnn, "criterion": nn.ClassNLLCriterion(), "one_hot": OneHot(5)},
        "opt": {"rnn_size": 4, "num_layers": 2, "learning_rate": 2e-3, "init_from": None},
        "vocab": {"a": 0, "b": 1, "c": 2, " ": 3, "\n": 4},
        "train_losses": [1.61, 1.52, float("nan")],
        "val_loss": 1.5,
        "i": 60,
        "epoch": 1.25,
    }
    loaded = roundtrip(checkpoint, tmp_path, classes=[OneHot])  # a class the script defines
    assert list(loaded) == list(checkpoint)
    for key in ("opt", "vocab", "train_losses", "val_loss", "i", "epoch"):
        assert same(loaded[key], checkpoint[key]), key
    protos = loaded["protos"]
    assert type(protos["rnn"]) is type(rnn) and type(protos["criterion"]) is nn.ClassNLLCriterion
    assert type(protos["one_hot"]) is OneHot and protos["one_hot"].size == 5
    rng = np.random.default_rng(0)
    inputs = [np.array([0, 4]), *rng.standard_normal((4, 2, 4))]
    for got, expected in zip(protos["rnn"].forward(inputs), rnn.forward(inputs), strict=True):
        np.testing.assert_array_equal(got, expected)
    # as many distinct parameter arrays as before, flattened to the same vector
    params, _ = protos["rnn"].parameters()
    assert len({id(p) for p in params}) == len({id(p) for p in rnn.parameters()[0]})
    np.testing.assert_array_equal(protos["rnn"].get_parameters()[0], rnn.get_parameters()[0])


# ----------------------------------------------------------------------------- sharing
def test_parameters_shared_between_entries_stay_shared(tmp_path):
    a = nn.Linear(3, 2)
    tree = {"a": a, "b": [a.clone("weight", "bias")], "w": a.weight, "twice": (a, a)}
    loaded = roundtrip(tree, tmp_path)
    first, second = loaded["a"], loaded["b"][0]
    assert first is not second
    assert first.weight is second.weight and first.bias is second.bias
    assert first.grad_weight is second.grad_weight
    assert loaded["w"] is first.weight
    assert loaded["twice"][0] is first and loaded["twice"][1] is first


def test_an_array_twice_is_one_array_and_a_view_an_array_of_its_own(tmp_path):
    x = np.arange(6.0).reshape(2, 3)
    loaded = roundtrip({"x": x, "row": x[1], "again": x}, tmp_path)
    assert loaded["again"] is loaded["x"] and loaded["x"].flags.writeable
    assert not np.shares_memory(loaded["row"], loaded["x"])
    np.testing.assert_array_equal(loaded["row"], [3.0, 4.0, 5.0])


def test_modules_that_share_nothing_share_nothing_after_loading(tmp_path):
    loaded = roundtrip({"x": nn.Linear(2, 2), "y": nn.Linear(2, 2)}, tmp_path)
    for name in ("weight", "bias", "grad_weight", "grad_bias"):
        assert not np.shares_memory(getattr(loaded["x"], name), getattr(loaded["y"], name))


def test_a_module_shared_by_a_graph_and_a_container_is_one_module(tmp_path):
    linear = nn.Linear(2, 2)
    x = nn.Identity()()
    tree = {"graph": nn.gModule([x], [nn.Tanh()(linear(x))]), "seq": nn.Sequential(linear)}
    loaded = roundtrip(tree, tmp_path)
    in_graph = [m for m in loaded["graph"].list_modules() if type(m) is nn.Linear]
    assert len(in_graph) == 1 and in_graph[0] is loaded["seq"].get(0)
    point = np.array([[0.5, -2.0]])
    np.testing.assert_array_equal(loaded["graph"].forward(point), tree["graph"].forward(point))


# ----------------------------------------------------------------------------- values
@pytest.mark.parametrize("dtype", CONFIG_DTYPES)
def test_arrays_of_every_dtype_come_back_bit_for_bit(tmp_path, dtype):
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 256, 96, dtype=np.uint8)
    array = bits.view(np.dtype(dtype)) if dtype != "bool" else bits % 2 == 0
    tree = {
        "flat": array,
        "strided": array.reshape(4, -1).T,  # not contiguous
        "scalar": array[:1].reshape(()),
        "empty": array[:0].reshape(0, 3),
        "swapped": array.astype(np.dtype(dtype).newbyteorder(">")),
    }
    loaded = roundtrip(tree, tmp_path)
    for key in ("flat", "strided", "scalar", "empty"):
        assert same(loaded[key], tree[key]), key
    assert loaded["swapped"].dtype.name == dtype
    np.testing.assert_array_equal(loaded["swapped"], array)


def test_json_values_lists_and_tuples_come_back_as_they_were(tmp_path):
    tree = [
        "text, unicode: \u00e9\u4e2d\n",
        [0, 1, -1, 2**63 - 1, -(2**63), 2**64 - 1],
        [0.1, -0.0, 5e-324, 1.7976931348623157e308, float("inf"), -float("inf"), float("nan")],
        (True, False, None),
        ((1, [2, (3,)]), [], (), {}),
        {"nested": {"tuple": (1.5,), "list": [1.5]}},
        [np.float16(0.5), np.int8(-3), np.uint64(2**64 - 1), np.bool_(True), np.dtype("int16")],
    ]
    assert same(roundtrip(tree, tmp_path), tree)
    assert same(roundtrip((1, "a"), tmp_path), (1, "a"))


def test_what_a_file_cannot_hold_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "x.nncore"
    cases = [
        ({"x": np.array([1, "a"], dtype=object)}, "dtype object at '.x'"),
        ([np.zeros(2, dtype=np.complex128)], r"dtype complex128 at '\[0\]'"),
        ({"s": np.array(["ab"])}, "dtype <U2"),
        ({"n": 2**64}, "integer of at most 64 bits at '.n', got one of 65 bits"),
        ({"n": -(2**63) - 1}, "integer of at most 64 bits"),
        ({"k": {1: 2}}, "cannot save dict at '.k'"),
        ({"f": print}, "cannot save builtin_function_or_method"),
        ({"set": {1}}, "cannot save set"),
    ]
    for tree, message in cases:
        with pytest.raises(SaveError, match=message):
            nncore.save(tree, path)
    deep: list = []
    for _ in range(150):
        deep = [deep]
    with pytest.raises(SaveError, match="nested at most 100 deep"):
        nncore.save({"deep": deep}, path)
    assert list(tmp_path.iterdir()) == []


class Scaled(Module):
    """A module whose configuration is whatever it was given."""

    def __init__(self, factor: object) -> None:
        super().__init__()
        self.factor = factor

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return input * self.factor


def test_a_config_is_saved_as_its_constructor_takes_it(tmp_path):
    loaded = roundtrip(
        [Scaled(np.float32(0.5)), Scaled(np.float32), Scaled(float)], tmp_path, classes=[Scaled]
    )
    assert type(loaded[0].factor) is float
    assert [m.factor for m in loaded] == [0.5, np.dtype("float32"), np.dtype("float64")]
    for bad, name in ((np.complex128(1j), "complex128"), ({"k": {1}}, "set")):
        with pytest.raises(SaveError, match=f"cannot save {name} at 'Scaled.config"):
            nncore.save(Scaled(bad), tmp_path / "bad.nncore")


# ----------------------------------------------------------------------------- trust
class OneHot(Module):
    """A class defined here, not registered by any plugin."""

    accepts = "index"

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return np.eye(self.size)[input]


def test_a_local_class_loads_only_when_the_caller_trusts_it(tmp_path):
    path = tmp_path / "net.nncore"
    nncore.save({"net": nn.Sequential(OneHot(3), nn.Linear(3, 2))}, path)
    with pytest.raises(LoadError, match=r"'OneHot'.*nncore.load\(path, classes=\[OneHot\]\)"):
        nncore.load(path)
    net = nncore.load(path, classes=[OneHot])["net"]
    assert type(net.get(0)) is OneHot and net.get(0).size == 3
    np.testing.assert_array_equal(net.get(0).forward(np.array([2, 0])), [[0, 0, 1], [1, 0, 0]])


def test_a_local_class_never_stands_for_a_registered_one(tmp_path):
    class Linear(Module):  # the name of a registered class
        def update_output(self, input: np.ndarray) -> np.ndarray:
            return -input

    path = tmp_path / "net.nncore"
    nncore.save([Linear(), nn.Linear(2, 2)], path)
    with pytest.raises(LoadError, match="classes=\\[Linear\\]"):
        nncore.load(path)
    local, registered = nncore.load(path, classes=[Linear])
    assert type(local) is Linear and type(registered) is nn.Linear


def test_two_local_classes_of_one_name_are_refused_when_saving(tmp_path):
    def other_one_hot():
        class OneHot(Module):
            pass

        return OneHot

    with pytest.raises(SaveError, match="two named 'OneHot'.*other_one_hot.<locals>.OneHot"):
        nncore.save([OneHot(2), other_one_hot()()], tmp_path / "x.nncore")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["<local>:this", "this:Zen", "<local>:OneHot.__init__.__globals__"]
)
def test_a_name_in_a_file_is_never_imported(tmp_path, name):
    assert "this" not in sys.modules

    def rename(description, tensors):
        description["modules"][0]["class"] = name

    path = tampered(tmp_path, {"m": OneHot(2)}, rename)
    with pytest.raises(LoadError):
        nncore.load(path, classes=[OneHot])
    assert "this" not in sys.modules


def test_what_classes_accepts(tmp_path):
    path = tmp_path / "x.nncore"
    nncore.save({"a": 1}, path)
    with pytest.raises(InputTypeError, match="expected Module subclasses, got 42"):
        nncore.load(path, classes=[42])
    with pytest.raises(InputTypeError, match="got <class 'int'>"):
        nncore.load(path, classes=[int])

    def twin():
        class OneHot(Module):
            pass

        return OneHot

    with pytest.raises(InputError, match="distinct names, got two named 'OneHot'"):
        nncore.load(path, classes=[OneHot, twin()])
    assert nncore.load(path, classes=(c for c in [OneHot, OneHot])) == {"a": 1}


# ----------------------------------------------------------------------------- versions
def _write(path: Path, description: dict | str, tensors: dict[str, np.ndarray]) -> Path:
    text = description if isinstance(description, str) else json.dumps(description)
    save_file(tensors, path, metadata={"nncore": text})
    return path


def test_files_of_the_first_format_still_load(tmp_path):
    (_, network, weights), (_, values, tensors) = format1_files()
    net = nncore.load(_write(tmp_path / "net.nncore", network, weights))
    assert type(net) is nn.Sequential and [type(m) for m in net.modules] == [nn.Linear, nn.Tanh]
    x = np.array([[1.0, -1.0], [0.5, 2.0]])
    weight, bias = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])
    np.testing.assert_allclose(net.forward(x), np.tanh(x @ weight.T + bias), rtol=1e-15)
    state = nncore.load(_write(tmp_path / "values.nncore", values, tensors))
    assert same(state, {"t": 3, "m": np.arange(3.0), "pair": (1, "a"), "scalar": np.float32(1.5)})


def test_a_file_of_an_unknown_format_is_refused(tmp_path):
    def newer(description, tensors):
        description["format"] = "nncore/3"

    with pytest.raises(LoadError, match="unknown format 'nncore/3'"):
        nncore.load(tampered(tmp_path, nn.Tanh(), newer))
