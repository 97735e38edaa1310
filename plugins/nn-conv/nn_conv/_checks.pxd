# Argument checks the compiled kernels share (cimported by _im2col.pyx, _per_example_conv.pyx
# and _winograd.pyx): every shape a loop relies on is checked before bounds checking goes off.

from cython cimport floating


cdef inline int check_unit_stride(Py_ssize_t stride, size_t itemsize) except -1:
    if stride != <Py_ssize_t> itemsize:
        raise ValueError("the last axis of the column buffer must be contiguous")
    return 0


cdef inline int check_geometry(int kh, int kw, int sh, int sw, int dh, int dw, int out_h,
                               int out_w) except -1:
    if kh < 1 or kw < 1 or out_h < 0 or out_w < 0:
        raise ValueError("kernel sizes must be positive and output sizes non-negative")
    if sh < 1 or sw < 1 or dh < 1 or dw < 1:
        raise ValueError("strides and dilations must be positive")
    return 0


cdef inline const floating[::1] bias_view(object bias, Py_ssize_t n_out, floating kind):
    """``bias`` (one entry per output plane) as a memoryview; None stays None."""
    cdef const floating[::1] view
    if bias is None:
        return None
    view = bias
    if view.shape[0] != n_out:
        raise ValueError("bias must have one entry per output plane")
    return view
