# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled Winograd F(2x2, 3x3) transforms of 3x3 stride-1 convolutions.
Numpy twin: ``nn_conv._winograd_numpy``.

Every 2x2 output block comes from a 4x4 input tile: ``A^T [(G g G^T) * (B^T d B)] A``.  These
kernels compute the input transform ``B^T d B``, the output transform ``A^T m A`` and the
output-gradient transform ``A g A^T``; the 16 GEMMs between them are numpy's.  Transformed
tiles are ``(16, planes, B * tiles_h * tiles_w)``, entry ``4 i + j`` of each tile first.

Bounds checking is off: every shape is checked before the loops that use it.
"""

from libc.stdlib cimport free, malloc

from cython cimport floating

from nn_conv._checks cimport bias_view, check_unit_stride


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
    check_unit_stride(tiles.strides[2], sizeof(floating))
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
    cdef const floating[::1] add = bias_view(bias, n_out, <floating> 0)
    cdef bint has_bias = add is not None
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
    check_unit_stride(tiles.strides[2], sizeof(floating))
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
