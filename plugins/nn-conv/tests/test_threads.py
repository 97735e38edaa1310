"""Large convolutions split across threads give the single-thread results."""

from __future__ import annotations

import numpy as np
import pytest
from nn_conv import _threads, get_num_threads, set_num_threads
from nn_conv.spatial_convolution import SpatialConvolution
from nn_conv.spatial_full_convolution import SpatialFullConvolution

LAYERS = {
    "im2col": lambda: SpatialConvolution(3, 32, 3, 3, 1, 1, 1, 1),
    "im2col, thin (not split)": lambda: SpatialConvolution(3, 5, 3, 3, 1, 1, 1, 1),
    "winograd": lambda: SpatialConvolution(16, 16, 3, 3, 1, 1, 1, 1),
    "strided": lambda: SpatialConvolution(3, 32, 5, 5, 2, 2),
    "full": lambda: SpatialFullConvolution(32, 4, 3, 3, 2, 2, 1, 1, 1, 1),
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
