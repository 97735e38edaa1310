"""VolumetricReplicationPadding: pad the three spatial axes by repeating the border."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._separable import (
    Padding,
)


class VolumetricReplicationPadding(Padding):
    """Replication padding of ``(C, T, H, W)`` or ``(N, C, T, H, W)`` (torch/nn
    ``VolumetricReplicationPadding``).

    ``y[..., t, i, j] = x[..., clip(t - pfront), clip(i - ptop), clip(j - pleft)]``, each index
    clipped to its axis; omitted pads default to ``pleft``.

    >>> import numpy as np
    >>> VolumetricReplicationPadding(1, 0, 0, 0, 0, 2).forward(np.ones((1, 2, 2, 2))).shape
    (1, 4, 2, 3)
    """

    mode = "replicate"
    spatial = 3

    def __init__(
        self,
        pleft: int,
        pright: int | None = None,
        ptop: int | None = None,
        pbottom: int | None = None,
        pfront: int | None = None,
        pback: int | None = None,
    ) -> None:
        super().__init__()
        self.pleft = pleft
        self.pright, self.ptop, self.pbottom, self.pfront, self.pback = (
            pleft if p is None else p for p in (pright, ptop, pbottom, pfront, pback)
        )

    def pads(self) -> list[tuple[int, int]]:
        return [(self.pfront, self.pback), (self.ptop, self.pbottom), (self.pleft, self.pright)]


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricReplicationPadding."""
    return batch_cases(
        VolumetricReplicationPadding(1, 0, 0, 1, 2, 1), (2, 2, 2, 2, 3), bad_inputs=BAD_INPUTS
    )
