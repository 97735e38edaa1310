"""The loader and the saver under attack: no process-wide state, no file that cannot be right,
nothing left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import nncore
from nncore import LoadError, SaveError, nn
from nncore._file_format import MAX_DEPTH

sys.path.insert(0, str(Path(__file__).parent))
from loadfuzz import tampered  # noqa: E402


# ----------------------------------------------------------------------------- memory
def test_loading_in_threads_changes_no_process_wide_limit(tmp_path):
    resource = pytest.importorskip("resource")
    limit = resource.getrlimit(resource.RLIMIT_AS)
    path = tmp_path / "net.nncore"
    nncore.save(nn.Sequential(nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 8)), path)
    failures, stop = [], threading.Event()

    def load_repeatedly():
        while not stop.is_set():
            try:
                nncore.load(path)
            except Exception as error:  # noqa: BLE001 - any failure is what the test counts
                failures.append(error)

    threads = [threading.Thread(target=load_repeatedly) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(200):  # ordinary allocations elsewhere keep working meanwhile
            np.ones(2**22)
            assert resource.getrlimit(resource.RLIMIT_AS) == limit
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert resource.getrlimit(resource.RLIMIT_AS) == limit


def test_a_crafted_config_allocates_nothing_before_it_is_refused(tmp_path):
    def huge(description, tensors):  # each size fits under the per-integer cap, the product not
        description["modules"][1]["config"]["__dict__"].update(
            {"input_size": 2**19, "output_size": 2**19}
        )

    path = tampered(tmp_path, nn.Sequential(nn.Linear(3, 2)), huge)
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match="more memory than the file"):
            nncore.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


@pytest.mark.parametrize("dtype", ["V100000000", "object", "U5", "complex128", "int64"])
def test_a_module_dtype_outside_the_allow_list_is_refused(tmp_path, dtype):
    def change(description, tensors):
        description["modules"][0]["dtype"] = dtype

    path = tampered(tmp_path, nn.OneHot(10), change)
    with pytest.raises(LoadError, match="expected a dtype in"):
        nncore.load(path)


@pytest.mark.parametrize("dtype", ["V100000000", "object", "U5", "datetime64"])
def test_a_config_dtype_outside_the_allow_list_is_refused(tmp_path, dtype):
    def change(description, tensors):
        description["modules"][0]["config"]["__dict__"]["outtype"] = {"__dtype__": dtype}

    path = tampered(tmp_path, nn.Copy(np.float64, np.float32), change)
    with pytest.raises(LoadError, match="expected a dtype in"):
        nncore.load(path)


def test_tensors_declaring_more_bytes_than_the_file_are_refused(tmp_path):
    path = tmp_path / "net.nncore"
    nncore.save(nn.Linear(40, 40), path)
    data = path.read_bytes()
    path.write_bytes(data[:-800])  # the header still declares every tensor
    with pytest.raises(LoadError):
        nncore.load(path)


# ----------------------------------------------------------------------------- impossible files
def test_a_gradient_shared_between_parameters_of_different_shapes_is_refused(tmp_path):
    def share_across_shapes(description, tensors):
        linear = description["modules"][1]
        linear["grads"]["grad_bias"][0] = linear["grads"]["grad_weight"][0]

    path = tampered(tmp_path, nn.Sequential(nn.Linear(3, 2)), share_across_shapes)
    with pytest.raises(LoadError, match="shares its gradient with a parameter of another shape"):
        nncore.load(path)


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_a_path_that_is_no_regular_file_is_refused_at_once(tmp_path, kind):
    if kind == "directory":
        path = tmp_path
    elif kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero")
    outcome: list[BaseException] = []
    thread = threading.Thread(target=lambda: _capture(outcome, path), daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "loading blocked"
    assert len(outcome) == 1 and isinstance(outcome[0], LoadError), outcome
    assert "expected a regular file" in str(outcome[0])


def _capture(outcome: list[BaseException], path: Path) -> None:
    try:
        nncore.load(path)
    except BaseException as error:  # noqa: BLE001 - the test inspects what was raised
        outcome.append(error)


def nested(depth: int):
    net = node = nn.Sequential()
    for _ in range(depth - 1):
        child = nn.Sequential()
        node.add(child)
        node = child
    node.add(nn.Tanh())
    return net


def test_networks_up_to_the_depth_limit_save_load_and_run(tmp_path):
    path = tmp_path / "deep.nncore"
    nncore.save(nested(MAX_DEPTH), path)
    net = nncore.load(path)
    np.testing.assert_allclose(net.forward(np.ones(2)), np.tanh(np.ones(2)))
    assert repr(net).count("nn.Sequential") == MAX_DEPTH
    assert net.backward(np.ones(2), np.ones(2)).shape == (2,)


def test_deeper_networks_are_refused_by_save_and_load(tmp_path):
    with pytest.raises(SaveError, match=f"nested at most {MAX_DEPTH} deep"):
        nncore.save(nested(MAX_DEPTH + 2), tmp_path / "deep.nncore")

    def deepen(description, tensors):  # a chain of records, as a crafted file would hold
        records = description["modules"]
        for _ in range(MAX_DEPTH + 5):
            records.append(
                {
                    "class": "nn-basic:Sequential",
                    "config": {"__dict__": {}},
                    "children": [["0", description["tree"]["__module__"]]],
                    "train": True,
                    "dtype": "float64",
                    "arrays": {},
                    "grads": {},
                }
            )
            description["tree"] = {"__module__": len(records) - 1}

    path = tampered(tmp_path, nn.Sequential(nn.Tanh()), deepen)
    with pytest.raises(LoadError, match=f"nested at most {MAX_DEPTH} deep"):
        nncore.load(path)


# ----------------------------------------------------------------------------- the saver
def test_saved_files_get_the_permissions_of_the_umask(tmp_path):
    for umask, expected in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        previous = os.umask(umask)
        try:
            path = tmp_path / f"net-{umask:o}.nncore"
            nncore.save(nn.Linear(2, 2), path)
            nncore.save(nn.Linear(2, 2), path)  # replacing keeps the rule too
        finally:
            os.umask(previous)
        assert path.stat().st_mode & 0o777 == expected


def test_a_save_killed_at_any_moment_leaves_nothing_behind(tmp_path):
    script = textwrap.dedent(
        f"""
        import numpy as np, nncore
        from nncore import nn
        net = nn.Sequential(*[nn.Linear(512, 512) for _ in range(8)])
        print("ready", flush=True)
        while True:
            nncore.save(net, {str(tmp_path / "net.nncore")!r})
        """
    )
    rng = np.random.default_rng(0)
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
    names = [p.name for p in tmp_path.iterdir()]
    assert names in ([], ["net.nncore"]), names
    if names:
        assert len(nncore.load(tmp_path / "net.nncore").modules) == 8


def test_temporaries_left_by_a_dead_process_are_removed_by_the_next_save(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".net.nncore.nncore-partial-{dead.pid}-0123456789ab"
    stale.write_bytes(b"partial")
    nncore.save(nn.Linear(2, 2), tmp_path / "net.nncore")
    assert [p.name for p in tmp_path.iterdir()] == ["net.nncore"]


# ----------------------------------------------------------------------------- tree headers
def _with_tree_text(folder: Path, text: str, tensor: np.ndarray | None = None) -> Path:
    """A file of one tensor ``t0`` whose description is ``{..., "modules": [], "tree": text}``."""
    from safetensors.numpy import save_file

    path = folder / "tree.nncore"
    description = '{"format": "nncore/2", "modules": [], "tree": ' + text + "}"
    tensors = {"t0": np.zeros(2) if tensor is None else tensor}
    save_file(tensors, path, metadata={"nncore": description})
    return path


@pytest.mark.parametrize(
    "opening, closing", [("[", "]"), ('{"__tuple__": [', "]}"), ('{"__dict__": {"x": ', "}}")]
)
@pytest.mark.parametrize("depth", [MAX_DEPTH + 2, 100_000])
def test_a_tree_nested_too_deep_is_refused(tmp_path, opening, closing, depth):
    path = _with_tree_text(tmp_path, opening * depth + "1" + closing * depth)
    start = time.perf_counter()
    with pytest.raises(LoadError, match=f"nested at most {MAX_DEPTH} deep"):
        nncore.load(path)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "tree",
    [
        {"__module__": "0"},
        {"__module__": True},
        {"__module__": 2**63},
        {"__module__": -1},
        {"__array__": 0},
        {"__array__": "t7"},
        {"__dict__": [1]},
        {"__tuple__": {"a": 1}},
        {"__scalar__": ["int64", 2**70]},
        {"__scalar__": ["uint8", -1]},
        {"__scalar__": ["float16", 1e300]},
        {"__scalar__": ["object", 1]},
        {"__scalar__": ["int8", "1"]},
        {"__dtype__": "object"},
        {"__list__": [1]},
        {"__dict__": {}, "__tuple__": []},
    ],
    ids=repr,
)
def test_a_tree_value_of_the_wrong_type_is_refused(tmp_path, tree):
    with pytest.raises(LoadError, match="unreadable|expected a dtype in"):
        nncore.load(_with_tree_text(tmp_path, json.dumps(tree)))


def test_references_in_a_cycle_are_refused(tmp_path):
    def through_config(description, tensors):  # the tree's module refers to itself
        description["modules"][0]["config"] = {"__dict__": {"m": {"__module__": 0}}}

    def through_children(description, tensors):  # two entries' modules contain each other
        description["modules"][0]["children"].append(["1", 2])
        description["modules"][2]["children"].append(["0", 0])

    tree = [nn.Sequential(nn.Tanh()), nn.Sequential()]
    for change in (through_config, through_children):
        with pytest.raises(LoadError, match="cycle"):
            nncore.load(tampered(tmp_path, tree, change))


def test_more_module_records_than_allowed_are_refused_before_any_is_read(tmp_path):
    def many(description, tensors):
        description["modules"] = ["not even a record"] * 100_001

    with pytest.raises(LoadError, match="at most 100000 modules, got 100001"):
        nncore.load(tampered(tmp_path, {"a": 1}, many))


def test_a_huge_count_of_references_to_one_tensor_costs_no_copies(tmp_path):
    references = json.dumps([{"__array__": "t0"}] * 200_000)
    start = time.perf_counter()
    tree = nncore.load(_with_tree_text(tmp_path, references, np.ones(4)))
    assert time.perf_counter() - start < 5
    assert len(tree) == 200_000 and all(array is tree[0] for array in tree)
    path = _with_tree_text(tmp_path, json.dumps([{"__array__": "t0"}] * 50), np.ones(2**20))
    tracemalloc.start()
    try:
        nncore.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20  # 50 copies of its 8 MB would be 400 MB


def test_a_config_naming_one_tensor_many_times_costs_one_copy(tmp_path):
    def many(description, tensors):
        tensors["t0"] = np.ones((2**10, 2**10))  # 8 MB, the Linear's weight
        description["modules"][1]["config"]["__dict__"]["extra"] = [{"__array__": "t0"}] * 50

    path = tampered(tmp_path, nn.Sequential(nn.Linear(2**10, 2**10, bias=False)), many)
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match="failed"):  # Linear takes no argument "extra"
            nncore.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20  # 50 copies of its 8 MB would be 400 MB


def test_only_a_container_class_escapes_the_product_of_its_integers(tmp_path):
    def huge_with_a_child(description, tensors):  # children do not make a Linear a container
        linear = description["modules"][1]
        linear["config"]["__dict__"].update({"input_size": 2**19, "output_size": 2**19})
        linear["children"] = [["0", 2]]

    tree = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    with pytest.raises(LoadError, match="more memory than the file"):
        nncore.load(tampered(tmp_path, tree, huge_with_a_child))
