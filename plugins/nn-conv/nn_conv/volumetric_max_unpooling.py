"""VolumetricMaxUnpooling: put values back where a volumetric max pooling found its maxima."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS
from ._unpooling import UNSAVED, MaxUnpooling, after_forward
from .volumetric_max_pooling import VolumetricMaxPooling


class VolumetricMaxUnpooling(MaxUnpooling):
    """The partial inverse of a volumetric max pooling (torch/nn ``VolumetricMaxUnpooling``).

    Built on the pooling module it inverts (a ``VolumetricMaxPooling`` or any module with
    ``kt``, ``kh``, ``kw``, ``dt``, ``dh``, ``dw`` and, after its forward, ``indices``: the flat
    0-based position ``(t * H + row) * W + col`` of each maximum in its volume).  Input
    ``(C, T', H', W')`` or ``(N, C, T', H', W')``; the output has the pooling's input size,
    zero except ``y[..., indices[..., i]] = x[..., i]``, and the backward pass gathers
    ``grad_output`` at the same positions.  The pooling's windows must not overlap (kernel
    equal to stride).  Indices outside the output volume raise ``IndexError``.

    >>> import numpy as np
    >>> pool = VolumetricMaxPooling(2, 2, 2)
    >>> pooled = pool.forward(np.arange(8.0).reshape(1, 2, 2, 2))
    >>> VolumetricMaxUnpooling(pool).forward(pooled)[0, 1]
    array([[0., 0.],
           [0., 7.]])
    """

    axes = "thw"


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricMaxUnpooling."""
    return [
        Case(
            VolumetricMaxUnpooling(after_forward(VolumetricMaxPooling(2, 2, 2), (2, 2, 4, 4, 6))),
            input_shape=(2, 2, 2, 2, 3),
            bad_inputs=BAD_INPUTS + [np.zeros((1, 2, 2, 2, 3))],
            skip={"check_save_load": UNSAVED},
        ),
        Case(
            VolumetricMaxUnpooling(after_forward(VolumetricMaxPooling(1, 2, 3), (3, 2, 6, 4))),
            input_shape=(3, 2, 2, 2),
            skip={"check_save_load": UNSAVED},
        ),
    ]
