# The kernel taps of a convolution's column matrix, and where a sliding window lies inside a
# plane (cimported by _im2col.pyx, _per_example_conv.pyx and _pooling.pyx).
#
# Row ``(c * kh + i) * kw + j`` of a column matrix holds input pixel
# ``(c, oy * sh - ph + i * dh, ox * sw - pw + j * dw)`` for every output position
# ``(oy, ox)``: a *tap*.  Planning, once per call, the range of outputs for which a tap lies
# inside the image leaves the copy loops free of bounds tests.

from libc.stdlib cimport malloc
from libc.string cimport memcpy, memset

from cython cimport floating


ctypedef struct Tap:
    # where a row of the column matrix reads its image plane: output ``(oy, ox)`` reads pixel
    # ``(oy * sh + y_off, ox * sw + x_off)`` of plane ``channel``, which lies inside the plane
    # for ``top <= oy < bottom`` and ``lo <= ox < hi``
    Py_ssize_t channel, y_off, top, bottom, x_off, lo, hi


cdef inline Py_ssize_t first_inside(Py_ssize_t offset, Py_ssize_t stride,
                                    Py_ssize_t n_out) noexcept nogil:
    """Smallest ``o >= 0`` with ``o * stride + offset >= 0`` (clamped to ``n_out``)."""
    cdef Py_ssize_t o
    if offset >= 0:
        return 0
    o = (-offset + stride - 1) // stride
    return o if o < n_out else n_out


cdef inline Py_ssize_t first_beyond(Py_ssize_t offset, Py_ssize_t stride, Py_ssize_t size,
                                    Py_ssize_t n_out) noexcept nogil:
    """Smallest ``o >= 0`` with ``o * stride + offset >= size`` (clamped to ``n_out``)."""
    cdef Py_ssize_t o, rest = size - offset
    if rest <= 0:
        return 0
    o = (rest + stride - 1) // stride
    return o if o < n_out else n_out


cdef inline Tap* plan_taps(Py_ssize_t rows, Py_ssize_t height, Py_ssize_t width, int kh, int kw,
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
        taps[r].top = first_inside(taps[r].y_off, sh, out_h)
        taps[r].bottom = max(taps[r].top, first_beyond(taps[r].y_off, sh, height, out_h))
        taps[r].x_off = r % kw * dw - pw
        taps[r].lo = first_inside(taps[r].x_off, sw, out_w)
        taps[r].hi = max(taps[r].lo, first_beyond(taps[r].x_off, sw, width, out_w))
    return taps


cdef inline void fill_row(floating* row, const floating* plane, const Tap* tap, Py_ssize_t width,
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


cdef inline void add_row(const floating* row, floating* plane, const Tap* tap, Py_ssize_t width,
                         int sh, int sw, int out_w) noexcept nogil:
    """The adjoint of :func:`fill_row`: add one row of the column matrix back onto ``plane``."""
    cdef Py_ssize_t oy, ox
    cdef floating* target
    for oy in range(tap.top, tap.bottom):
        target = plane + (oy * sh + tap.y_off) * width + tap.x_off
        for ox in range(tap.lo, tap.hi):
            target[ox * sw] += row[oy * out_w + ox]
