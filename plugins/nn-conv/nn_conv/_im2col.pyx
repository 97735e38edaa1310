# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled column kernels of the GEMM convolutions: im2col, col2im and the layout swaps
around the GEMMs.  Numpy twin: ``nn_conv._im2col_numpy``.

Layouts: images are C-contiguous ``(batch, channels, height, width)``.  The column matrix of a
convolution is ``(channels * kh * kw, batch, out_h * out_w)``: row ``(c * kh + i) * kw + j`` holds
input pixel ``(c, y * sh - ph + i * dh, x * sw - pw + j * dw)`` for every output position, so
that ``weight.reshape(n_out, -1) @ cols.reshape(k, -1)`` is one GEMM over the whole batch.

Bounds checking is off: every shape is checked before the loops that use it.
"""

from libc.stdlib cimport free
from libc.string cimport memcpy

from cython cimport floating

from nn_conv._checks cimport bias_view, check_geometry, check_unit_stride
from nn_conv._taps cimport Tap, add_row, fill_row, plan_taps


cdef Tap* _column_taps(Py_ssize_t* image, Py_ssize_t* cols, int kh, int kw, int sh, int sw,
                       int ph, int pw, int dh, int dw, int out_h, int out_w) except NULL:
    """Check the geometry and a column buffer of shape ``cols`` against an image of shape
    ``image``, then plan where each row of the buffer reads (free the result)."""
    check_geometry(kh, kw, sh, sw, dh, dw, out_h, out_w)
    if cols[0] != image[1] * kh * kw or cols[1] != image[0] or cols[2] != out_h * out_w:
        raise ValueError(
            f"column buffer of shape ({cols[0]}, {cols[1]}, {cols[2]}) does not match "
            f"({image[1] * kh * kw}, {image[0]}, {out_h * out_w})")
    return plan_taps(cols[0], image[2], image[3], kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)


def im2col(const floating[:, :, :, ::1] image, floating[:, :, :] cols, int kh, int kw,
           int sh, int sw, int ph, int pw, int dh, int dw, int out_h, int out_w):
    """Write the convolution columns of ``image`` into ``cols`` (zero where padding).

    ``cols`` may be a slice of a larger buffer: only its last axis must be contiguous.
    """
    check_unit_stride(cols.strides[2], sizeof(floating))
    cdef Py_ssize_t batch = image.shape[0], width = image.shape[3], r, b
    cdef Tap* taps = _column_taps(image.shape, cols.shape, kh, kw, sh, sw, ph, pw, dh, dw,
                                  out_h, out_w)
    try:
        with nogil:
            for r in range(cols.shape[0]):
                for b in range(batch):
                    fill_row(&cols[r, b, 0], &image[b, taps[r].channel, 0, 0], &taps[r], width,
                             sh, sw, out_h, out_w)
    finally:
        free(taps)


def col2im(const floating[:, :, ::1] cols, floating[:, :, :, ::1] image, int kh, int kw,
           int sh, int sw, int ph, int pw, int dh, int dw, int out_h, int out_w):
    """Add the columns ``cols`` back onto ``image`` (the adjoint of :func:`im2col`)."""
    cdef Py_ssize_t batch = image.shape[0], width = image.shape[3], b, r
    cdef Tap* taps = _column_taps(image.shape, cols.shape, kh, kw, sh, sw, ph, pw, dh, dw,
                                  out_h, out_w)
    try:
        with nogil:
            for b in range(batch):  # each example's planes stay in cache while its rows land
                for r in range(cols.shape[0]):
                    add_row(&cols[r, b, 0], &image[b, taps[r].channel, 0, 0], &taps[r], width,
                            sh, sw, out_w)
    finally:
        free(taps)


def columns_to_batch(const floating[:, :, ::1] source, floating[:, :, ::1] target, bias):
    """``target[b, o, p] = source[o, b, p] (+ bias[o])``: a GEMM result back to batch-first."""
    cdef Py_ssize_t n_out = source.shape[0], batch = source.shape[1], size = source.shape[2]
    if target.shape[0] != batch or target.shape[1] != n_out or target.shape[2] != size:
        raise ValueError("target must have the shape of source with its first two axes swapped")
    cdef const floating[::1] add = bias_view(bias, n_out, <floating> 0)
    cdef bint has_bias = add is not None
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
    check_unit_stride(target.strides[2], sizeof(floating))
    cdef Py_ssize_t batch = source.shape[0], n_out = source.shape[1], size = source.shape[2]
    if target.shape[0] != n_out or target.shape[1] != batch or target.shape[2] != size:
        raise ValueError("target must have the shape of source with its first two axes swapped")
    cdef Py_ssize_t pair, b, o, p
    with nogil:
        for pair in range(batch * n_out):
            o = pair // batch
            b = pair % batch
            memcpy(&target[o, b, 0], &source[b, o, 0], size * sizeof(floating))
