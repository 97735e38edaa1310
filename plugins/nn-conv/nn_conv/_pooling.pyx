# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled max and average pooling of planes, and their gradients.
Numpy twin: ``nn_conv._pooling_numpy``.

Planes are C-contiguous ``(planes, height, width)``; a window is clipped to its plane (padding
never wins a max, and counts for a mean only with ``count_include_pad``).  Bounds checking is
off: shapes are checked before each loop, and every argmax index read back from the caller is
range-checked before it addresses memory.
"""

from libc.stdint cimport int64_t

from cython cimport floating

from nn_conv._taps cimport first_beyond, first_inside

from nncore.errors import IndexOutOfRangeError


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
    cdef Py_ssize_t inner_lo = first_inside(-pw, sw, out_w)
    cdef Py_ssize_t inner_hi = max(inner_lo, first_beyond(kw - 1 - pw, sw, width, out_w))
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
