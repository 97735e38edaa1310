"""How nn-optim uses the cores: a long element-wise update shared by threads, a range each.

numpy's ufuncs compute on one thread, but they release the GIL while they loop over a block of
elements, so threads that run the same update over different ranges of the flat vectors compute
at the same time.  :func:`split` cuts ``range(size)`` into one contiguous part per thread (on
block boundaries: each thread then meets the very blocks the caller would have, and the numbers
are the same bit for bit); :func:`run` runs a body over the parts, the caller taking the first
and a persistent pool of worker threads the others.

A hand-off to a sleeping thread costs tens of microseconds, so a vector shorter than two
``MIN_PART`` runs in the caller.  ``NNOPTIM_NUM_THREADS`` sets the number of threads (default:
the cores this process may use); :func:`set_num_threads` changes it at run time, and one thread
runs everything in the caller.  A forked child starts without workers and makes its own.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
from collections.abc import Callable, Sequence

from nncore.plugin import default_threads

#: elements of the smallest part worth a thread of its own (16 blocks of 65,536 at first)
MIN_PART = 1 << 20

Part = tuple[int, int]
Body = Callable[[int, int], None]
Done = queue.SimpleQueue[tuple[int, BaseException | None]]  # (part, its error or None)
Job = tuple[contextvars.Context, Body, Part, int, Done]


_threads = default_threads("NNOPTIM_NUM_THREADS")
_lock = threading.Lock()
_workers: list[queue.SimpleQueue[Job | None]] = []  # each worker's queue of jobs
_local = threading.local()  # ``_local.worker`` is True in the pool's own threads


def set_num_threads(n: int) -> None:
    """Share each long update across up to ``n`` threads (1: run everything in the caller)."""
    global _threads
    with _lock:
        _threads = max(1, int(n))
        for jobs in _workers[_threads - 1 :]:
            jobs.put(None)  # the worker returns
        del _workers[_threads - 1 :]


def get_num_threads() -> int:
    """How many threads a long update is shared across."""
    return _threads


def split(size: int, grain: int) -> list[Part]:
    """``range(size)`` as contiguous ``(start, stop)`` parts, one per thread that pays off,
    every bound but the last a multiple of ``grain``.  In a worker thread: one part."""
    grains = -(-size // grain)
    useful = max(1, min(_threads, size // MIN_PART, grains))
    if getattr(_local, "worker", False):
        useful = 1  # a body that splits again runs where it is, never waits on the pool
    bounds = [min(size, grains * k // useful * grain) for k in range(useful + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(useful)]


def run(body: Body, parts: Sequence[Part]) -> None:
    """``body(start, stop)`` for every part, the caller's thread taking the first.

    The workers run in a copy of the caller's context (numpy's ``errstate`` holds there).  All
    parts finish before this returns; then the exception of the first part that raised one, if
    any, is raised here.
    """
    if len(parts) == 1:
        body(*parts[0])
        return
    done: Done = queue.SimpleQueue()
    for k, jobs in enumerate(_pool(len(parts) - 1), 1):
        jobs.put((contextvars.copy_context(), body, parts[k], k, done))
    errors: list[BaseException | None] = [None] * len(parts)
    try:
        body(*parts[0])
    except BaseException as error:  # raised once the other parts are done with the arrays
        errors[0] = error
    for _ in range(len(parts) - 1):
        k, raised = done.get()
        errors[k] = raised
    first = next((e for e in errors if e is not None), None)
    if first is not None:
        raise first


def _pool(workers: int) -> list[queue.SimpleQueue[Job | None]]:
    """The job queues of ``workers`` worker threads, started as needed."""
    with _lock:
        while len(_workers) < workers:
            jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
            name = f"nn-optim worker {len(_workers) + 1}"
            threading.Thread(target=_serve, args=(jobs,), name=name, daemon=True).start()
            _workers.append(jobs)
        return _workers[:workers]


def _serve(jobs: queue.SimpleQueue[Job | None]) -> None:
    _local.worker = True
    while (job := jobs.get()) is not None:
        context, body, (start, stop), k, done = job
        try:
            context.run(body, start, stop)
        except BaseException as error:
            done.put((k, error))
        else:
            done.put((k, None))
        del job, context, body  # no reference to the caller's arrays while idle


def _forget_workers_after_fork() -> None:
    """A forked child has only the thread that forked: its workers start afresh."""
    global _lock
    _lock = threading.Lock()
    _workers.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_workers_after_fork)
