"""Inputs and targets the conformance examples of several layers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def normal(*shapes: Any) -> Callable[[np.random.Generator], Any]:
    """``fn(rng)`` giving a table of standard-normal arrays of these shapes (nested lists nest)."""

    def make(rng: np.random.Generator) -> Any:
        def one(shape: Any) -> Any:
            if isinstance(shape, list):
                return [one(s) for s in shape]
            return rng.standard_normal(shape)

        return [one(s) for s in shapes]

    return make
