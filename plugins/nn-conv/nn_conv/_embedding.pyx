# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled embedding kernels of LookupTable: gather, scatter-add and renormalisation of rows.
Numpy twin: ``nn_conv._embedding_numpy``.

Bounds checking is off: every id is range-checked (``IndexOutOfRangeError``, an
``IndexError``) before any loop reads or writes a row, so a bad id never reads memory.
"""

import numpy as np

from libc.math cimport fabs, pow, sqrt
from libc.stdint cimport int64_t
from libc.string cimport memcpy

from cython cimport floating

from nncore.errors import IndexOutOfRangeError


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
