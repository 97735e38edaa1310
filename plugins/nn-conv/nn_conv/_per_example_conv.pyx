# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled convolutions that take one example at a time (for few output planes).
Numpy twin: ``nn_conv._per_example_conv_numpy``.

Per example, the columns go from the copy into BLAS (scipy's Cython BLAS, without the GIL)
while they are still in cache, and no layout swap is needed; the weight gradient takes groups
of examples so that BLAS gets a long reduction.  The examples of a call are shared by the team
of threads (``_team.pyx``).  Layouts as in ``_im2col.pyx``: ``out`` and the output gradient are
``(B, n_out, out_h * out_w)``, ``weight`` is ``(n_out, C * kh * kw)``.

Bounds checking is off: every shape is checked before the loops that use it.
"""

from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from cython cimport floating

from nn_conv._blas cimport BLAS_INT_MAX, gemm
from nn_conv._checks cimport bias_view, check_geometry, check_unit_stride
from nn_conv._taps cimport Tap, add_row, fill_row, plan_taps
from nn_conv._team cimport ItemTask, give_back_team, run_round, take_team, team_scratch

#: the weight gradient's GEMMs take groups of examples of about this many bytes of operands
cdef Py_ssize_t _GROUP_BYTES = 128 * 1024


ctypedef struct ConvJob:
    # one call of a per-example kernel: raw pointers into the caller's arrays (which outlive
    # the call), the plan of the columns, and per-thread scratch space
    const char* image  # (B, C, H, W), or the output gradient (B, n_out, P)
    const char* weight  # (n_out, K)
    const char* bias  # (n_out,) or NULL
    const char* grad  # (B, n_out, P): the output gradient of the weight-gradient kernel
    char* out  # (B, n_out, P) or the input gradient (B, C, H, W)
    char* kept  # (K, B, P) columns left for the weight gradient, or NULL
    Py_ssize_t kept_stride  # elements between rows of ``kept``
    char* scratch  # per slot: K * P columns, then (weight gradient) n_out * K sums
    Py_ssize_t scratch_size  # elements per slot
    int slots  # threads the call is shared by
    bint team  # the scratch space is the team's (and the caller holds the team)
    Tap* taps
    Py_ssize_t batch, group  # examples, and examples per item of the weight gradient's round
    Py_ssize_t channels, height, width, n_out, rows, positions
    int sh, sw, out_h, out_w


cdef floating* _columns_of(ConvJob* job, Py_ssize_t b, int slot, floating kind) noexcept nogil:
    """Where example ``b``'s columns go: its place in the kept buffer, else the slot's scratch."""
    if job.kept != NULL:
        return <floating*> job.kept + b * job.positions
    return <floating*> job.scratch + slot * job.scratch_size


cdef int _row_stride(ConvJob* job) noexcept nogil:
    return job.kept_stride if job.kept != NULL else job.positions


cdef void _fill_columns(ConvJob* job, Py_ssize_t b, floating* columns, floating kind) noexcept nogil:
    cdef Py_ssize_t r, ld = _row_stride(job)
    cdef const floating* image = <const floating*> job.image + b * job.channels * job.height * job.width
    for r in range(job.rows):
        fill_row(columns + r * ld, image + job.taps[r].channel * job.height * job.width,
                  &job.taps[r], job.width, job.sh, job.sw, job.out_h, job.out_w)


cdef void _forward_example(ConvJob* job, Py_ssize_t b, int slot, floating kind) noexcept nogil:
    cdef floating* columns = _columns_of(job, b, slot, kind)
    cdef floating* out = <floating*> job.out + b * job.n_out * job.positions
    cdef const floating* bias = <const floating*> job.bias
    cdef Py_ssize_t o, p
    _fill_columns(job, b, columns, kind)
    for o in range(job.n_out):
        for p in range(job.positions):
            out[o * job.positions + p] = bias[o] if bias != NULL else 0
    if job.rows > 0 and job.n_out > 0 and job.positions > 0:
        gemm(b"N", b"N", job.positions, job.n_out, job.rows, columns, _row_stride(job),
              <const floating*> job.weight, job.rows, 1, out, job.positions)


cdef void _backward_input_example(ConvJob* job, Py_ssize_t b, int slot,
                                  floating kind) noexcept nogil:
    cdef floating* columns = <floating*> job.scratch + slot * job.scratch_size
    cdef Py_ssize_t plane = job.height * job.width, r
    cdef floating* grad_in = <floating*> job.out + b * job.channels * plane
    memset(grad_in, 0, job.channels * plane * sizeof(floating))
    if job.rows == 0 or job.n_out == 0 or job.positions == 0:
        return
    gemm(b"N", b"T", job.positions, job.rows, job.n_out,
          <const floating*> job.image + b * job.n_out * job.positions, job.positions,
          <const floating*> job.weight, job.rows, 0, columns, job.positions)
    for r in range(job.rows):
        add_row(columns + r * job.positions, grad_in + job.taps[r].channel * plane, &job.taps[r],
                 job.width, job.sh, job.sw, job.out_w)


cdef void _backward_weight_group(ConvJob* job, Py_ssize_t group, int slot,
                                 floating kind) noexcept nogil:
    # examples first:first+n form one GEMM with a long reduction (n * P): per example it
    # would be too short for BLAS to run well
    cdef Py_ssize_t first = group * job.group, n = min(job.group, job.batch - first)
    cdef Py_ssize_t length = n * job.positions, e, o, r, ld
    cdef floating* area = <floating*> job.scratch + slot * job.scratch_size
    cdef floating* columns
    cdef floating* grads = area + (0 if job.kept != NULL else job.rows * job.group * job.positions)
    cdef floating* sums = grads + job.n_out * job.group * job.positions
    cdef const floating* image
    cdef const floating* grad = <const floating*> job.grad
    cdef Py_ssize_t plane = job.height * job.width
    if job.kept != NULL:
        columns, ld = <floating*> job.kept + first * job.positions, job.kept_stride
    else:
        columns, ld = area, length
        for e in range(n):
            image = <const floating*> job.image + (first + e) * job.channels * plane
            for r in range(job.rows):
                fill_row(columns + r * ld + e * job.positions,
                          image + job.taps[r].channel * plane, &job.taps[r], job.width, job.sh,
                          job.sw, job.out_h, job.out_w)
    for e in range(n):  # (n, n_out, P) -> (n_out, n * P)
        for o in range(job.n_out):
            memcpy(grads + o * length + e * job.positions,
                   grad + ((first + e) * job.n_out + o) * job.positions,
                   job.positions * sizeof(floating))
    # sums (rows, n_out) += columns (rows, length) @ grads.T: BLAS runs the long reduction
    # faster with the thin operand first
    gemm(b"T", b"N", job.n_out, job.rows, length, grads, length, columns, ld, 1, sums,
          job.n_out)


# the tasks a team runs, one per kernel and element type
cdef void _forward_float(void* job, Py_ssize_t b, int slot) noexcept nogil:
    _forward_example(<ConvJob*> job, b, slot, <float> 0)
cdef void _forward_double(void* job, Py_ssize_t b, int slot) noexcept nogil:
    _forward_example(<ConvJob*> job, b, slot, <double> 0)
cdef void _backward_input_float(void* job, Py_ssize_t b, int slot) noexcept nogil:
    _backward_input_example(<ConvJob*> job, b, slot, <float> 0)
cdef void _backward_input_double(void* job, Py_ssize_t b, int slot) noexcept nogil:
    _backward_input_example(<ConvJob*> job, b, slot, <double> 0)
cdef void _backward_weight_float(void* job, Py_ssize_t group, int slot) noexcept nogil:
    _backward_weight_group(<ConvJob*> job, group, slot, <float> 0)
cdef void _backward_weight_double(void* job, Py_ssize_t group, int slot) noexcept nogil:
    _backward_weight_group(<ConvJob*> job, group, slot, <double> 0)


cdef ConvJob _conv_job(Py_ssize_t batch, Py_ssize_t channels, Py_ssize_t height, Py_ssize_t width,
                       Py_ssize_t n_out, Py_ssize_t weight_out, Py_ssize_t weight_rows, int kh,
                       int kw, int sh, int sw, int ph, int pw, int dh, int dw, int out_h,
                       int out_w) except *:
    """Check the shapes a per-example kernel gets and describe its call (taps not planned yet)."""
    check_geometry(kh, kw, sh, sw, dh, dw, out_h, out_w)
    cdef ConvJob job
    memset(&job, 0, sizeof(ConvJob))
    job.batch, job.group = batch, 1
    job.channels, job.height, job.width, job.n_out = channels, height, width, n_out
    job.rows, job.positions = channels * kh * kw, out_h * out_w
    job.sh, job.sw, job.out_h, job.out_w = sh, sw, out_h, out_w
    if weight_out != n_out or weight_rows != job.rows:
        raise ValueError(f"weight must be ({n_out}, {job.rows}), got ({weight_out}, {weight_rows})")
    if max(n_out, job.rows, job.positions, batch) > BLAS_INT_MAX:
        raise ValueError("a matrix side exceeds what BLAS can address")
    return job


cdef Py_ssize_t _kept_stride(floating[:, :, :] kept, Py_ssize_t batch, Py_ssize_t rows,
                             Py_ssize_t positions) except -1:
    """The row stride (in elements) of a ``(rows, batch, positions)`` column buffer."""
    check_unit_stride(kept.strides[2], sizeof(floating))
    if kept.shape[0] != rows or kept.shape[1] != batch or kept.shape[2] != positions:
        raise ValueError(f"column buffer of shape ({kept.shape[0]}, {kept.shape[1]}, "
                         f"{kept.shape[2]}) does not match ({rows}, {batch}, {positions})")
    if kept.strides[1] != positions * <Py_ssize_t> sizeof(floating) and batch > 1:
        raise ValueError("the examples of the column buffer must follow each other")
    if rows <= 1:  # numpy may give a single row any stride
        return max(batch * positions, 1)
    if kept.strides[0] % sizeof(floating):
        raise ValueError("the column buffer must be aligned to its element size")
    cdef Py_ssize_t stride = kept.strides[0] // sizeof(floating)
    if stride < batch * positions or stride > BLAS_INT_MAX:
        raise ValueError("the rows of the column buffer overlap or lie too far apart for BLAS")
    return stride


cdef int _use_kept(ConvJob* job, object kept, floating kind) except -1:
    """Point the call at ``kept``, a ``(rows, batch, positions)`` column buffer, if given."""
    cdef floating[:, :, :] columns
    if kept is None:
        return 0
    columns = kept
    job.kept_stride = _kept_stride(columns, job.batch, job.rows, job.positions)
    if job.batch > 0:
        job.kept = <char*> &columns[0, 0, 0]
    return 0


cdef char* _take_scratch(size_t nbytes, bint* team) noexcept nogil:
    """``nbytes`` of scratch space: the team's own when no other caller holds the team (then
    ``team[0]`` is set and the caller holds the team until :func:`_end_job`), else a fresh
    allocation.  NULL when out of memory."""
    cdef char* scratch
    team[0] = take_team()
    if not team[0]:
        return <char*> malloc(nbytes)
    scratch = team_scratch(nbytes)
    if scratch == NULL:
        give_back_team()
        team[0] = False
    return scratch


cdef void _run_job(ConvJob* job, ItemTask task, Py_ssize_t scratch_size, Py_ssize_t zeroed,
                   Py_ssize_t count, int slots, size_t itemsize, int kh, int kw, int ph, int pw,
                   int dh, int dw) except *:
    """Plan the taps, take scratch space (``scratch_size`` elements per thread, the last
    ``zeroed`` of them zeroed) and run ``task`` over ``count`` items.  The caller reads what it
    needs from the scratch space, then calls :func:`_end_job`."""
    job.taps = plan_taps(job.rows, job.height, job.width, kh, kw, job.sh, job.sw, ph, pw, dh, dw,
                         job.out_h, job.out_w)
    cdef Py_ssize_t slot
    with nogil:
        job.scratch = _take_scratch(max(max(slots, 1) * scratch_size * itemsize, 1), &job.team)
        # without the team (another caller holds it) the call runs in its caller alone
        job.slots = max(slots, 1) if job.team else 1
    if job.scratch == NULL:
        raise MemoryError("no memory for the per-thread columns")
    job.scratch_size = scratch_size
    with nogil:
        for slot in range(job.slots):
            memset(job.scratch + ((slot + 1) * scratch_size - zeroed) * itemsize, 0,
                   zeroed * itemsize)
        run_round(task, job, count, job.slots)


cdef void _end_job(ConvJob* job) noexcept:
    free(job.taps)
    job.taps = NULL
    if job.scratch == NULL:
        return
    if job.team:
        give_back_team()
    else:
        free(job.scratch)
    job.scratch = NULL


def conv2d_gemm_forward(const floating[:, :, :, ::1] image, const floating[:, ::1] weight, bias,
                        floating[:, :, ::1] out, kept, int kh, int kw, int sh, int sw, int ph,
                        int pw, int dh, int dw, int out_h, int out_w, int threads):
    """``out[b] = weight @ columns(image[b]) (+ bias)`` for every example ``b``.

    ``out`` is ``(B, n_out, out_h * out_w)`` and ``weight`` ``(n_out, C * kh * kw)``.  With
    ``kept`` (``(C * kh * kw, B, out_h * out_w)``, its examples contiguous) the columns are left
    there for the weight gradient.  Up to ``threads`` threads of the team share the examples.
    """
    cdef ConvJob job = _conv_job(image.shape[0], image.shape[1], image.shape[2], image.shape[3],
                                 out.shape[1], weight.shape[0], weight.shape[1], kh, kw, sh, sw,
                                 ph, pw, dh, dw, out_h, out_w)
    if out.shape[0] != image.shape[0] or out.shape[2] != job.positions:
        raise ValueError(f"out must be ({image.shape[0]}, {job.n_out}, {job.positions})")
    _use_kept(&job, kept, <floating> 0)
    cdef const floating[::1] add = bias_view(bias, job.n_out, <floating> 0)
    if add is not None and job.n_out > 0:
        job.bias = <const char*> &add[0]
    if image.shape[0] == 0:
        return
    job.image, job.out = <const char*> &image[0, 0, 0, 0], <char*> &out[0, 0, 0]
    job.weight = <const char*> &weight[0, 0] if weight.size else NULL
    try:
        _run_job(&job, _forward_float if floating is float else _forward_double,
                 0 if job.kept != NULL else job.rows * job.positions, 0, image.shape[0], threads,
                 sizeof(floating), kh, kw, ph, pw, dh, dw)
    finally:
        _end_job(&job)


def conv2d_gemm_backward_input(const floating[:, :, ::1] grad_out, const floating[:, ::1] weight,
                               floating[:, :, :, ::1] grad_in, int kh, int kw, int sh, int sw,
                               int ph, int pw, int dh, int dw, int out_h, int out_w, int threads):
    """``grad_in[b] = col2im(weight.T @ grad_out[b])`` for every example ``b`` (overwritten).

    ``grad_out`` is ``(B, n_out, out_h * out_w)``.  Up to ``threads`` threads share the examples.
    """
    cdef ConvJob job = _conv_job(grad_in.shape[0], grad_in.shape[1], grad_in.shape[2],
                                 grad_in.shape[3], grad_out.shape[1], weight.shape[0],
                                 weight.shape[1], kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)
    if grad_out.shape[0] != grad_in.shape[0] or grad_out.shape[2] != job.positions:
        raise ValueError(f"grad_out must be ({grad_in.shape[0]}, {job.n_out}, {job.positions})")
    if grad_in.shape[0] == 0:
        return
    if grad_out.size:
        job.image = <const char*> &grad_out[0, 0, 0]
    job.weight = <const char*> &weight[0, 0] if weight.size else NULL
    job.out = <char*> &grad_in[0, 0, 0, 0] if grad_in.size else NULL
    if grad_in.size == 0:
        return
    try:
        _run_job(&job, _backward_input_float if floating is float else _backward_input_double,
                 job.rows * job.positions, 0, grad_in.shape[0], threads, sizeof(floating), kh,
                 kw, ph, pw, dh, dw)
    finally:
        _end_job(&job)


def conv2d_gemm_backward_weight(const floating[:, :, :, ::1] image,
                                const floating[:, :, ::1] grad_out, floating[:, ::1] grad_weight,
                                kept, int kh, int kw, int sh, int sw, int ph, int pw, int dh,
                                int dw, int out_h, int out_w, int threads):
    """``grad_weight += sum over b of grad_out[b] @ columns(image[b]).T``.

    ``grad_weight`` is ``(n_out, C * kh * kw)``.  ``kept`` holds the columns as
    :func:`conv2d_gemm_forward` left them, or is None (they are made again, one example at a
    time).  Up to ``threads`` threads share the examples, each summing into its own buffer.
    """
    cdef ConvJob job = _conv_job(image.shape[0], image.shape[1], image.shape[2], image.shape[3],
                                 grad_out.shape[1], grad_weight.shape[0], grad_weight.shape[1],
                                 kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)
    if grad_out.shape[0] != image.shape[0] or grad_out.shape[2] != job.positions:
        raise ValueError(f"grad_out must be ({image.shape[0]}, {job.n_out}, {job.positions})")
    _use_kept(&job, kept, <floating> 0)
    if image.shape[0] == 0 or grad_weight.size == 0 or job.positions == 0:
        return
    job.image, job.grad = <const char*> &image[0, 0, 0, 0], <const char*> &grad_out[0, 0, 0]
    cdef int slots = max(1, min(threads, image.shape[0]))
    # examples per GEMM: their gradients (and columns, unless kept) take ~GROUP_BYTES, and
    # the groups are the runs the team hands out in the forward pass (so that each thread
    # tends to find the columns it kept in its own cache)
    cdef Py_ssize_t per_example = job.positions * (job.n_out + (0 if job.kept != NULL else job.rows))
    job.group = max(1, min(_GROUP_BYTES // (per_example * sizeof(floating)),
                           image.shape[0] // (2 * slots)))
    cdef Py_ssize_t groups = (image.shape[0] + job.group - 1) // job.group
    cdef Py_ssize_t scratch_size = per_example * job.group + job.n_out * job.rows
    cdef Py_ssize_t slot, o, r
    cdef floating* sums
    try:
        _run_job(&job, _backward_weight_float if floating is float else _backward_weight_double,
                 scratch_size, job.n_out * job.rows, groups, slots, sizeof(floating), kh, kw, ph,
                 pw, dh, dw)
        for slot in range(job.slots):  # each slot summed its groups as (rows, n_out)
            sums = <floating*> job.scratch + (slot + 1) * scratch_size - job.n_out * job.rows
            for r in range(job.rows):
                for o in range(job.n_out):
                    grad_weight[o, r] += sums[r * job.n_out + o]
    finally:
        _end_job(&job)
