"""Convolutions shared by threads give the single-thread results; the team of spinning
workers shares both kinds of call, starts, stops and survives a fork."""

from __future__ import annotations

import multiprocessing
import threading

import numpy as np
import pytest
from nn_conv import _backend, _threads, get_num_threads, set_num_threads
from nn_conv.spatial_convolution import SpatialConvolution
from nn_conv.spatial_full_convolution import SpatialFullConvolution

LAYERS = {
    "im2col": lambda: SpatialConvolution(3, 32, 3, 3, 1, 1, 1, 1),
    "thin, one example at a time": lambda: SpatialConvolution(3, 5, 3, 3, 1, 1, 1, 1),
    "thin, strided": lambda: SpatialConvolution(3, 4, 5, 5, 2, 2),
    "winograd": lambda: SpatialConvolution(16, 16, 3, 3, 1, 1, 1, 1),
    "strided": lambda: SpatialConvolution(3, 32, 5, 5, 2, 2),
    "full": lambda: SpatialFullConvolution(32, 4, 3, 3, 2, 2, 1, 1, 1, 1),
    "full, thin": lambda: SpatialFullConvolution(4, 3, 3, 3, 2, 2, 1, 1, 1, 1),
}


@pytest.fixture
def restore_threads():
    before = get_num_threads()
    yield
    set_num_threads(before)


def _run(layer, x, grad_output, threads):
    set_num_threads(threads)
    layer.zero_grad_parameters()
    out = layer.forward(x).copy()
    grad = layer.backward(x, grad_output).copy()
    params = [g.copy() for g in layer.parameters()[1]]
    return out, grad, params


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("threads", [2, 3])
def test_split_calls_match_one_thread(name, threads, restore_threads, monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PART_WORK", 1)  # split even these small inputs
    rng = np.random.default_rng(5)
    layer = LAYERS[name]()
    x = rng.standard_normal((7, layer.n_input_plane, 13, 12))
    grad_output = rng.standard_normal(layer.forward(x).shape)
    alone = _run(layer, x, grad_output, 1)
    split = _run(layer, x, grad_output, threads)
    for one, many in zip(alone[:2], split[:2], strict=True):
        np.testing.assert_allclose(many, one, rtol=1e-12, atol=1e-12)
    for one, many in zip(alone[2], split[2], strict=True):
        np.testing.assert_allclose(many, one, rtol=1e-10, atol=1e-10)


def test_parts_cover_the_batch_once(restore_threads, monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PART_WORK", 10)
    set_num_threads(3)
    assert _threads.parts(7, 100) == [(0, 2), (2, 4), (4, 7)]
    assert _threads.parts(2, 100) == [(0, 1), (1, 2)]  # no more parts than items
    assert _threads.parts(7, 1) == [(0, 7)]  # too little work to split
    set_num_threads(1)
    assert _threads.parts(7, 100) == [(0, 7)]


def test_an_error_in_a_worker_thread_reaches_the_caller(restore_threads):
    set_num_threads(2)

    def body(start: int, stop: int, slot: int) -> None:
        if slot == 1:
            raise ValueError(f"part {start}:{stop} failed")

    with pytest.raises(ValueError, match="part 5:10 failed"):
        _threads.run(body, [(0, 5), (5, 10)])


def test_the_parts_of_a_split_call_run_on_the_team(restore_threads):
    """Whichever part is claimed first waits there until the other has started, so the two
    parts run on two threads: the caller and a worker of the team.  (A worker still spinning
    from an earlier call may claim part 0 before the caller does.)"""
    if not _backend.is_compiled():
        pytest.skip("the team is compiled")
    set_num_threads(2)
    first_started = threading.Event()
    second_started = threading.Event()
    ran_on: dict[int, str] = {}
    claim = threading.Lock()

    def body(start: int, stop: int, part: int) -> None:
        ran_on[part] = threading.current_thread().name
        with claim:
            first = not first_started.is_set()
            (first_started if first else second_started).set()
        if first:
            assert second_started.wait(timeout=30), "no second thread took the other part"

    _threads.run(body, [(0, 1), (1, 2)])
    names = sorted(ran_on.values())
    assert len(ran_on) == 2 and names[0] != names[1]
    assert threading.current_thread().name in names
    assert any(name.startswith("nn-conv team") for name in names)


def test_blas_threads_are_restored_after_a_split_call(restore_threads):
    """numpy's BLAS (the one the layers call) runs on one thread inside, as before after."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    controller = threadpoolctl.ThreadpoolController().select(user_api="blas")
    numpy_blas = [lib for lib in controller.lib_controllers if "numpy" in lib.filepath]
    if not numpy_blas:
        pytest.skip("numpy's BLAS is not a library threadpoolctl can see")
    before = [lib.num_threads for lib in numpy_blas]
    seen = []
    set_num_threads(2)
    _threads.run(
        lambda start, stop, slot: seen.append([lib.num_threads for lib in numpy_blas]),
        [(0, 1), (1, 2)],
    )
    assert seen and all(counts == [1] * len(before) for counts in seen)
    assert [lib.num_threads for lib in numpy_blas] == before


def test_thread_count_is_at_least_one(restore_threads):
    set_num_threads(0)
    assert get_num_threads() == 1


def _team_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("nn-conv team")]


def test_the_team_starts_with_two_threads_and_stops_with_one(restore_threads, monkeypatch):
    if not _backend.is_compiled():
        pytest.skip("the team serves the compiled kernels")
    monkeypatch.setattr(_threads, "MIN_PART_WORK", 1)
    layer = SpatialConvolution(3, 5, 3, 3)
    x = np.random.default_rng(0).standard_normal((8, 3, 9, 9))
    set_num_threads(2)
    layer.forward(x)
    assert len(_team_threads()) == 1
    set_num_threads(1)
    assert _team_threads() == []
    layer.forward(x)
    assert _team_threads() == []


def _convolve_in_child(queue) -> None:
    x = np.random.default_rng(0).standard_normal((8, 3, 9, 9))
    queue.put([SpatialConvolution(3, n_out, 3, 3).forward(x).shape for n_out in (5, 32)])


def test_a_forked_child_can_convolve_on_threads(restore_threads, monkeypatch):
    """The child of a fork has none of its parent's threads: it starts its own."""
    monkeypatch.setattr(_threads, "MIN_PART_WORK", 1)
    set_num_threads(2)
    x = np.random.default_rng(0).standard_normal((8, 3, 9, 9))
    for n_out in (5, 32):  # a per-example kernel's call, then a split call
        SpatialConvolution(3, n_out, 3, 3).forward(x)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_convolve_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == [(8, 5, 7, 7), (8, 32, 7, 7)]


def test_callers_on_several_threads_get_their_own_results(restore_threads, monkeypatch):
    """The team serves one call at a time; a call that finds it busy runs in its caller."""
    monkeypatch.setattr(_threads, "MIN_PART_WORK", 1)
    set_num_threads(2)
    rng = np.random.default_rng(3)
    layers = [SpatialConvolution(3, 4, 3, 3) for _ in range(4)]
    inputs = [rng.standard_normal((16, 3, 10, 10)) for _ in layers]
    expected = [layer.forward(x).copy() for layer, x in zip(layers, inputs, strict=True)]
    failures: list[str] = []

    def convolve(k: int) -> None:
        for _ in range(30):
            if not np.allclose(layers[k].forward(inputs[k]), expected[k], rtol=0, atol=1e-12):
                failures.append(f"caller {k}")

    callers = [threading.Thread(target=convolve, args=(k,)) for k in range(len(layers))]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert failures == []
