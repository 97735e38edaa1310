"""SELU: the self-normalising scaled ELU."""

from __future__ import annotations

from nncore.plugin import Case

from ._cases import pointwise_cases
from ._pointwise import inplace_repr
from .elu import ELU


class SELU(ELU):
    """``y = lambda * ELU_alpha(x)`` with ``alpha = 1.6732632423543772``, ``lambda =
    1.0507009873554805`` (Klambauer et al. 2017; torch/nn ``SELU``).

    >>> import numpy as np
    >>> SELU().forward(np.array([1.0]))
    array([1.05070099])
    """

    scale = 1.0507009873554804934193349852946

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(1.6732632423543772848170429916717, inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self)


def examples() -> list[Case]:
    """The conformance kit's cases for SELU."""
    return pointwise_cases(SELU(), SELU(inplace=True))
