"""SpatialMaxUnpooling: put values back where a max pooling found its maxima."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS
from ._unpooling import UNSAVED, MaxUnpooling, after_forward
from .spatial_dilated_max_pooling import SpatialDilatedMaxPooling
from .spatial_max_pooling import SpatialMaxPooling


class SpatialMaxUnpooling(MaxUnpooling):
    """The partial inverse of a max pooling (torch/nn ``SpatialMaxUnpooling``).

    Built on the pooling module it inverts (a ``SpatialMaxPooling`` or any module with ``kh``,
    ``kw``, ``dh``, ``dw`` and, after its forward, ``indices``: the flat 0-based position
    ``row * W + col`` of each maximum).  The output has the pooling's input size, zero except
    ``y[..., indices[..., i, j]] = x[..., i, j]``; the backward pass gathers ``grad_output`` at
    the same positions.  The pooling's windows must not overlap (kernel equal to stride).
    Indices outside the output plane raise ``IndexError``.

    >>> import numpy as np
    >>> from nn_conv.spatial_dilated_max_pooling import SpatialDilatedMaxPooling
    >>> pool = SpatialDilatedMaxPooling(2, 2)
    >>> pooled = pool.forward(np.array([[[1.0, 4.0], [3.0, 2.0]]]))
    >>> SpatialMaxUnpooling(pool).forward(pooled)
    array([[[0., 4.],
            [0., 0.]]])
    """

    axes = "hw"


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialMaxUnpooling."""
    return [
        Case(
            SpatialMaxUnpooling(after_forward(SpatialDilatedMaxPooling(2, 2), (2, 2, 4, 6))),
            input_shape=(2, 2, 2, 3),
            bad_inputs=BAD_INPUTS + [np.zeros((1, 2, 2, 3))],
            skip={"check_save_load": UNSAVED},
        ),
        Case(
            SpatialMaxUnpooling(after_forward(SpatialMaxPooling(2, 1), (2, 3, 4))),
            input_shape=(2, 3, 2),
            skip={"check_save_load": UNSAVED},
        ),
    ]
