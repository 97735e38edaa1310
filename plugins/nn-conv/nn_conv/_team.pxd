# The team of threads that share a call (implemented in _team.pyx, cimported by the kernels
# that share their examples with it; Python's side is nn_conv._threads).

#: one item of a round: ``task(job, item, slot)``; ``slot`` numbers the thread (0 is the
#: caller) so that the task can use per-thread scratch space
ctypedef void (*ItemTask)(void* job, Py_ssize_t item, int slot) noexcept nogil

#: hold the team for one call; false when another caller holds it (that call then runs alone)
cdef bint take_team() noexcept nogil
#: ``nbytes`` of the held team's scratch space, kept from call to call; NULL when out of memory
cdef char* team_scratch(size_t nbytes) noexcept nogil
cdef void give_back_team() noexcept nogil
#: ``task(job, item, slot)`` for every item below ``count``, shared with the spinning workers
#: when ``slots > 1`` (the caller holds the team), else all in the caller
cdef void run_round(ItemTask task, void* job, Py_ssize_t count, int slots) noexcept nogil
