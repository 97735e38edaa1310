"""Pure-numpy twins of the per-example convolutions in ``_per_example_conv.pyx`` (same names,
same signatures; ``threads`` is ignored: the whole batch goes through one product).

The fallback when the extension is missing (or ``NNCORE_NO_EXTENSIONS=1``) and the oracle the
kernel tests compare against.  See ``_per_example_conv.pyx`` for the layouts and the argument types.
"""

from __future__ import annotations

import numpy as np

from ._im2col_numpy import col2im, im2col


def conv2d_gemm_forward(
    image, weight, bias, out, kept, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w, threads
) -> None:
    """``out[b] = weight @ columns(image[b]) (+ bias)`` for every example; the columns are left
    in ``kept`` unless it is None."""
    rows = image.shape[1] * kh * kw
    columns = (
        kept if kept is not None else np.empty((rows, image.shape[0], out_h * out_w), image.dtype)
    )
    im2col(image, columns, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)
    out[...] = np.matmul(weight, columns.transpose(1, 0, 2))
    if bias is not None:
        out += bias[:, None]


def conv2d_gemm_backward_input(
    grad_out, weight, grad_in, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w, threads
) -> None:
    """``grad_in[b] = col2im(weight.T @ grad_out[b])`` for every example (overwritten)."""
    columns = np.ascontiguousarray(np.matmul(weight.T, grad_out).transpose(1, 0, 2))
    grad_in[...] = 0
    col2im(columns, grad_in, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)


def conv2d_gemm_backward_weight(
    image, grad_out, grad_weight, kept, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w, threads
) -> None:
    """``grad_weight += sum over b of grad_out[b] @ columns(image[b]).T``; the columns come
    from ``kept`` unless it is None."""
    columns = kept
    if columns is None:
        rows = image.shape[1] * kh * kw
        columns = np.empty((rows, image.shape[0], out_h * out_w), image.dtype)
        im2col(image, columns, kh, kw, sh, sw, ph, pw, dh, dw, out_h, out_w)
    rows, batch, positions = columns.shape
    grads = grad_out.transpose(1, 0, 2).reshape(grad_out.shape[1], batch * positions)
    grad_weight += grads @ columns.reshape(rows, batch * positions).T
