"""The one seedable random generator every module draws from (``reset()``, Dropout, ...)."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator used by every module's ``reset()`` and stochastic layer.

    >>> import nncore
    >>> nncore.manual_seed(0); a = nncore.random.generator().random()
    >>> nncore.manual_seed(0); b = nncore.random.generator().random()
    >>> a == b
    True
    """
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """Return the current global generator (replaced by :func:`manual_seed`)."""
    return _generator
