# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled kernels of nn-conv: column packing for GEMM convolution, pooling, embedding.

Every function has a pure-numpy twin with the same signature in ``nn_conv._reference``; the
tests compare the two on random shapes.  The heavy arithmetic of convolution is BLAS GEMMs:
done by the caller (numpy) around the data-movement kernels, or, for convolutions with few
output planes, inside the ``conv2d_gemm_*`` kernels (scipy's Cython BLAS, one example at a
time, shared by a team of threads: ``_team.pxi``).

Layouts: images are C-contiguous ``(batch, channels, height, width)``.  The column matrix of a
convolution is ``(channels * kh * kw, batch, out_h * out_w)``: row ``(c * kh + i) * kw + j`` holds
input pixel ``(c, y * sh - ph + i * dh, x * sw - pw + j * dw)`` for every output position, so
that ``weight.reshape(n_out, -1) @ cols.reshape(k, -1)`` is one GEMM over the whole batch.

Bounds checking is off: shapes are checked before each loop, and every index read from data
(embedding ids, pooling argmax) is range-checked before it addresses memory.
"""

import numpy as np

from libc.math cimport fabs, pow, sqrt
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from cython cimport floating
from scipy.linalg.cython_blas cimport dgemm, sgemm

from nncore.errors import IndexOutOfRangeError

include "_team.pxi"


cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define NNCONV_PREFETCH(address) __builtin_prefetch(address)
    #else
    #define NNCONV_PREFETCH(address) ((void)(address))
    #endif
    """
    void NNCONV_PREFETCH(const void* address) nogil

#: how many rows ahead the embedding gather prefetches
cdef Py_ssize_t _PREFETCH_ROWS = 8


cdef inline Py_ssize_t _first_inside(Py_ssize_t offset, Py_ssize_t stride, Py_ssize_t n_out) noexcept nogil:
    """Smallest ``o >= 0`` with ``o * stride + offset >= 0`` (clamped to ``n_out``)."""
    cdef Py_ssize_t o
    if offset >= 0:
        return 0
    o = (-offset + stride - 1) // stride
    return o if o < n_out else n_out


cdef inline Py_ssize_t _first_beyond(Py_ssize_t offset, Py_ssize_t stride, Py_ssize_t size,
                                     Py_ssize_t n_out) noexcept nogil:
    """Smallest ``o >= 0`` with ``o * stride + offset >= size`` (clamped to ``n_out``)."""
    cdef Py_ssize_t o, rest = size - offset
    if rest <= 0:
        return 0
    o = (rest + stride - 1) // stride
    return o if o < n_out else n_out


def _check_unit_stride(Py_ssize_t stride, size_t itemsize):
    if stride != <Py_ssize_t>itemsize:
        raise ValueError("the last axis of the column buffer must be contiguous")


def _check_columns(Py_ssize_t batch, Py_ssize_t channels, Py_ssize_t rows, Py_ssize_t cols_batch,
                   Py_ssize_t positions, int kh, int kw, int out_h, int out_w):
    if rows != channels * kh * kw or cols_batch != batch or positions != out_h * out_w:
        raise ValueError(
            f"column buffer of shape ({rows}, {cols_batch}, {positions}) does not match "
            f"({channels * kh * kw}, {batch}, {out_h * out_w})")


ctypedef struct Tap:
    # where row ``(c * kh + i) * kw + j`` of a column matrix reads its image plane: output
    # ``(oy, ox)`` reads pixel ``(oy * sh + y_off, ox * sw + x_off)`` of plane ``channel``,
    # which lies inside the plane for ``top <= oy < bottom`` and ``lo <= ox < hi``
    Py_ssize_t channel, y_off, top, bottom, x_off, lo, hi


cdef Tap* _plan_taps(Py_ssize_t rows, Py_ssize_t height, Py_ssize_t width, int kh, int kw,
                     int sh, int sw, int ph, int pw, int dh, int dw, int out_h,
                     int out_w) except NULL:
    """Where each row of the column matrix reads (free the result)."""
    cdef Tap* taps = <Tap*> malloc(max(rows, 1) * sizeof(Tap))
    if taps == NULL:
        raise MemoryError("no memory for the column plan")
    cdef Py_ssize_t r
    for r in range(rows):
        taps[r].channel = r // (kh * kw)
        taps[r].y_off = (r // kw) % kh * dh - ph
        taps[r].top = _first_inside(taps[r].y_off, sh, out_h)
        taps[r].bottom = max(taps[r].top, _first_beyond(taps[r].y_off, sh, height, out_h))
        taps[r].x_off = r % kw * dw - pw
        taps[r].lo = _first_inside(taps[r].x_off, sw, out_w)
        taps[r].hi = max(taps[r].lo, _first_beyond(taps[r].x_off, sw, width, out_w))
    return taps


def _check_geometry(int kh, int kw, int sh, int sw, int dh, int dw, int out_h, int out_w):
    if kh < 1 or kw < 1 or out_h < 0 or out_w < 0:
        raise ValueError("kernel sizes must be positive and output sizes non-negative")
    if sh < 1 or sw < 1 or dh < 1 or dw < 1:
        raise ValueError("strides and dilations must be positive")


cdef void _fill_row(floating* row, const floating* plane, const Tap* tap, Py_ssize_t width,
                    int sh, int sw, int out_h, int out_w) noexcept nogil:
    """One row of the column matrix: ``plane`` seen through one kernel tap (zero outside it)."""
    cdef Py_ssize_t oy, ox, lo = tap.lo, hi = tap.hi
    cdef const floating* source
    if tap.top > 0:
        memset(row, 0, tap.top * out_w * sizeof(floating))
    if tap.bottom < out_h:
        memset(row + tap.bottom * out_w, 0, (out_h - tap.bottom) * out_w * sizeof(floating))
    # walk the rows with pointers: small images make the per-row work the bottleneck
    source = plane + (tap.top * sh + tap.y_off) * width + tap.x_off
    row = row + tap.top * out_w
    for oy in range(tap.top, tap.bottom):
        if lo > 0:
            memset(row, 0, lo * sizeof(floating))
        if sw == 1 and hi - lo >= 64:  # a long contiguous run of the image row
            memcpy(row + lo, source + lo, (hi - lo) * sizeof(floating))
        elif sw == 1:  # a short run: a memcpy call costs more than the copy
            for ox in range(lo, hi):
                row[ox] = source[ox]
        else:
            for ox in range(lo, hi):
                row[ox] = source[ox * sw]
        if hi < out_w:
            memset(row + hi, 0, (out_w - hi) * sizeof(floating))
        row = row + out_w
        source = source + sh * width


cdef void _add_row(const floating* row, floating* plane, const Tap* tap, Py_ssize_t width,
                   int sh, int sw, int out_w) noexcept nogil:
    """The adjoint of :func:`_fill_row`: add one row of the column matrix back onto ``plane``."""
    cdef Py_ssize_t oy, ox
    cdef floating* target
    for oy in range(tap.top, tap.bottom):
        target = plane + (oy * sh + tap.y_off) * width + tap.x_off
        for ox in range(tap.lo, tap.hi):
            target[ox * sw] += row[oy * out_w + ox]


def im2col(const floating[:, :, :, ::1] image, floating[:, :, :] cols, int kh, int kw,
           int sh, int sw, int ph, int pw, int dh, int dw, int out_h, int out_w):
    """Write the convolution columns of ``image`` into ``cols`` (zero where padding).

    ``cols`` may be a slice of a larger buffer: only its last axis must be contiguous.
    """
    _check_unit_stride(cols.strides[2], sizeof(floating))
    cdef Py_ssize_t batch = image.shape[0], channels = image.shape[1]
    cdef Py_ssize_t height = image.shape[2], width = image.shape[3]
    _check_geometry(kh, kw, sh, sw, dh, dw, out_h, out_w)
    _check_columns(batch, channels, cols.shape[0], cols.shape[1], cols.shape[2], kh, kw, out_h, out_w)
    cdef Py_ssize_t r, b
    cdef Tap* taps = _plan_taps(cols.shape[0], height, width, kh, kw, sh, sw, ph, pw, dh, dw,
                                out_h, out_w)
    try:
        with nogil:
            for r in range(cols.shape[0]):
                for b in range(batch):
                    _fill_row(&cols[r, b, 0], &image[b, taps[r].channel, 0, 0], &taps[r], width,
                              sh, sw, out_h, out_w)
    finally:
        free(taps)


def col2im(const floating[:, :, ::1] cols, floating[:, :, :, ::1] image, int kh, int kw,
           int sh, int sw, int ph, int pw, int dh, int dw, int out_h, int out_w):
    """Add the columns ``cols`` back onto ``image`` (the adjoint of :func:`im2col`)."""
    cdef Py_ssize_t batch = image.shape[0], channels = image.shape[1]
    cdef Py_ssize_t height = image.shape[2], width = image.shape[3]
    _check_geometry(kh, kw, sh, sw, dh, dw, out_h, out_w)
    _check_columns(batch, channels, cols.shape[0], cols.shape[1], cols.shape[2], kh, kw, out_h, out_w)
    cdef Py_ssize_t b, r
    cdef Tap* taps = _plan_taps(cols.shape[0], height, width, kh, kw, sh, sw, ph, pw, dh, dw,
                                out_h, out_w)
    try:
        with nogil:
            for b in range(batch):  # each example's planes stay in cache while its rows land
                for r in range(cols.shape[0]):
                    _add_row(&cols[r, b, 0], &image[b, taps[r].channel, 0, 0], &taps[r], width,
                             sh, sw, out_w)
    finally:
        free(taps)


# ----------------------------------------------------------------------- one example at a time
# Convolutions with few output planes: per example, the columns go from the copy into BLAS
# while they are in cache, and a whole range of examples runs in one call without the GIL
# (a thread works through its part of the batch with no hand-off).  BLAS is column-major: a
# row-major ``(r, c)`` matrix with row stride ``ld`` is its ``(c, r)`` transpose to BLAS.
cdef inline void _gemm(char* trans_a, char* trans_b, int m, int n, int k, const floating* a,
                       int lda, const floating* b, int ldb, floating beta, floating* c,
                       int ldc) noexcept nogil:
    """Column-major ``c = op(a) @ op(b) + beta * c``."""
    cdef floating one = 1
    if floating is float:
        sgemm(trans_a, trans_b, &m, &n, &k, &one, <float*> a, &lda, <float*> b, &ldb, &beta, c,
              &ldc)
    else:
        dgemm(trans_a, trans_b, &m, &n, &k, &one, <double*> a, &lda, <double*> b, &ldb, &beta,
              c, &ldc)


cdef Py_ssize_t _BLAS_INT_MAX = 2**31 - 1
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
        _fill_row(columns + r * ld, image + job.taps[r].channel * job.height * job.width,
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
        _gemm(b"N", b"N", job.positions, job.n_out, job.rows, columns, _row_stride(job),
              <const floating*> job.weight, job.rows, 1, out, job.positions)


cdef void _backward_input_example(ConvJob* job, Py_ssize_t b, int slot,
                                  floating kind) noexcept nogil:
    cdef floating* columns = <floating*> job.scratch + slot * job.scratch_size
    cdef Py_ssize_t plane = job.height * job.width, r
    cdef floating* grad_in = <floating*> job.out + b * job.channels * plane
    memset(grad_in, 0, job.channels * plane * sizeof(floating))
    if job.rows == 0 or job.n_out == 0 or job.positions == 0:
        return
    _gemm(b"N", b"T", job.positions, job.rows, job.n_out,
          <const floating*> job.image + b * job.n_out * job.positions, job.positions,
          <const floating*> job.weight, job.rows, 0, columns, job.positions)
    for r in range(job.rows):
        _add_row(columns + r * job.positions, grad_in + job.taps[r].channel * plane, &job.taps[r],
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
                _fill_row(columns + r * ld + e * job.positions,
                          image + job.taps[r].channel * plane, &job.taps[r], job.width, job.sh,
                          job.sw, job.out_h, job.out_w)
    for e in range(n):  # (n, n_out, P) -> (n_out, n * P)
        for o in range(job.n_out):
            memcpy(grads + o * length + e * job.positions,
                   grad + ((first + e) * job.n_out + o) * job.positions,
                   job.positions * sizeof(floating))
    # sums (rows, n_out) += columns (rows, length) @ grads.T: BLAS runs the long reduction
    # faster with the thin operand first
    _gemm(b"T", b"N", job.n_out, job.rows, length, grads, length, columns, ld, 1, sums,
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
    _check_geometry(kh, kw, sh, sw, dh, dw, out_h, out_w)
    cdef ConvJob job
    memset(&job, 0, sizeof(ConvJob))
    job.batch, job.group = batch, 1
    job.channels, job.height, job.width, job.n_out = channels, height, width, n_out
    job.rows, job.positions = channels * kh * kw, out_h * out_w
    job.sh, job.sw, job.out_h, job.out_w = sh, sw, out_h, out_w
    if weight_out != n_out or weight_rows != job.rows:
        raise ValueError(f"weight must be ({n_out}, {job.rows}), got ({weight_out}, {weight_rows})")
    if max(n_out, job.rows, job.positions, batch) > _BLAS_INT_MAX:
        raise ValueError("a matrix side exceeds what BLAS can address")
    return job


cdef Py_ssize_t _kept_stride(floating[:, :, :] kept, Py_ssize_t batch, Py_ssize_t rows,
                             Py_ssize_t positions) except -1:
    """The row stride (in elements) of a ``(rows, batch, positions)`` column buffer."""
    _check_unit_stride(kept.strides[2], sizeof(floating))
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
    if stride < batch * positions or stride > _BLAS_INT_MAX:
        raise ValueError("the rows of the column buffer overlap or lie too far apart for BLAS")
    return stride


cdef void _run_job(ConvJob* job, ExampleTask task, Py_ssize_t scratch_size, Py_ssize_t zeroed,
                   Py_ssize_t count, int slots, size_t itemsize, int kh, int kw, int ph, int pw,
                   int dh, int dw) except *:
    """Plan the taps, take scratch space (``scratch_size`` elements per thread, the last
    ``zeroed`` of them zeroed) and run ``task`` over ``count`` items.  The caller reads what it
    needs from the scratch space, then calls :func:`_end_job`."""
    job.taps = _plan_taps(job.rows, job.height, job.width, kh, kw, job.sh, job.sw, ph, pw, dh, dw,
                          job.out_h, job.out_w)
    cdef Py_ssize_t slot
    with nogil:
        job.scratch = _take_team(max(max(slots, 1) * scratch_size * itemsize, 1), &job.team)
        # without the team (another caller holds it) the call runs in its caller alone
        job.slots = max(slots, 1) if job.team else 1
    if job.scratch == NULL:
        raise MemoryError("no memory for the per-thread columns")
    job.scratch_size = scratch_size
    with nogil:
        for slot in range(job.slots):
            memset(job.scratch + ((slot + 1) * scratch_size - zeroed) * itemsize, 0,
                   zeroed * itemsize)
        _run(task, job, count, job.slots)


cdef void _end_job(ConvJob* job) noexcept:
    free(job.taps)
    job.taps = NULL
    if job.scratch != NULL:
        _give_back_team(job.scratch, job.team)
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
    cdef floating[:, :, :] columns
    cdef const floating[::1] add
    if kept is not None:
        columns = kept
        job.kept_stride = _kept_stride(columns, image.shape[0], job.rows, job.positions)
        if image.shape[0] > 0:
            job.kept = <char*> &columns[0, 0, 0]
    if bias is not None:
        add = bias
        if add.shape[0] != job.n_out:
            raise ValueError("bias must have one entry per output plane")
        job.bias = <const char*> &add[0] if job.n_out > 0 else NULL
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
    cdef floating[:, :, :] columns
    if kept is not None:
        columns = kept
        job.kept_stride = _kept_stride(columns, image.shape[0], job.rows, job.positions)
        if image.shape[0] > 0:
            job.kept = <char*> &columns[0, 0, 0]
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


def columns_to_batch(const floating[:, :, ::1] source, floating[:, :, ::1] target, bias):
    """``target[b, o, p] = source[o, b, p] (+ bias[o])``: a GEMM result back to batch-first."""
    cdef Py_ssize_t n_out = source.shape[0], batch = source.shape[1], size = source.shape[2]
    if target.shape[0] != batch or target.shape[1] != n_out or target.shape[2] != size:
        raise ValueError("target must have the shape of source with its first two axes swapped")
    cdef const floating[::1] add
    cdef bint has_bias = bias is not None
    if has_bias:
        add = bias
        if add.shape[0] != n_out:
            raise ValueError("bias must have one entry per output plane")
    cdef Py_ssize_t pair, b, o, p
    cdef floating shift
    with nogil:
        for pair in range(batch * n_out):
            b = pair // n_out
            o = pair % n_out
            shift = add[o] if has_bias else 0
            for p in range(size):
                target[b, o, p] = source[o, b, p] + shift


def batch_to_columns(const floating[:, :, ::1] source, floating[:, :, :] target):
    """``target[o, b, p] = source[b, o, p]``: a batch-first gradient into GEMM layout.

    ``target`` may be a slice of a larger buffer: only its last axis must be contiguous.
    """
    _check_unit_stride(target.strides[2], sizeof(floating))
    cdef Py_ssize_t batch = source.shape[0], n_out = source.shape[1], size = source.shape[2]
    if target.shape[0] != n_out or target.shape[1] != batch or target.shape[2] != size:
        raise ValueError("target must have the shape of source with its first two axes swapped")
    cdef Py_ssize_t pair, b, o, p
    with nogil:
        for pair in range(batch * n_out):
            o = pair // batch
            b = pair % batch
            memcpy(&target[o, b, 0], &source[b, o, 0], size * sizeof(floating))


def _check_pool(Py_ssize_t planes, Py_ssize_t out_planes, int kh, int kw, int sh, int sw):
    if planes != out_planes:
        raise ValueError("input and output must have the same number of planes")
    if kh < 1 or kw < 1 or sh < 1 or sw < 1:
        raise ValueError("kernel sizes and strides must be positive")


ctypedef struct Span:
    Py_ssize_t lo, hi, count


cdef inline Span _span(Py_ssize_t start, int k, Py_ssize_t size, int pad, bint include_pad) noexcept nogil:
    """The window ``[start, start + k)`` clipped to the plane as ``[lo, hi)``, and its length as
    torch/nn's average pooling counts it: within the padded plane, or only within the plane."""
    cdef Span span
    cdef Py_ssize_t end = min(start + k, size + pad)
    span.lo = max(start, 0)
    span.hi = min(end, size)
    span.count = end - start if include_pad else span.hi - span.lo
    return span


def max_pool2d(const floating[:, :, ::1] image, floating[:, :, ::1] out, int64_t[:, :, ::1] indices,
               int kh, int kw, int sh, int sw, int ph, int pw):
    """Max over each window of every plane; ``indices`` gets the argmax as ``y * width + x``.

    Windows are clipped to the plane (padding never wins); the first maximum in row-major
    order is kept, and a NaN is always taken as the maximum.
    """
    cdef Py_ssize_t planes = image.shape[0], height = image.shape[1], width = image.shape[2]
    cdef Py_ssize_t out_h = out.shape[1], out_w = out.shape[2]
    _check_pool(planes, out.shape[0], kh, kw, sh, sw)
    if indices.shape[0] != planes or indices.shape[1] != out_h or indices.shape[2] != out_w:
        raise ValueError("indices must have the output's shape")
    cdef Py_ssize_t n, oy, ox, first_edge
    cdef bint finite
    cdef Span rows
    cdef const floating* plane
    # windows of these output columns lie inside the plane: their loop runs along the row
    cdef Py_ssize_t inner_lo = _first_inside(-pw, sw, out_w)
    cdef Py_ssize_t inner_hi = max(inner_lo, _first_beyond(kw - 1 - pw, sw, width, out_w))
    with nogil:
        for n in range(planes):
            plane = &image[n, 0, 0]
            # a plane without NaN (the usual case) takes the branch-free loop for its inner windows
            finite = not _has_nan(plane, height * width)
            for oy in range(out_h):
                rows = _span(oy * sh - ph, kh, height, ph, False)
                if finite:
                    for ox in range(inner_lo):
                        _max_window(plane, width, rows, ox, sw, pw, kw, &out[n, oy, 0],
                                    &indices[n, oy, 0])
                    _max_windows_inside(plane, width, rows, inner_lo, inner_hi, sw, pw, kw,
                                        &out[n, oy, 0], &indices[n, oy, 0])
                    first_edge = inner_hi
                else:
                    first_edge = 0
                for ox in range(first_edge, out_w):
                    _max_window(plane, width, rows, ox, sw, pw, kw, &out[n, oy, 0], &indices[n, oy, 0])


cdef inline void _max_window(const floating* plane, Py_ssize_t width, Span rows, Py_ssize_t ox,
                             int sw, int pw, int kw, floating* top, int64_t* best) noexcept nogil:
    """Max and argmax of one window, clipped to the plane, into ``top[ox]`` and ``best[ox]``."""
    cdef Span cols = _span(ox * sw - pw, kw, width, pw, False)
    cdef Py_ssize_t y, x, at = rows.lo * width + cols.lo
    cdef floating value
    top[ox] = plane[at]
    best[ox] = at
    for y in range(rows.lo, rows.hi):
        for x in range(cols.lo, cols.hi):
            value = plane[y * width + x]
            if value > top[ox] or value != value:
                top[ox] = value
                best[ox] = y * width + x


cdef inline void _max_windows_inside(const floating* plane, Py_ssize_t width, Span rows,
                                     Py_ssize_t lo, Py_ssize_t hi, int sw, int pw, int kw,
                                     floating* top, int64_t* best) noexcept nogil:
    """:func:`_max_window` for the windows ``lo <= ox < hi`` of a plane without NaN, which
    lie inside the row.

    On random data a branch per tap is mispredicted about half the time, so each tap is a
    select the compiler can make branch-free: ``maxss`` for the value, arithmetic for the
    index (a NaN test in the same condition would bring the branch back).  Taps are visited
    in the same row-major order, so ties keep the same winner.
    """
    cdef Py_ssize_t ox, y, j, at, start, where
    cdef floating value, held
    for ox in range(lo, hi):
        start = ox * sw - pw
        where = rows.lo * width + start
        held = plane[where]
        for y in range(rows.lo, rows.hi):
            for j in range(kw):
                at = y * width + start + j
                value = plane[at]
                where = where + (at - where) * (value > held)
                held = value if value > held else held
        top[ox] = held
        best[ox] = where


cdef inline bint _has_nan(const floating* values, Py_ssize_t count) noexcept nogil:
    cdef Py_ssize_t k
    cdef int found = 0
    for k in range(count):
        found = found | (values[k] != values[k])
    return found


def max_pool2d_backward(const floating[:, :, ::1] grad_out, const int64_t[:, :, ::1] indices,
                        floating[:, :, ::1] grad_in):
    """Add each output gradient onto the input element that won its window."""
    cdef Py_ssize_t planes = grad_in.shape[0], size = grad_in.shape[1] * grad_in.shape[2]
    cdef Py_ssize_t out_h = grad_out.shape[1], out_w = grad_out.shape[2]
    if grad_out.shape[0] != planes or indices.shape[0] != planes:
        raise ValueError("gradients and indices must have the same number of planes")
    if indices.shape[1] != out_h or indices.shape[2] != out_w:
        raise ValueError("indices must have the output gradient's shape")
    cdef Py_ssize_t n, oy, ox, bad = 0
    cdef int64_t k
    cdef floating* flat
    with nogil:
        for n in range(planes):
            flat = &grad_in[n, 0, 0]
            for oy in range(out_h):
                for ox in range(out_w):
                    k = indices[n, oy, ox]
                    if k < 0 or k >= size:
                        bad += 1
                    else:
                        flat[k] += grad_out[n, oy, ox]
    if bad:
        raise IndexOutOfRangeError(f"{bad} pooling indices lie outside planes of {size} elements")


def avg_pool2d(const floating[:, :, ::1] image, floating[:, :, ::1] out, int kh, int kw,
               int sh, int sw, int ph, int pw, bint count_include_pad):
    """Mean over each window of every plane, with torch/nn's divisor rules."""
    cdef Py_ssize_t planes = image.shape[0], height = image.shape[1], width = image.shape[2]
    cdef Py_ssize_t out_h = out.shape[1], out_w = out.shape[2]
    _check_pool(planes, out.shape[0], kh, kw, sh, sw)
    cdef Py_ssize_t n, oy, ox, y, x
    cdef Span rows, cols
    cdef floating total
    cdef const floating* plane
    with nogil:
        for n in range(planes):
            plane = &image[n, 0, 0]
            for oy in range(out_h):
                rows = _span(oy * sh - ph, kh, height, ph, count_include_pad)
                for ox in range(out_w):
                    cols = _span(ox * sw - pw, kw, width, pw, count_include_pad)
                    total = 0
                    for y in range(rows.lo, rows.hi):
                        for x in range(cols.lo, cols.hi):
                            total = total + plane[y * width + x]
                    if rows.count > 0 and cols.count > 0:
                        total = total / (rows.count * cols.count)
                    out[n, oy, ox] = total


def avg_pool2d_backward(const floating[:, :, ::1] grad_out, floating[:, :, ::1] grad_in, int kh,
                        int kw, int sh, int sw, int ph, int pw, bint count_include_pad):
    """Spread each output gradient evenly (by the forward's divisor) over its window."""
    cdef Py_ssize_t planes = grad_in.shape[0], height = grad_in.shape[1], width = grad_in.shape[2]
    cdef Py_ssize_t out_h = grad_out.shape[1], out_w = grad_out.shape[2]
    _check_pool(planes, grad_out.shape[0], kh, kw, sh, sw)
    cdef Py_ssize_t n, oy, ox, y, x
    cdef Span rows, cols
    cdef floating share
    cdef floating* plane
    with nogil:
        for n in range(planes):
            plane = &grad_in[n, 0, 0]
            for oy in range(out_h):
                rows = _span(oy * sh - ph, kh, height, ph, count_include_pad)
                for ox in range(out_w):
                    cols = _span(ox * sw - pw, kw, width, pw, count_include_pad)
                    if rows.count <= 0 or cols.count <= 0:
                        continue
                    share = grad_out[n, oy, ox] / (rows.count * cols.count)
                    for y in range(rows.lo, rows.hi):
                        for x in range(cols.lo, cols.hi):
                            plane[y * width + x] += share


def _check_ids(const int64_t[::1] ids, Py_ssize_t n_index):
    """Raise IndexOutOfRangeError naming the first id outside ``[0, n_index)``."""
    cdef Py_ssize_t i
    cdef int64_t value
    for i in range(ids.shape[0]):
        value = ids[i]
        if value < 0 or value >= n_index:
            raise IndexOutOfRangeError(
                f"index {value} is out of range: expected 0 <= index < {n_index}")


def embedding_forward(const int64_t[::1] ids, const floating[:, ::1] weight, floating[:, ::1] out):
    """``out[i] = weight[ids[i]]``."""
    cdef Py_ssize_t n = ids.shape[0], dim = weight.shape[1]
    if out.shape[0] != n or out.shape[1] != dim:
        raise ValueError("out must be (len(ids), weight.shape[1])")
    _check_ids(ids, weight.shape[0])
    cdef Py_ssize_t i, ahead
    cdef Py_ssize_t line, row_bytes = dim * sizeof(floating)
    cdef const char* upcoming
    with nogil:
        for i in range(n):
            # the rows are scattered over a large table: ask for a later row's cache lines
            # now, so that the copy below does not wait on memory one row at a time
            ahead = i + _PREFETCH_ROWS
            if ahead < n:
                upcoming = <const char*> &weight[ids[ahead], 0]
                for line in range(0, row_bytes, 64):
                    NNCONV_PREFETCH(upcoming + line)
            memcpy(&out[i, 0], &weight[ids[i], 0], row_bytes)


def embedding_backward(const int64_t[::1] ids, const floating[:, ::1] grad, floating[:, ::1] grad_weight,
                       double scale, Py_ssize_t padding_index, bint scale_by_frequency):
    """``grad_weight[ids[i]] += scale * grad[i]``, skipping ``padding_index``.

    With ``scale_by_frequency`` each contribution is divided by how often its id occurs.
    Only the touched rows of ``grad_weight`` are read or written.
    """
    cdef Py_ssize_t n = ids.shape[0], dim = grad.shape[1], n_index = grad_weight.shape[0]
    if grad.shape[0] != n or grad_weight.shape[1] != dim:
        raise ValueError("grad must be (len(ids), grad_weight.shape[1])")
    _check_ids(ids, n_index)
    cdef int64_t[::1] counts
    if scale_by_frequency:
        counts = np.zeros(n_index, dtype=np.int64)
    cdef Py_ssize_t i, d
    cdef int64_t row
    cdef floating factor
    cdef floating* target
    cdef const floating* source
    with nogil:
        if scale_by_frequency:
            for i in range(n):
                counts[ids[i]] += 1
        for i in range(n):
            row = ids[i]
            if row == padding_index:
                continue
            factor = <floating>(scale / counts[row]) if scale_by_frequency else <floating>scale
            target = &grad_weight[row, 0]
            source = &grad[i, 0]
            for d in range(dim):
                target[d] += factor * source[d]


def embedding_renorm(const int64_t[::1] ids, floating[:, ::1] weight, double max_norm, double norm_type):
    """Rescale rows ``weight[ids]`` whose ``norm_type``-norm exceeds ``max_norm`` down to it.

    A row listed twice is rescaled once: after the first pass its norm is below ``max_norm``.
    """
    _check_ids(ids, weight.shape[0])
    cdef Py_ssize_t i, d, dim = weight.shape[1]
    cdef double norm
    cdef floating* row
    with nogil:
        for i in range(ids.shape[0]):
            row = &weight[ids[i], 0]
            norm = 0
            if norm_type == 2:
                for d in range(dim):
                    norm += row[d] * row[d]
                norm = sqrt(norm)
            elif norm_type == 1:
                for d in range(dim):
                    norm += fabs(row[d])
            else:
                for d in range(dim):
                    norm += pow(fabs(row[d]), norm_type)
                norm = pow(norm, 1.0 / norm_type)
            if norm > max_norm:
                for d in range(dim):
                    row[d] *= <floating>(max_norm / (norm + 1e-7))


cdef inline void _winograd_rows(const floating* plane, Py_ssize_t height, Py_ssize_t width,
                                Py_ssize_t y0, int pw, Py_ssize_t padded_width,
                                floating* t) noexcept nogil:
    """``B^T`` applied down the 4 padded image rows from ``y0``: ``t[a * padded_width + x]``
    for every padded column ``x`` (zero outside the image)."""
    cdef Py_ssize_t a, x, col
    cdef floating d[4]
    cdef bint rows_inside[4]
    for a in range(4):
        rows_inside[a] = 0 <= y0 + a < height
    for x in range(padded_width):
        col = x - pw
        for a in range(4):
            d[a] = plane[(y0 + a) * width + col] if rows_inside[a] and 0 <= col < width else 0
        t[x] = d[0] - d[2]
        t[padded_width + x] = d[1] + d[2]
        t[2 * padded_width + x] = d[2] - d[1]
        t[3 * padded_width + x] = d[1] - d[3]


cdef inline void _winograd_row_out(const floating* src, Py_ssize_t step, Py_ssize_t tiles_w,
                                   floating* top, floating* bottom, Py_ssize_t out_w,
                                   floating shift, floating* scratch) noexcept nogil:
    """``A^T m A`` for a row of tiles (``m[4 i + j]`` of tile ``tx`` at ``src[(4 i + j) * step
    + tx]``) into the two output rows ``top`` and ``bottom`` (``bottom`` NULL past the end).

    ``A^T m`` goes first into ``scratch`` (8 rows of ``tiles_w``), one column of the tiles at a
    time, so that only 4 rows of ``src`` stream at once."""
    cdef Py_ssize_t tx, k, x
    cdef floating a, b, c, d
    cdef floating* s0 = scratch
    cdef floating* s1 = scratch + 4 * tiles_w
    for k in range(4):
        for tx in range(tiles_w):
            a = src[k * step + tx]
            b = src[(4 + k) * step + tx]
            c = src[(8 + k) * step + tx]
            d = src[(12 + k) * step + tx]
            s0[k * tiles_w + tx] = a + b + c
            s1[k * tiles_w + tx] = b - c - d
    for tx in range(tiles_w):  # (A^T m) A
        x = 2 * tx
        top[x] = s0[tx] + s0[tiles_w + tx] + s0[2 * tiles_w + tx] + shift
        if bottom != NULL:
            bottom[x] = s1[tx] + s1[tiles_w + tx] + s1[2 * tiles_w + tx] + shift
        if x + 1 < out_w:
            top[x + 1] = s0[tiles_w + tx] - s0[2 * tiles_w + tx] - s0[3 * tiles_w + tx] + shift
            if bottom != NULL:
                bottom[x + 1] = (s1[tiles_w + tx] - s1[2 * tiles_w + tx] - s1[3 * tiles_w + tx]
                                 + shift)


def winograd_input(const floating[:, :, :, ::1] image, floating[:, :, :] tiles, int ph, int pw,
                   int tiles_h, int tiles_w):
    """Winograd F(2x2, 3x3) input transform ``B^T d B`` of every 4x4 tile of the padded image.

    Tile ``(ty, tx)`` starts at padded pixel ``(2 ty, 2 tx)``; pixels outside the image are 0.
    ``tiles`` is ``(16, C, B * tiles_h * tiles_w)``, entry ``4 i + j`` of the transformed tile.
    """
    cdef Py_ssize_t batch = image.shape[0], channels = image.shape[1]
    cdef Py_ssize_t height = image.shape[2], width = image.shape[3]
    _check_unit_stride(tiles.strides[2], sizeof(floating))
    if (tiles.shape[0] != 16 or tiles.shape[1] != channels
            or tiles.shape[2] != batch * tiles_h * tiles_w):
        raise ValueError(f"tiles must be (16, {channels}, {batch * tiles_h * tiles_w})")
    if tiles.strides[0] % sizeof(floating):
        raise ValueError("tiles must be aligned to its element size")
    cdef Py_ssize_t step = tiles.strides[0] // sizeof(floating)
    cdef Py_ssize_t padded_width = 2 * tiles_w + 2
    cdef Py_ssize_t plane, b, c, ty, tx, a
    cdef const floating* row
    cdef floating* dst
    cdef floating* t = <floating*> malloc(4 * padded_width * sizeof(floating))
    if t == NULL:
        raise MemoryError("no memory for the Winograd row buffer")
    try:
        with nogil:
            for plane in range(batch * channels):
                b = plane // channels
                c = plane % channels
                for ty in range(tiles_h):
                    _winograd_rows(&image[b, c, 0, 0], height, width, 2 * ty - ph, pw,
                                   padded_width, t)
                    dst = &tiles[0, c, (b * tiles_h + ty) * tiles_w]
                    for a in range(4):  # (B^T d) B along the row of tiles: tile tx starts at 2 tx
                        row = t + a * padded_width
                        for tx in range(tiles_w):
                            dst[(4 * a) * step + tx] = row[2 * tx] - row[2 * tx + 2]
                            dst[(4 * a + 1) * step + tx] = row[2 * tx + 1] + row[2 * tx + 2]
                            dst[(4 * a + 2) * step + tx] = row[2 * tx + 2] - row[2 * tx + 1]
                            dst[(4 * a + 3) * step + tx] = row[2 * tx + 1] - row[2 * tx + 3]
    finally:
        free(t)


def winograd_output(const floating[:, :, ::1] products, floating[:, :, :, ::1] out, bias,
                    int tiles_h, int tiles_w):
    """Winograd F(2x2, 3x3) output transform ``A^T m A`` of every tile into ``out`` (+ bias).

    ``products`` is ``(16, n_out, B * tiles_h * tiles_w)``; tile ``(ty, tx)`` gives the 2x2
    output block at ``(2 ty, 2 tx)``, clipped to ``out``.
    """
    cdef Py_ssize_t batch = out.shape[0], n_out = out.shape[1]
    cdef Py_ssize_t out_h = out.shape[2], out_w = out.shape[3]
    if (products.shape[0] != 16 or products.shape[1] != n_out
            or products.shape[2] != batch * tiles_h * tiles_w):
        raise ValueError(f"products must be (16, {n_out}, {batch * tiles_h * tiles_w})")
    cdef const floating[::1] add
    cdef bint has_bias = bias is not None
    if has_bias:
        add = bias
        if add.shape[0] != n_out:
            raise ValueError("bias must have one entry per output plane")
    cdef Py_ssize_t step = products.shape[1] * products.shape[2]
    cdef Py_ssize_t plane, b, o, ty
    cdef floating shift
    cdef floating* bottom
    cdef floating* scratch = <floating*> malloc(8 * tiles_w * sizeof(floating))
    if scratch == NULL:
        raise MemoryError("no memory for the Winograd row buffer")
    try:
        with nogil:
            for plane in range(batch * n_out):
                b = plane // n_out
                o = plane % n_out
                shift = add[o] if has_bias else 0
                for ty in range(tiles_h):
                    bottom = &out[b, o, 2 * ty + 1, 0] if 2 * ty + 1 < out_h else NULL
                    _winograd_row_out(&products[0, o, (b * tiles_h + ty) * tiles_w], step,
                                      tiles_w, &out[b, o, 2 * ty, 0], bottom, out_w, shift,
                                      scratch)
    finally:
        free(scratch)


def winograd_grad_output(const floating[:, :, :, ::1] grad, floating[:, :, :] tiles, int tiles_h,
                         int tiles_w):
    """Winograd F(2x2, 3x3) output-gradient transform ``A g A^T`` of every 2x2 block.

    Block ``(ty, tx)`` is ``grad[..., 2 ty : 2 ty + 2, 2 tx : 2 tx + 2]`` (zero past the edge);
    ``tiles`` is ``(16, n_out, B * tiles_h * tiles_w)``.  With the input transform of the
    forward pass, ``sum_n A g A^T * B^T d B`` is the weight gradient before ``G^T . G``.
    """
    cdef Py_ssize_t batch = grad.shape[0], n_out = grad.shape[1]
    cdef Py_ssize_t out_h = grad.shape[2], out_w = grad.shape[3]
    _check_unit_stride(tiles.strides[2], sizeof(floating))
    if (tiles.shape[0] != 16 or tiles.shape[1] != n_out
            or tiles.shape[2] != batch * tiles_h * tiles_w):
        raise ValueError(f"tiles must be (16, {n_out}, {batch * tiles_h * tiles_w})")
    cdef Py_ssize_t step = tiles.strides[0] // sizeof(floating)
    cdef Py_ssize_t plane, b, o, ty, tx, x, i
    cdef floating g00, g01, g10, g11
    cdef const floating* top
    cdef const floating* bottom
    cdef floating* dst
    with nogil:
        for plane in range(batch * n_out):
            b = plane // n_out
            o = plane % n_out
            for ty in range(tiles_h):
                dst = &tiles[0, o, (b * tiles_h + ty) * tiles_w]
                top = &grad[b, o, 2 * ty, 0]
                bottom = top + out_w if 2 * ty + 1 < out_h else NULL
                # one row of A g at a time along the row of tiles: 4 output streams, not 16
                for i in range(4):
                    for tx in range(tiles_w):
                        x = 2 * tx
                        g00 = top[x]
                        g01 = top[x + 1] if x + 1 < out_w else 0
                        g10 = bottom[x] if bottom != NULL else 0
                        g11 = bottom[x + 1] if bottom != NULL and x + 1 < out_w else 0
                        # row i of A g, with A = [[1, 0], [1, 1], [1, -1], [0, -1]]
                        if i == 0:
                            _winograd_grad_row(dst, step, tx, 0, g00, g01)
                        elif i == 1:
                            _winograd_grad_row(dst, step, tx, 1, g00 + g10, g01 + g11)
                        elif i == 2:
                            _winograd_grad_row(dst, step, tx, 2, g00 - g10, g01 - g11)
                        else:
                            _winograd_grad_row(dst, step, tx, 3, -g10, -g11)


cdef inline void _winograd_grad_row(floating* dst, Py_ssize_t step, Py_ssize_t tx, int i,
                                    floating left, floating right) noexcept nogil:
    """Row ``i`` of ``(A g) A^T`` from row ``i`` of ``A g``, into entries ``4 i .. 4 i + 3``."""
    dst[(4 * i) * step + tx] = left
    dst[(4 * i + 1) * step + tx] = left + right
    dst[(4 * i + 2) * step + tx] = left - right
    dst[(4 * i + 3) * step + tx] = -right
