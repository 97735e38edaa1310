"""BLAS's own threads: held to one for products too small to pay for them.

OpenBLAS (numpy's BLAS) splits every product above about 260,000 multiply-adds across all its
threads.  For the products of small networks (a batch of 50 through a 64 -> 256 ``Linear`` is
820,000) a second thread buys 10-20% of wall time for twice the CPU time when the machine is
idle, and costs several times the whole step when another process wants the cores: the
threads wait for each other on a core that is not theirs.  So products below
:data:`SMALL_PRODUCT` multiply-adds run on one BLAS thread, and a plugin's own parallel code
holds BLAS to one thread while it runs (:func:`blas_on_one_thread`).

The thread count is changed through threadpoolctl's handle on each loaded BLAS library (about
a microsecond a call) and put back when the last caller leaves, so a user's own products
between calls keep the count the user chose.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

#: products with fewer multiply-adds run on one BLAS thread (see the module docstring; on a
#: 2-core VM one thread is within 20% of two up to 4 million, and 1.7x slower at 13 million)
SMALL_PRODUCT = 1 << 22

#: OpenBLAS runs smaller products on one thread by itself (its ``GEMM_MULTITHREAD_THRESHOLD``
#: times 65,536 for a matrix product, 4 times 2,304 for a matrix-vector one)
_ALREADY_ONE_THREAD = 1 << 18
_ALREADY_ONE_THREAD_VECTOR = 4 * 2304

_lock = threading.Lock()
_libraries: list[tuple[Callable[[], int], Callable[[int], Any]]] = []
_modules_seen = -1  # len(sys.modules) when the libraries were last looked for
_users = 0  # callers inside blas_on_one_thread now
#: each held library's ``set_num_threads`` and its thread count before the hold
_held: list[tuple[Callable[[int], Any], int]] = []


def _blas_libraries() -> list[tuple[Callable[[], int], Callable[[int], Any]]]:
    """``(get_num_threads, set_num_threads)`` of each loaded BLAS library (none without
    threadpoolctl): OpenBLAS's own functions where it runs its own threads (a tenth of a
    microsecond a call), threadpoolctl's methods otherwise.

    They are looked for again after any import (a plugin may load another BLAS, as scipy
    does); a training loop imports nothing, and the search (under a millisecond) is not
    repeated.
    """
    global _libraries, _modules_seen
    if len(sys.modules) != _modules_seen:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - a dependency; kept optional for vendors
            _libraries = []
        else:
            controllers = ThreadpoolController().select(user_api="blas").lib_controllers
            _libraries = [_functions(controller) for controller in controllers]
        _modules_seen = len(sys.modules)
    return _libraries


def _functions(controller: Any) -> tuple[Callable[[], int], Callable[[int], Any]]:
    if controller.internal_api == "openblas" and controller.threading_layer == "pthreads":
        # OpenBLAS's own symbols, under the names its builds export (scipy's wheels prefix
        # them, 64-bit-integer builds add a suffix)
        for prefix, suffix in itertools.product(("", "scipy_"), ("", "64_", "_64")):
            get = getattr(controller.dynlib, f"{prefix}openblas_get_num_threads{suffix}", None)
            put = getattr(controller.dynlib, f"{prefix}openblas_set_num_threads{suffix}", None)
            if get is not None and put is not None:
                return get, put
    return controller.get_num_threads, controller.set_num_threads


def _enter() -> None:
    global _users, _held
    with _lock:
        if _users == 0:
            _held = [(set_threads, get()) for get, set_threads in _blas_libraries()]
            for set_threads, count in _held:
                if count != 1:
                    set_threads(1)
        _users += 1


def _leave() -> None:
    global _users
    with _lock:
        _users -= 1
        if _users == 0:
            for set_threads, count in _held:
                if count != 1:
                    set_threads(count)


@contextlib.contextmanager
def blas_on_one_thread() -> Iterator[None]:
    """Hold every loaded BLAS library to one thread while the block runs (nested and
    concurrent blocks share one hold; the counts come back when the last one leaves).

    For a plugin's own parallel code, whose threads each call BLAS: its threads and BLAS's
    would otherwise compete for the same cores.
    """
    _enter()
    try:
        yield
    finally:
        _leave()


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``, on one BLAS thread when it takes fewer than :data:`SMALL_PRODUCT`
    multiply-adds (the same result: only the number of threads differs).

    >>> matmul(np.ones((2, 3)), np.ones((3, 4))).shape
    (2, 4)
    """
    vector = a.ndim < 2 or b.ndim < 2  # (numpy itself refuses a 0-d operand)
    # multiply-adds: either operand's size times the other's free dimension (the larger when
    # one operand is broadcast over the other's batch)
    work = a.size if vector else max(a.size * b.shape[-1], b.size * a.shape[-2])
    if work >= SMALL_PRODUCT or work <= (
        _ALREADY_ONE_THREAD_VECTOR if vector else _ALREADY_ONE_THREAD
    ):
        return a @ b
    _enter()
    try:
        return a @ b
    finally:
        _leave()


def _forget_after_fork() -> None:
    """A child process has only the thread that forked: nobody holds BLAS there."""
    global _lock, _users
    _lock = threading.Lock()
    _users = 0


os.register_at_fork(after_in_child=_forget_after_fork)
