# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""A team of threads that share the items of one call: nn-conv's only way to use more cores.

The caller publishes a *round* (a task and a count of items) and works on it itself; workers
that spin nearby (:func:`serve`) claim runs of items with an atomic counter, so a worker that
wakes late only takes what is left.  A round of compiled tasks (the per-example convolutions,
``_team.pxd``) runs without the GIL from start to end, and joining a spinning worker costs
about a microsecond instead of a thread wake-up (30-100 us on a small VM).  A round of Python
parts (:func:`run_parts`) takes the GIL for each part; its numpy calls and kernels release it.
Starting, waking and stopping the worker threads is Python's job (``nn_conv._threads``).
"""

from cpython.ref cimport PyObject
from libc.stdint cimport uint64_t
from libc.stdlib cimport free, realloc
from posix.time cimport CLOCK_MONOTONIC, clock_gettime, timespec

cdef extern from *:
    """
    #include <sched.h>
    #if defined(__x86_64__) || defined(__i386__)
    #define NNCONV_PAUSE() __builtin_ia32_pause()
    #else
    #define NNCONV_PAUSE() ((void)0)
    #endif
    #define NNCONV_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
    #define NNCONV_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
    #define NNCONV_ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_ACQ_REL)
    /* Move *counter from `seen` to `seen + n`; false if another thread moved it first. */
    static inline int nnconv_claim(uint64_t* counter, uint64_t seen, uint64_t n) {
        return __atomic_compare_exchange_n(counter, &seen, seen + n, 0, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE);
    }
    /* Take the flag from 0 to 1; false if it was taken. */
    static inline int nnconv_take(int* flag) {
        int expected = 0;
        return __atomic_compare_exchange_n(flag, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE);
    }
    """
    void NNCONV_PAUSE() nogil
    uint64_t _load_u64 "NNCONV_LOAD"(uint64_t* address) nogil
    Py_ssize_t _load_size "NNCONV_LOAD"(Py_ssize_t* address) nogil
    int _load_int "NNCONV_LOAD"(int* address) nogil
    void* _load_pointer "NNCONV_LOAD"(void** address) nogil
    void _store_u64 "NNCONV_STORE"(uint64_t* address, uint64_t value) nogil
    void _store_size "NNCONV_STORE"(Py_ssize_t* address, Py_ssize_t value) nogil
    void _store_int "NNCONV_STORE"(int* address, int value) nogil
    void _store_pointer "NNCONV_STORE"(void** address, void* value) nogil
    Py_ssize_t _add_size "NNCONV_ADD"(Py_ssize_t* address, Py_ssize_t value) nogil
    bint nnconv_claim(uint64_t* counter, uint64_t seen, uint64_t n) nogil
    bint nnconv_take(int* flag) nogil
    int sched_yield() nogil

#: the low 32 bits of ``Team.next`` are the next item to claim; this value closes a round
cdef uint64_t _CLOSED = 0xFFFFFFFF
#: spins between two offers of the core to other threads (sched_yield)
cdef int _SPINS_PER_YIELD = 64


cdef struct Team:
    uint64_t next  # (round << 32) | next item; rounds never repeat, so a stale claim fails
    Py_ssize_t done  # items of this round finished
    void* task  # the ItemTask (stored as a plain pointer for the atomic accesses)
    void* job
    Py_ssize_t count
    Py_ssize_t chunk  # items per claim
    int slots  # threads this round has scratch space for
    int busy  # a caller is running a round (others run their call on their own)
    int stop  # workers return from serve()


cdef Team _team
_team.next = _CLOSED


cdef bint _work(int slot) noexcept nogil:
    """Run items of the open round until none is left; whether any was run.

    Items are claimed in runs of ``Team.chunk``: the threads then write neighbouring items'
    outputs only at run boundaries (no cache line bounces between them), and as the caller
    always claims first, each thread tends to get the same runs in every call (the columns a
    forward pass kept are then still in its cache for the weight gradient)."""
    cdef uint64_t seen
    cdef Py_ssize_t first, last, count, item
    cdef bint worked = False
    cdef ItemTask task
    cdef void* job
    while True:
        seen = _load_u64(&_team.next)
        first = <Py_ssize_t> (seen & _CLOSED)
        # read before the claim: if the round changed meanwhile, the claim fails
        task = <ItemTask> _load_pointer(&_team.task)
        job = _load_pointer(&_team.job)
        count = _load_size(&_team.count)
        if first >= count or slot >= _load_int(&_team.slots):
            return worked
        last = min(first + _load_size(&_team.chunk), count)
        if not nnconv_claim(&_team.next, seen, last - first):
            continue
        for item in range(first, last):
            task(job, item, slot)
        _add_size(&_team.done, last - first)
        worked = True


cdef void run_round(ItemTask task, void* job, Py_ssize_t count, int slots) noexcept nogil:
    cdef Py_ssize_t item
    cdef uint64_t round_
    cdef int spins = 0
    if slots <= 1 or count <= 1:
        for item in range(count):
            task(job, item, 0)
        return
    round_ = (_load_u64(&_team.next) >> 32) + 1
    _store_pointer(&_team.task, <void*> task)
    _store_pointer(&_team.job, job)
    _store_size(&_team.count, count)
    _store_size(&_team.chunk, max(1, count // (2 * slots)))
    _store_int(&_team.slots, slots)
    _store_size(&_team.done, 0)
    _store_u64(&_team.next, round_ << 32)  # opens the round
    _work(0)
    while _load_size(&_team.done) < count:
        NNCONV_PAUSE()
        spins += 1
        if spins % _SPINS_PER_YIELD == 0:  # a worker may be on a long part
            sched_yield()
    _store_u64(&_team.next, (round_ << 32) | _CLOSED)


# The team's scratch space, reused from call to call: allocating it per call costs page faults
# and, when it is returned to the system while the other core runs, a TLB shootdown.
cdef char* _team_scratch = NULL
cdef size_t _team_scratch_bytes = 0
#: scratch space up to this size stays with the team after a call
cdef size_t _KEEP_SCRATCH_BYTES = 16 << 20


cdef bint take_team() noexcept nogil:
    return nnconv_take(&_team.busy)


cdef char* team_scratch(size_t nbytes) noexcept nogil:
    global _team_scratch, _team_scratch_bytes
    cdef char* grown
    if nbytes > _team_scratch_bytes:
        grown = <char*> realloc(_team_scratch, nbytes)
        if grown == NULL:
            return NULL
        _team_scratch, _team_scratch_bytes = grown, nbytes
    return _team_scratch


cdef void give_back_team() noexcept nogil:
    global _team_scratch, _team_scratch_bytes
    if _team_scratch_bytes > _KEEP_SCRATCH_BYTES:
        free(_team_scratch)
        _team_scratch, _team_scratch_bytes = NULL, 0
    _store_int(&_team.busy, 0)


cdef struct PartsJob:
    # a round of Python parts: ``body(start, stop, part)`` for each ``(start, stop)`` of
    # ``parts``; an exception is kept in ``errors[part]``
    PyObject* body
    PyObject* parts
    PyObject* errors


cdef void _run_part(void* job, Py_ssize_t part, int slot) noexcept nogil:
    cdef PartsJob* round_ = <PartsJob*> job
    with gil:
        try:
            start, stop = (<list> round_.parts)[part]
            (<object> round_.body)(start, stop, part)
        except BaseException as error:
            (<list> round_.errors)[part] = error


def run_parts(body, list parts, int threads):
    """``body(start, stop, part)`` for every ``(start, stop)`` of ``parts`` (``part`` numbers
    them from 0), shared by up to ``threads`` threads of the team; the caller runs the first.

    An exception in any part is raised here, after all finished (the first by part).  When
    another caller holds the team, every part runs in this caller.
    """
    cdef list errors = [None] * len(parts)
    cdef PartsJob job
    job.body, job.parts, job.errors = <PyObject*> body, <PyObject*> parts, <PyObject*> errors
    cdef Py_ssize_t count = len(parts)
    cdef bint team
    with nogil:
        team = take_team()
        run_round(_run_part, &job, count, min(threads, count) if team else 1)
        if team:
            give_back_team()
    for error in errors:
        if error is not None:
            raise error


cdef double _now() noexcept nogil:
    cdef timespec t
    clock_gettime(CLOCK_MONOTONIC, &t)
    return t.tv_sec + 1e-9 * t.tv_nsec


#: a sched_yield that returns this much later (seconds) gave the core to another process or
#: thread for a time slice: the cores are oversubscribed, and a worker spinning on would take
#: time from whoever else wants them (a char-rnn iteration beside one busy process slowed 6-17x)
cdef double _CONTENDED_YIELD = 200e-6


def serve(int slot, double spin_seconds):
    """Work on rounds as thread ``slot`` until none came for ``spin_seconds``, or until a
    yield of the core shows another thread was waiting for it: True then, False once
    :func:`stop_workers` was called.  Runs without the GIL; spinning yields the core to any
    other runnable thread."""
    if slot < 1:
        raise ValueError("slot 0 is the caller's")
    cdef double idle_since, before, now
    cdef int spins = 0
    with nogil:
        idle_since = _now()
        while not _load_int(&_team.stop):
            if _work(slot):
                idle_since = _now()
                continue
            NNCONV_PAUSE()
            spins += 1
            if spins % _SPINS_PER_YIELD == 0:
                before = _now()
                sched_yield()
                now = _now()
                if now - idle_since > spin_seconds or now - before > _CONTENDED_YIELD:
                    break  # back off: sleep until the next call wakes this worker
    return not _load_int(&_team.stop)


def stop_workers(bint stop=True):
    """Make every serve() return False (``stop=False`` lets new workers serve again)."""
    _store_int(&_team.stop, 1 if stop else 0)


def reset_team():
    """Forget a round in progress: for a child process after fork, which has no workers."""
    _team.next = _CLOSED
    _team.busy = 0
    _team.stop = 0
