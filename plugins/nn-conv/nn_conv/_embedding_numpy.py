"""Pure-numpy twins of the embedding kernels in ``_embedding.pyx`` (same names, same signatures).

The fallback when the extension is missing (or ``NNCORE_NO_EXTENSIONS=1``) and the oracle the
kernel tests compare against.  Every id is checked before any row is read or written.
"""

from __future__ import annotations

import numpy as np

from nncore.plugin import IndexOutOfRangeError


def _check_ids(ids: np.ndarray, n_index: int) -> None:
    bad = ids[(ids < 0) | (ids >= n_index)]
    if bad.size:
        raise IndexOutOfRangeError(
            f"index {bad[0]} is out of range: expected 0 <= index < {n_index}"
        )


def embedding_forward(ids, weight, out) -> None:
    """``out[i] = weight[ids[i]]``."""
    _check_ids(ids, weight.shape[0])
    np.take(weight, ids, axis=0, out=out)


def embedding_backward(ids, grad, grad_weight, scale, padding_index, scale_by_frequency) -> None:
    """``grad_weight[ids[i]] += scale * grad[i]``, skipping ``padding_index``.

    With ``scale_by_frequency`` each contribution is divided by how often its id occurs.
    """
    _check_ids(ids, grad_weight.shape[0])
    factor = np.full(len(ids), scale)
    if scale_by_frequency:
        factor /= np.bincount(ids, minlength=grad_weight.shape[0])[ids]
    keep = ids != padding_index
    np.add.at(grad_weight, ids[keep], (factor[keep, None] * grad[keep]).astype(grad_weight.dtype))


def embedding_renorm(ids, weight, max_norm, norm_type) -> None:
    """Rescale rows ``weight[ids]`` whose ``norm_type``-norm exceeds ``max_norm`` down to it."""
    _check_ids(ids, weight.shape[0])
    rows = np.unique(ids)
    norms = np.linalg.norm(weight[rows].astype(np.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    weight[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(weight.dtype)
