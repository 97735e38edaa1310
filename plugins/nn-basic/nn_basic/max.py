"""Max: the largest element over one dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._reduce import ArgReduction


class Max(ArgReduction):
    """``y = x.max(dim)`` (torch/nn ``Max``); ``indices`` keeps the argmax for backward.

    ``dimension`` is 0-based (negative counts from the end); with ``n_input_dims`` an input
    with one dimension more is a batch.  The reduced axis is dropped, except that a vector gives
    a 1-element vector.  Gradient: ``dy`` goes to the argmax, zero elsewhere.

    >>> import numpy as np
    >>> x = np.array([[1.0, 5.0], [4.0, 2.0]])
    >>> Max(0, 2).forward(x), Max(1, 2).forward(x)
    (array([4., 5.]), array([5., 4.]))
    """

    pick = staticmethod(np.argmax)


def examples() -> list[Case]:
    """The conformance kit's cases for Max."""
    return [
        Case(Max(0, 2), input_shape=(3, 2)),
        Case(Max(1, 2), input_shape=(3, 4, 5), batched=True),
        Case(Max(0), input_shape=(6,)),
    ]
