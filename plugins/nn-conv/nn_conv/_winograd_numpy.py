"""Pure-numpy twins of the Winograd transforms in ``_winograd.pyx`` (same names, same signatures).

The fallback when the extension is missing (or ``NNCORE_NO_EXTENSIONS=1``) and the oracle the
kernel tests compare against.  See ``_winograd.pyx`` for the layouts and the argument types.
"""

from __future__ import annotations

import numpy as np

_BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
_AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])


def winograd_input(image, tiles, ph, pw, tiles_h, tiles_w) -> None:
    """Winograd F(2x2, 3x3) input transform ``B^T d B`` of every 4x4 tile of the padded image.

    Tile ``(ty, tx)`` starts at padded pixel ``(2 ty, 2 tx)``; pixels outside the image are 0.
    ``tiles`` is ``(16, C, B * tiles_h * tiles_w)``, entry ``4 i + j`` of the transformed tile.
    """
    batch, channels, height, width = image.shape
    padded = np.zeros((batch, channels, 2 * tiles_h + 2, 2 * tiles_w + 2), image.dtype)
    rows, cols = min(height, 2 * tiles_h + 2 - ph), min(width, 2 * tiles_w + 2 - pw)
    padded[:, :, ph : ph + rows, pw : pw + cols] = image[:, :, :rows, :cols]
    d = np.lib.stride_tricks.sliding_window_view(padded, (4, 4), axis=(2, 3))[:, :, ::2, ::2]
    transformed = _BT.astype(image.dtype) @ d @ _BT.T.astype(image.dtype)  # (B, C, th, tw, 4, 4)
    tiles[...] = transformed.transpose(4, 5, 1, 0, 2, 3).reshape(16, channels, -1)


def winograd_output(products, out, bias, tiles_h, tiles_w) -> None:
    """Winograd F(2x2, 3x3) output transform ``A^T m A`` of every tile into ``out`` (+ bias).

    ``products`` is ``(16, n_out, B * tiles_h * tiles_w)``; tile ``(ty, tx)`` gives the 2x2
    output block at ``(2 ty, 2 tx)``, clipped to ``out``.
    """
    batch, n_out, out_h, out_w = out.shape
    m = products.reshape(4, 4, n_out, batch, tiles_h, tiles_w).transpose(3, 2, 4, 5, 0, 1)
    blocks = _AT.astype(out.dtype) @ m @ _AT.T.astype(out.dtype)  # (B, O, th, tw, 2, 2)
    full = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(batch, n_out, 2 * tiles_h, 2 * tiles_w)
    out[...] = full[:, :, :out_h, :out_w]
    if bias is not None:
        out += bias[:, None, None]


def winograd_grad_output(grad, tiles, tiles_h, tiles_w) -> None:
    """Winograd F(2x2, 3x3) output-gradient transform ``A g A^T`` of every 2x2 block.

    Block ``(ty, tx)`` is ``grad[..., 2 ty : 2 ty + 2, 2 tx : 2 tx + 2]`` (zero past the edge);
    ``tiles`` is ``(16, n_out, B * tiles_h * tiles_w)``.
    """
    batch, n_out, out_h, out_w = grad.shape
    padded = np.zeros((batch, n_out, 2 * tiles_h, 2 * tiles_w), grad.dtype)
    padded[:, :, :out_h, :out_w] = grad
    blocks = padded.reshape(batch, n_out, tiles_h, 2, tiles_w, 2).transpose(0, 1, 2, 4, 3, 5)
    a = _AT.T.astype(grad.dtype)
    transformed = a @ blocks @ a.T  # (B, O, th, tw, 4, 4)
    tiles[...] = transformed.transpose(4, 5, 1, 0, 2, 3).reshape(16, n_out, -1)
