"""How nn-conv uses the cores: a batch shared by a team of threads, BLAS on one thread in each.

The layers' work is a chain of data-movement kernels and BLAS products per example.  Threading
the products alone (BLAS's own threads) pays poorly at these sizes: each product is split into
thin slices and the threads meet after every call.  So the batch is shared instead, and each
thread runs the whole chain on its examples, with numpy's BLAS limited to one thread for the
duration (through ``threadpoolctl``, as numpy recommends) so that the threads do not fight
over the cores.

Every shared call goes to one *team* of worker threads (compiled: ``_team.pyx``).  The calls
are short (a LeNet layer takes well under a millisecond), so waking a sleeping thread for each
one (30-100 us on a small VM) would eat the gain: the workers spin for ``SPIN_SECONDS`` after
each call, without the GIL and yielding the core to anyone who wants it, and claim work as
soon as a call publishes it.  A yield that takes long shows the cores are oversubscribed
(another process was waiting for them): the worker then sleeps at once instead of spinning
on.  Two kinds of call use it:

* convolutions with few output planes run in compiled kernels that take one example at a time
  (``conv2d_gemm_*``); the team's threads claim runs of examples (:func:`team`);
* larger convolutions split the batch into one contiguous part per thread, each thread running
  the whole chain of kernels and GEMMs on its part (:func:`run`).

Calls too small to pay for a second thread run in the caller, and so does pooling: bound by
memory traffic, it was measured no faster on two threads.  Without the compiled extensions
(the numpy twins) there is no team, and every call runs in its caller.

``NNCONV_NUM_THREADS`` sets the number of threads (default: the cores this process may use);
:func:`set_num_threads` changes it at run time.  One thread runs everything in the caller.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence

from nncore.plugin import blas_on_one_thread, default_threads

from . import _backend

#: below this many elements of work per part, a call is not split: a hand-off between threads
#: costs 30-100 us on a small VM
MIN_PART_WORK = 1 << 16
#: how long a team worker spins for the next call before it sleeps (a LeNet training step
#: calls its convolutions a millisecond or so apart)
SPIN_SECONDS = 0.005


_threads = default_threads("NNCONV_NUM_THREADS")
_lock = threading.Lock()
_team_workers: list[threading.Thread] = []  # worker k serves slot k + 1 (slot 0: the caller)
_team_wakers: list[threading.Semaphore] = []
_team_asleep: set[int] = set()  # slots whose worker waits on its semaphore
_team_wakes = 0  # calls of _wake_team so far: a worker about to sleep checks none came


def set_num_threads(n: int) -> None:
    """Share each large call across up to ``n`` threads (1: run everything in the caller)."""
    global _threads
    _stop_team()
    with _lock:
        _threads = max(1, int(n))


def get_num_threads() -> int:
    """How many threads a large call is shared across."""
    return _threads


def parts(count: int, work_per_item: int) -> list[tuple[int, int]]:
    """``range(count)`` as contiguous ``(start, stop)`` parts, one per thread that pays off."""
    useful = max(1, min(_threads, count, (count * work_per_item) // MIN_PART_WORK))
    bounds = [count * k // useful for k in range(useful + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(useful)]


def run(body: Callable[[int, int, int], None], split: Sequence[tuple[int, int]]) -> None:
    """``body(start, stop, slot)`` for every part of ``split``, the parts shared by the team.

    ``slot`` numbers the parts from 0, so a body can keep per-part scratch buffers.  The
    caller's thread takes part 0 (and any part no worker has claimed yet); an exception in
    any part is raised here, after all finished.  Unless everything runs on one thread, BLAS
    is held to one thread meanwhile, for a single part too: the products of these layers are
    small or thin, and BLAS's threads make them slower (its idle workers also spin for a
    while after each threaded call).
    """
    with _blas_on_one_thread():
        if _threads == 1 or len(split) == 1 or _backend.team is None:
            for slot, (start, stop) in enumerate(split):
                body(start, stop, slot)
            return
        _wake_team(len(split) - 1)
        _backend.team.run_parts(body, list(split), len(split))


@contextlib.contextmanager
def team(count: int, work_per_item: int) -> Iterator[int]:
    """The number of threads (the caller's included) that share a call of a per-example
    kernel over ``count`` items; the team's workers are started or woken for it, and BLAS
    is held to one thread meanwhile."""
    slots = len(parts(count, work_per_item))
    if slots > 1 and _backend.team is not None:
        _wake_team(slots - 1)
    with _blas_on_one_thread():
        yield slots


def _wake_team(workers: int) -> None:
    global _team_wakes
    with _lock:
        _team_wakes += 1
        while len(_team_workers) < workers:
            slot = len(_team_workers) + 1
            waker = threading.Semaphore(0)
            worker = threading.Thread(
                target=_serve, args=(slot, waker), name=f"nn-conv team {slot}", daemon=True
            )
            _team_wakers.append(waker)
            _team_workers.append(worker)
            worker.start()
        for slot in _team_asleep:
            _team_wakers[slot - 1].release()
        _team_asleep.clear()


def _serve(slot: int, waker: threading.Semaphore) -> None:
    """A team worker: spin for calls; sleep once none came for ``SPIN_SECONDS`` (or at once
    when the cores are oversubscribed).

    A call may wake the team just as this worker stops spinning, before it is listed as
    asleep: the wake would then be lost (and the worker miss the call), so the worker only
    goes to sleep if no wake came since it started spinning."""
    team = _backend.team
    assert team is not None  # workers are only started for the compiled team
    while True:
        with _lock:
            wakes_seen = _team_wakes
        if not team.serve(slot, SPIN_SECONDS):
            return
        with _lock:
            if _team_wakes != wakes_seen:
                continue
            _team_asleep.add(slot)
        waker.acquire()


def _stop_team() -> None:
    team = _backend.team
    if team is None:
        return
    with _lock:
        workers = list(_team_workers)
        team.stop_workers(True)
        for waker in _team_wakers:
            waker.release()
    for worker in workers:
        worker.join()
    with _lock:
        _team_workers.clear()
        _team_wakers.clear()
        _team_asleep.clear()
        team.stop_workers(False)


def _forget_threads_after_fork() -> None:
    """A child process has only the thread that forked: start afresh."""
    global _lock
    _lock = threading.Lock()
    _team_workers.clear()
    _team_wakers.clear()
    _team_asleep.clear()
    if _backend.team is not None:
        _backend.team.reset_team()


os.register_at_fork(after_in_child=_forget_threads_after_fork)
atexit.register(_stop_team)


def _blas_on_one_thread() -> contextlib.AbstractContextManager[None]:
    """BLAS on one thread while any call runs, unless nn-conv itself runs on one thread."""
    return contextlib.nullcontext() if _threads == 1 else blas_on_one_thread()
