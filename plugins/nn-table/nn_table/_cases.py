"""Input makers for the conformance examples: tables of random arrays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def normal(*layout: Any) -> Callable[[np.random.Generator], list[Any]]:
    """``fn(rng)`` building a table of standard-normal arrays laid out like ``layout``.

    A tuple is an array shape, a list a nested table: ``normal((2, 3), [(2, 1), [(2, 2)]])``.
    """

    def build(rng: np.random.Generator, node: Any) -> Any:
        if isinstance(node, list):
            return [build(rng, item) for item in node]
        return rng.standard_normal(node)

    return lambda rng: build(rng, list(layout))


BAD_OPERANDS = ["not an array", [np.ones(3), "not an array"]]


three = normal((2, 3), (2, 1), (2, 2))


BAD_PAIRS = ["not an array", [np.ones(3)], [np.ones(3), np.ones(4)], [np.ones((2, 2, 2))] * 2]


#: a pair module gives one pair a ``(1,)`` output, as torch/nn does, not a batch's row
ONE_PAIR = {"check_batch": "one pair gives an output of size 1 (torch/nn), a batch one per row"}
