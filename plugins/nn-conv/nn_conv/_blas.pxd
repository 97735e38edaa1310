# The BLAS product the per-example convolutions call without the GIL (scipy's Cython BLAS,
# cimported by _per_example_conv.pyx).
#
# BLAS is column-major: a row-major ``(r, c)`` matrix with row stride ``ld`` is its ``(c, r)``
# transpose to BLAS.

from cython cimport floating
from scipy.linalg.cython_blas cimport dgemm, sgemm


cdef enum:
    #: the longest matrix side (and row stride) BLAS's 32-bit integers address
    BLAS_INT_MAX = 2147483647


cdef inline void gemm(char* trans_a, char* trans_b, int m, int n, int k, const floating* a,
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
