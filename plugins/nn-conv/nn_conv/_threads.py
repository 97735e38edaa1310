"""How nn-conv uses the cores: a batch split across threads, BLAS on one thread in each.

The layers' work is a chain of data-movement kernels and BLAS products per example.  Threading
the products alone (BLAS's own threads) pays poorly at these sizes: each product is split into
thin slices and the threads meet after every call.  So a large convolution splits its batch
into one contiguous part per thread instead, and each thread runs the whole chain on its
part: the kernels release the GIL, and numpy's BLAS is limited to one thread for the duration
(through ``threadpoolctl``, as numpy recommends), so that the parts do not fight over the cores.
Calls too small to pay for a thread hand-off run in the caller, and so do convolutions whose
GEMMs are thin (see ``_ops._gemm_parts``) and pooling: both are bound by memory traffic, and
on two threads they were measured no faster.

``NNCONV_NUM_THREADS`` sets the number of threads (default: the cores this process may use);
:func:`set_num_threads` changes it at run time.  One thread runs everything in the caller.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

#: below this many elements of work per part, a call is not split: a hand-off between threads
#: costs 30-100 us on a small VM
MIN_PART_WORK = 1 << 16


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _default_threads() -> int:
    try:
        return max(1, int(os.environ.get("NNCONV_NUM_THREADS") or _cores()))
    except ValueError:
        return _cores()


_threads = _default_threads()
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_blas: Any = None  # threadpoolctl's controller of the BLAS libraries, found on first use
_blas_users = 0  # split calls running now (they may overlap, from several caller threads)
_blas_threads: list[int] = []  # the BLAS libraries' thread counts before the first of them


def set_num_threads(n: int) -> None:
    """Split each large call across up to ``n`` threads (1: run everything in the caller)."""
    global _threads, _pool
    with _lock:
        _threads = max(1, int(n))
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def get_num_threads() -> int:
    return _threads


def parts(count: int, work_per_item: int) -> list[tuple[int, int]]:
    """``range(count)`` as contiguous ``(start, stop)`` parts, one per thread that pays off."""
    useful = max(1, min(_threads, count, (count * work_per_item) // MIN_PART_WORK))
    bounds = [count * k // useful for k in range(useful + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(useful)]


def run(body: Callable[[int, int, int], None], split: Sequence[tuple[int, int]]) -> None:
    """``body(start, stop, slot)`` for every part of ``split``, the parts on separate threads.

    ``slot`` numbers the parts from 0, so a body can keep per-part scratch buffers.  The
    caller's thread runs part 0; an exception in any part is raised here, after all finished.
    Unless everything runs on one thread, BLAS is held to one thread meanwhile, for a single
    part too: the products of these layers are small or thin, and BLAS's threads make them
    slower (its idle workers also spin for a while after each threaded call).
    """
    if _threads == 1:
        for slot, (start, stop) in enumerate(split):
            body(start, stop, slot)
        return
    _limit_blas()
    try:
        if len(split) == 1:
            body(*split[0], 0)
            return
        pool = _worker_pool()
        futures: list[Future] = [
            pool.submit(body, start, stop, slot)
            for slot, (start, stop) in enumerate(split)
            if slot > 0
        ]
        try:
            body(*split[0], 0)
        finally:
            errors = [f.exception() for f in futures]
        for error in errors:
            if error is not None:
                raise error
    finally:
        _restore_blas()


def _worker_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max(1, _threads - 1), thread_name_prefix="nn-conv")
        return _pool


def _limit_blas() -> None:
    """BLAS on one thread while any split call runs."""
    global _blas, _blas_users, _blas_threads
    with _lock:
        if _blas is None:
            _blas = _blas_controller()
        if _blas_users == 0 and _blas is not False:
            _blas_threads = [lib.num_threads for lib in _blas.lib_controllers]
            for lib in _blas.lib_controllers:
                lib.set_num_threads(1)
        _blas_users += 1


def _restore_blas() -> None:
    global _blas_users
    with _lock:
        _blas_users -= 1
        if _blas_users == 0 and _blas is not False:
            for lib, count in zip(_blas.lib_controllers, _blas_threads, strict=True):
                lib.set_num_threads(count)


def _blas_controller() -> Any:
    """threadpoolctl's handle on the loaded BLAS libraries, or False without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return False
    import numpy  # noqa: F401  (its BLAS must be loaded to be found)

    return ThreadpoolController().select(user_api="blas")
