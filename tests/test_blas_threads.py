"""BLAS's thread count: one thread for small products, the user's count back afterwards."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from nncore import _blas
from nncore.plugin import blas_on_one_thread, matmul

threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture
def two_blas_threads():
    """numpy's BLAS on two threads for the test (as on a 2-core machine), restored after."""
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        yield [lib for lib in _blas_controllers()]


def _blas_controllers():
    return threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers


def _counts():
    return [lib.num_threads for lib in _blas_controllers()]


class Recorder:
    """A stand-in BLAS library that records the thread counts it is set to."""

    def __init__(self, threads: int) -> None:
        self.threads, self.calls = threads, []

    def get(self) -> int:
        return self.threads

    def set(self, n: int) -> None:
        self.calls.append(n)
        self.threads = n


@pytest.fixture
def recorder(monkeypatch):
    library = Recorder(2)
    monkeypatch.setattr(_blas, "_libraries", [(library.get, library.set)])
    monkeypatch.setattr(_blas, "_modules_seen", len(sys.modules))
    return library


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [
        ((50, 64), (64, 256)),  # small: one thread
        ((3, 4), (4, 5)),  # tiny: BLAS's own single-thread size
        ((300, 200), (200, 100)),  # large: BLAS's threads
        ((64, 256), (256,)),  # matrix-vector
        ((256,), (256, 64)),  # vector-matrix
        ((4, 20, 30), (4, 30, 10)),  # batched
        ((20, 30), (4, 30, 10)),  # broadcast
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matmul_is_numpys_product(a_shape, b_shape, dtype, two_blas_threads):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(a_shape).astype(dtype), rng.standard_normal(b_shape).astype(dtype)
    expected = np.einsum("...ij,...jk->...ik", np.atleast_2d(a), b if b.ndim > 1 else b[:, None])
    got = matmul(a, b)
    assert got.dtype == dtype
    tolerance = 1e-4 if dtype == np.float32 else 1e-11  # sums of up to 256 products
    np.testing.assert_allclose(
        got.reshape(expected.shape), expected, rtol=tolerance, atol=tolerance
    )
    assert _counts() == [2] * len(_counts())


def test_a_small_product_runs_on_one_thread_and_gives_the_count_back(recorder):
    matmul(np.ones((50, 64)), np.ones((64, 256)))  # 819,200 multiply-adds
    assert recorder.calls == [1, 2]


def test_a_large_product_keeps_the_threads(recorder):
    matmul(np.ones((512, 128)), np.ones((128, 256)))  # 16.8 million
    matmul(np.ones((8, 8)), np.ones((8, 8)))  # below OpenBLAS's own threshold
    matmul(np.ones((64, 64)), np.ones(64))  # 4,096: a single-thread matrix-vector product
    assert recorder.calls == []


def test_one_thread_chosen_by_the_user_is_left_alone(recorder):
    recorder.threads = 1
    matmul(np.ones((50, 64)), np.ones((64, 256)))
    with blas_on_one_thread():
        pass
    assert recorder.calls == []


def test_nested_and_concurrent_holds_share_one_hold(recorder):
    start, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with blas_on_one_thread():
            start.wait()
            release.wait()

    workers = [threading.Thread(target=hold) for _ in range(2)]
    for worker in workers:
        worker.start()
    start.wait()
    with blas_on_one_thread():
        matmul(np.ones((50, 64)), np.ones((64, 256)))
        assert recorder.threads == 1
    release.set()
    for worker in workers:
        worker.join()
    assert recorder.calls == [1, 2] and recorder.threads == 2


def test_the_count_comes_back_when_the_product_fails(recorder):
    with pytest.raises(ValueError):
        matmul(np.ones((50, 64)), np.ones((63, 256)))
    assert recorder.calls == [1, 2]


def test_real_blas_is_on_one_thread_inside_and_restored_after(two_blas_threads):
    if not _counts():
        pytest.skip("no BLAS library threadpoolctl can see")
    with blas_on_one_thread():
        assert _counts() == [1] * len(_counts())
        with blas_on_one_thread():
            assert _counts() == [1] * len(_counts())
        assert _counts() == [1] * len(_counts())
    assert _counts() == [2] * len(_counts())
