"""Mutations of valid nncore files, for fuzzing ``nncore.load``.

``python tests/loadfuzz.py --count 100000`` (the ``fuzz`` nox session) loads that many mutated
files and fails unless every one is either loaded or rejected with ``nncore.LoadError``.  The
valid files are networks, a checkpoint tree (modules, a locally defined class, arrays, values)
and files in the first format, ``nncore/1``, as its writer laid them out.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
from pathlib import Path

import numpy as np

from nncore import Module

HUGE = [2**31, 2**40, 2**63 - 1, -1, -(2**40), 10**6, 0]


class Halve(Module):
    """A class no plugin registers: the fuzzer's loads trust it (``classes=[Halve]``)."""

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return input / 2


def sample_networks():
    """A few valid networks covering containers, sharing, buffers and criteria."""
    from nncore import nn

    shared = nn.Linear(3, 3)
    yield (
        nn.Sequential()
        .add(nn.Linear(4, 3))
        .add(nn.Tanh())
        .add(shared)
        .add(shared.clone("weight", "bias"))
    )
    yield nn.Sequential().add(nn.Sequential().add(nn.Identity())).add(nn.Linear(2, 2, bias=False))
    yield nn.MSECriterion(size_average=False)


def sample_trees():
    """A char-rnn-style checkpoint: prototypes (one of a local class), options, vocabulary,
    losses with non-finite values, two modules sharing weights, arrays and numpy values."""
    from nncore import nn

    shared = nn.Linear(2, 2)
    yield {
        "protos": {
            "rnn": nn.Sequential(nn.Linear(3, 2), Halve()),
            "criterion": nn.ClassNLLCriterion(),
        },
        "opt": {"rnn_size": 2, "learning_rate": 2e-3, "seed": 123, "init_from": None},
        "vocab": {"a": 0, "b": 1, "\n": 2},
        "losses": [1.5, float("nan"), float("inf"), -float("inf")],
        "shared": (shared, shared.clone("weight", "bias"), shared.weight),
        "state": [np.arange(4, dtype=np.int32), np.float32(0.5), np.dtype("float16")],
    }


def format1_files() -> list[tuple[str, dict, dict[str, np.ndarray]]]:
    """``(name, description, tensors)`` of files as the first format's writer laid them out: a
    network (``"root"`` and ``"modules"``) and a dict of values (``"tree"``)."""
    plain = {"__dict__": {}}

    def record(cls, config, children=(), arrays=None, grads=None):
        return {
            "class": cls,
            "config": config,
            "children": [list(c) for c in children],
            "train": True,
            "dtype": "float64",
            "arrays": arrays or {},
            "grads": grads or {},
        }

    linear = record(
        "nn-basic:Linear",
        {"__dict__": {"input_size": 2, "output_size": 2, "bias": True}},
        arrays={"weight": "t0", "bias": "t1"},
        grads={"grad_weight": ["g0", [2, 2], "float64"], "grad_bias": ["g1", [2], "float64"]},
    )
    network = {
        "format": "nncore/1",
        "root": 0,
        "modules": [
            record("nn-basic:Sequential", plain, children=[("0", 1), ("1", 2)]),
            linear,
            record("nn-basic:Tanh", plain),
        ],
    }
    weights = {"t0": np.array([[1.0, 2.0], [3.0, 4.0]]), "t1": np.array([0.5, -0.5])}
    values = {
        "format": "nncore/1",
        "tree": {
            "__dict__": {
                "t": 3,
                "m": {"__array__": "t0"},
                "pair": {"__tuple__": [1, "a"]},
                "scalar": {"__scalar__": ["float32", 1.5]},
            }
        },
    }
    return [("network", network, weights), ("values", values, {"t0": np.arange(3.0)})]


def _json_paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _json_paths(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _json_paths(inner, path + (index,))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        copy[head] = _replace(value[head], rest, new)
        return copy
    copy = list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


def _random_json(rng: np.random.Generator, description, depth: int = 0):
    choice = rng.integers(13)
    if choice == 0:
        return int(rng.choice(HUGE))
    if choice == 1:
        return str(
            rng.choice(
                [
                    "nn-basic:Linear",
                    "nn-basic:Sequential",
                    "nn-nowhere:Thing",
                    "Linear",
                    "os:system",
                    "",
                    "t0",
                    "g0",
                    "float64",
                    "object",
                    "V100000000",
                    "U5",
                    "complex128",
                    "datetime64",
                ]
            )
        )
    if choice == 2:
        return None
    if choice == 3:
        return bool(rng.integers(2))
    if choice == 4:
        return float(rng.choice([0.5, -1e308, float("nan"), float("inf")]))
    if choice == 5:
        modules = description.get("modules") if isinstance(description, dict) else None
        count = len(modules) if isinstance(modules, list) else 3
        return {"__module__": int(rng.integers(-1, count + 1))}
    if choice == 6:
        return {"__array__": str(rng.choice(["t0", "t1", "t99", 3]))}
    if choice == 7:
        return {"__tuple__": [int(rng.integers(-3, 5)) for _ in range(int(rng.integers(4)))]}
    if choice == 8:
        return {
            "__dtype__": str(rng.choice(["float32", "object", "int8", "nope", "V100000000", "U5"]))
        }
    if choice == 9 and depth < 3:
        return [_random_json(rng, description, depth + 1) for _ in range(int(rng.integers(3)))]
    if choice == 10 and depth < 3:
        return {"__dict__": {"x": _random_json(rng, description, depth + 1)}}
    if choice == 11:
        numbers = [*HUGE, 2**70, float("nan"), 1e300, "1", True, None]
        dtype = str(rng.choice(["int8", "uint8", "float16", "int64", "object", "bool"]))
        return {"__scalar__": [dtype, numbers[int(rng.integers(len(numbers)))]]}
    return [int(rng.integers(0, 5)), int(rng.integers(-2, 9))]


def deepen(description: dict, rng: np.random.Generator) -> dict:
    """Wrap the first module in a chain of Sequentials, up to a few hundred deep, and add the
    chain to the tree."""
    records = list(description.get("modules") or [])
    if not records:
        return description
    root = 0
    for _ in range(int(rng.integers(1, 400))):
        records.append(
            {
                "class": "nn-basic:Sequential",
                "config": {"__dict__": {}},
                "children": [["0", root]],
                "train": True,
                "dtype": "float64",
                "arrays": {},
                "grads": {},
            }
        )
        root = len(records) - 1
    tree = [description.get("tree"), {"__module__": root}]
    return {**description, "modules": records, "tree": tree}


def cycle(description: dict, rng: np.random.Generator) -> dict:
    """Give a random module a child or a config reference to a random module (itself, an
    ancestor, or any other)."""
    records = json.loads(json.dumps(description.get("modules") or []))
    if not records or not isinstance(records[0], dict):
        return description
    index = int(rng.integers(len(records)))
    target = int(rng.integers(len(records)))
    if rng.integers(2) and isinstance(records[index].get("children"), list):
        records[index]["children"].append(["cycle", target])
    else:
        records[index]["config"] = {"__dict__": {"module": {"__module__": target}}}
    return {**description, "modules": records}


def huge_counts(description: dict, rng: np.random.Generator) -> dict:
    """Many references to one tensor or one module, in the tree or in a config, or more module
    records than allowed."""
    kind = rng.integers(4)
    if kind == 0:
        return {**description, "modules": [{}] * 100_001}
    records = json.loads(json.dumps(description.get("modules") or []))
    if kind == 1 and records and isinstance(records[0], dict):
        references = [{"__array__": "t0"}] * int(rng.integers(1, 100_000))
        records[0]["config"] = {"__dict__": {"x": references}}
        return {**description, "modules": records}
    reference = rng.choice([{"__array__": "t0"}, {"__module__": 0}, {"__scalar__": ["int8", 1]}])
    return {**description, "tree": [reference] * int(rng.integers(1, 100_000))}


def nesting_bomb(description: dict, rng: np.random.Generator) -> str:
    """The tree wrapped in up to a hundred thousand lists, tuples or dicts: JSON text, since
    ``json.dumps`` itself refuses to write it."""
    depth = int(rng.integers(90, 100_000))
    opening, closing = [("[", "]"), ('{"__tuple__": [', "]}"), ('{"__dict__": {"x": ', "}}")][
        int(rng.integers(3))
    ]
    rest = json.dumps({k: v for k, v in description.items() if k != "tree"})
    tree = opening * depth + json.dumps(description.get("tree")) + closing * depth
    return rest[:-1] + ', "tree": ' + tree + "}"


def share_gradients_across(description: dict, rng: np.random.Generator) -> dict:
    """Give every gradient of the file the same group, whatever the shapes."""
    records = json.loads(json.dumps(description.get("modules") or []))
    for record in records:
        for spec in record.get("grads", {}).values():
            spec[0] = "g0"
    return {**description, "modules": records}


def mutate_description(description: dict, rng: np.random.Generator) -> str:
    """The JSON text of ``description`` with one to three random places replaced by hostile
    values, or the network nested deeply, gradients shared across shapes, references in a
    cycle, huge counts, or the tree nested far deeper than allowed."""
    kind = rng.integers(13)
    if kind == 0:
        description = deepen(description, rng)
    elif kind == 1:
        description = share_gradients_across(description, rng)
    elif kind == 2:
        description = {
            **description,
            "modules": [
                {**r, "dtype": str(rng.choice(["V100000000", "object", "U5", "int64", "float16"]))}
                if isinstance(r, dict)
                else r
                for r in description.get("modules") or []
            ],
        }
    elif kind == 3:
        description = cycle(description, rng)
    elif kind == 4:
        description = huge_counts(description, rng)
    elif kind == 5:
        return nesting_bomb(description, rng)
    else:
        for _ in range(int(rng.integers(1, 4))):
            paths = list(_json_paths(description))
            path = paths[int(rng.integers(len(paths)))]
            description = _replace(description, path, _random_json(rng, description))
    return json.dumps(description)


def mutate_bytes(data: bytes, rng: np.random.Generator) -> bytes:
    """Byte-level damage: truncation, flipped bytes, a lying header length, garbage."""
    kind = rng.integers(5)
    if kind == 0:
        return data[: int(rng.integers(len(data)))]
    if kind == 1:
        array = bytearray(data)
        for _ in range(int(rng.integers(1, 8))):
            array[int(rng.integers(len(array)))] = int(rng.integers(256))
        return bytes(array)
    if kind == 2:
        return struct.pack("<Q", int(rng.choice(HUGE)) % 2**64) + data[8:]
    if kind == 3:
        cut = int(rng.integers(len(data)))
        return data[:cut] + rng.bytes(int(rng.integers(1, 64))) + data[cut:]
    return rng.bytes(int(rng.integers(0, 256)))


def mutated_file(valid: bytes, rng: np.random.Generator) -> bytes:
    """One hostile file: a valid container with a mutated description, or damaged bytes."""
    from safetensors.numpy import load as load_tensors
    from safetensors.numpy import save as save_tensors

    if rng.integers(2):
        return mutate_bytes(valid, rng)
    header_length = struct.unpack("<Q", valid[:8])[0]
    header = json.loads(valid[8 : 8 + header_length])
    description = json.loads(header["__metadata__"]["nncore"])
    mutated = mutate_description(description, rng)
    tensors = load_tensors(valid)
    if rng.integers(4) == 0 and tensors:  # also a wrong dtype or shape for one tensor
        name = sorted(tensors)[0]
        tensors[name] = rng.standard_normal(int(rng.integers(1, 5))).astype(
            rng.choice([np.float32, np.float64, np.int64])
        )
    return save_tensors(tensors, metadata={"nncore": mutated})


def load_one(data: bytes, path: Path) -> str:
    """Load ``data`` from ``path``: "loaded" or "rejected"; anything else propagates."""
    import nncore

    path.write_bytes(data)
    try:
        nncore.load(path, classes=[Halve])
    except nncore.LoadError:
        return "rejected"
    return "loaded"


def special_files(folder: Path) -> list[Path]:
    """Paths that are no regular file: loading each must be an immediate LoadError."""
    import os

    fifo = folder / "fifo.nncore"
    if not fifo.exists():
        os.mkfifo(fifo)
    return [folder, fifo] + [Path(p) for p in ("/dev/zero", "/dev/null") if Path(p).exists()]


def load_special(path: Path) -> str:
    """Load a special file: "rejected", or anything else propagates."""
    import nncore

    try:
        nncore.load(path)
    except nncore.LoadError:
        return "rejected"
    raise AssertionError(f"{path} loaded")


def tampered(folder: Path, module, change) -> Path:
    """Save ``module``, let ``change(description, tensors)`` edit the file, return its path."""
    from safetensors import safe_open
    from safetensors.numpy import load_file, save_file

    import nncore

    path = folder / "net.nncore"
    nncore.save(module, path)
    tensors = load_file(path)
    with safe_open(str(path), "np") as handle:
        description = json.loads(handle.metadata()["nncore"])
    change(description, tensors)
    save_file(tensors, path, metadata={"nncore": json.dumps(description)})
    return path


def valid_files(folder: Path) -> list[bytes]:
    from safetensors.numpy import save as save_tensors

    import nncore

    files = []
    for index, sample in enumerate([*sample_networks(), *sample_trees()]):
        path = folder / f"valid{index}.nncore"
        nncore.save(sample, path)
        files.append(path.read_bytes())
    for _, description, tensors in format1_files():
        files.append(save_tensors(tensors, metadata={"nncore": json.dumps(description)}))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=Path("."))
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    valid = valid_files(options.folder)
    target = options.folder / "mutated.nncore"
    specials = special_files(options.folder)
    counts = {"loaded": 0, "rejected": 0}
    start = time.perf_counter()
    for i in range(options.count):
        data = mutated_file(valid[i % len(valid)], rng)
        try:
            if i % 1000 == 999:  # a directory, a FIFO or a device in place of a file
                counts[load_special(specials[(i // 1000) % len(specials)])] += 1
                continue
            counts[load_one(data, target)] += 1
        except Exception as error:  # anything but LoadError is a bug: report the input
            crash = options.folder / f"crash-{i}.nncore"
            crash.write_bytes(data)
            print(f"input {i} raised {type(error).__name__}: {error} (saved to {crash})")
            return 1
    elapsed = time.perf_counter() - start
    print(
        f"{options.count} mutated files in {elapsed:.0f} s: {counts['rejected']} rejected with "
        f"LoadError, {counts['loaded']} still valid, 0 crashes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
