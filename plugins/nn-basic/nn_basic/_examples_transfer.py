"""Conformance-kit examples for nn-basic's transfer functions."""

from __future__ import annotations

from nncore.testing import Case

from .tanh import Tanh


def examples() -> dict[str, list[Case]]:
    return {
        "Tanh": [Case(Tanh(), input_shape=(3, 4), batched=True)],
    }
