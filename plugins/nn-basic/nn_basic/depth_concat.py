"""DepthConcat: Concat that zero-pads outputs of different spatial sizes."""

from __future__ import annotations

from nncore.plugin import Case

from .concat import Concat
from .linear import Linear
from .tanh import Tanh


class DepthConcat(Concat):
    """Concat along ``dimension`` where the other dimensions may differ (torch/nn
    ``DepthConcat``, the Inception block's join): the output takes the largest size in each
    other dimension, every child's output sits centred in it (``(largest - size) // 2`` from the
    start) and the rest is zero.  Each child's gradient is its window of ``dy``.

    >>> from nncore import nn
    >>> print(DepthConcat(0).add(nn.Identity()))
    nn.DepthConcat(0) {
      input
      |`-> (0): nn.Identity
       ... -> output
    }
    """

    _pad = True


def examples() -> list[Case]:
    """The conformance kit's cases for DepthConcat."""
    return [
        Case(
            DepthConcat(0).add(Linear(4, 3)).add(Linear(4, 1)).add(Linear(4, 2)), input_shape=(3, 4)
        ),
        Case(DepthConcat(-1).add(Linear(4, 3)).add(Tanh()), input_shape=(5, 4), batched=True),
    ]
