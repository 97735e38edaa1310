"""State dicts: a network's parameters and buffers by path name, for swapping weights."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from .errors import ShapeError

if TYPE_CHECKING:
    from ._module import Module


def state_dict(module: Module) -> dict[str, np.ndarray]:
    """``{"<path>.<array>": array}`` for every parameter and buffer (paths as in find_modules)."""
    state = {}
    for path, child, _ in module.named_modules():
        for name in child.parameter_names + child.buffer_names:
            value = getattr(child, name, None)
            if isinstance(value, np.ndarray):
                state[f"{path}.{name}" if path else name] = value
    return state


def load_state_dict(module: Module, state: Mapping[str, np.ndarray], strict: bool = True) -> None:
    """Copy arrays by path name into ``module``'s existing arrays (in place: sharing is kept).

    With ``strict``, missing and unexpected names are errors; shapes must always agree.
    """
    own = state_dict(module)
    if strict:
        missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        if missing or unexpected:
            raise KeyError(f"load_state_dict: missing {missing}, unexpected {unexpected}")
    for name, value in state.items():
        if name not in own:
            continue
        target = own[name]
        if np.shape(value) != target.shape:
            raise ShapeError(f"{name}: expected shape {target.shape}, got {np.shape(value)}")
        target[...] = value
