"""Min: the smallest element over one dimension."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._reduce import ArgReduction


class Min(ArgReduction):
    """``y = x.min(dim)`` (torch/nn ``Min``); ``indices`` keeps the argmin for backward.

    ``dimension`` is 0-based (negative counts from the end); with ``n_input_dims`` an input
    with one dimension more is a batch.  The reduced axis is dropped, except that a vector gives
    a 1-element vector.  Gradient: ``dy`` goes to the argmin, zero elsewhere.

    >>> import numpy as np
    >>> x = np.array([[1.0, 5.0], [4.0, 2.0]])
    >>> Min(0, 2).forward(x), Min(-1).forward(x)
    (array([1., 2.]), array([1., 2.]))
    """

    pick = staticmethod(np.argmin)


def examples() -> list[Case]:
    """The conformance kit's cases for Min."""
    return [
        Case(Min(0, 2), input_shape=(3, 2)),
        Case(Min(-1, 2), input_shape=(3, 4, 5), batched=True),
    ]
