"""DepthConcat: Concat that zero-pads outputs of different spatial sizes."""

from __future__ import annotations

from .concat import Concat


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
