"""Trees of values in a saved file: an optimiser's state, or any dict of arrays and JSON values.

``nncore.save(tree, path)`` writes a dict whose values are None, bools, numbers, strings, numpy
arrays, numpy scalars and dtypes, and lists, tuples and string-keyed dicts of those; the arrays
become the file's tensors and the rest one JSON document (the ``"tree"`` of the description),
tagged as module configs are (``__array__``, ``__tuple__``, ``__dict__``, ``__dtype__``) plus
``__scalar__`` for a numpy scalar, so that every value comes back with its type and bits:
``nncore.load`` returns an equal dict (arrays as fresh, writable copies).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._file_format import CONFIG_DTYPES, MAX_DEPTH
from .errors import LoadError, SaveError


def encode(value: Any, tensor: Callable[[np.ndarray], str], where: str = "", depth: int = 0) -> Any:
    """The JSON-ready form of ``value``; ``tensor(array)`` stores an array and names it."""
    if depth > MAX_DEPTH:
        raise SaveError(f"expected values nested at most {MAX_DEPTH} deep, got more at {where!r}")
    if isinstance(value, np.generic):  # before float: np.float64 is one
        if value.dtype.name in CONFIG_DTYPES:
            return {"__scalar__": [value.dtype.name, value.item()]}
    elif value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray):
        return {"__array__": tensor(value)}
    if isinstance(value, np.dtype) and value.name in CONFIG_DTYPES:
        return {"__dtype__": value.name}
    if isinstance(value, (list, tuple)):
        items = [encode(v, tensor, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {
            "__dict__": {k: encode(v, tensor, f"{where}.{k}", depth + 1) for k, v in value.items()}
        }
    raise SaveError(
        f"cannot save {type(value).__name__} at {where or 'the top'!r}: a saved tree holds None, "
        "bools, numbers, strings, numpy arrays, scalars and dtypes, and lists, tuples and "
        "string-keyed dicts of those (save a network with nncore.save(module, path))"
    )


def decode(value: Any, tensors: dict[str, np.ndarray], where: str, depth: int = 0) -> Any:
    """The value ``encode`` described, from the file ``where`` whose tensors are ``tensors``."""
    if depth > MAX_DEPTH:
        raise LoadError(f"{where}: expected values nested at most {MAX_DEPTH} deep, got more")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v, tensors, where, depth + 1) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "__array__" and isinstance(inner, str) and inner in tensors:
            return tensors[inner].copy()
        if tag == "__tuple__" and isinstance(inner, list):
            return tuple(decode(v, tensors, where, depth + 1) for v in inner)
        if tag == "__dict__" and isinstance(inner, dict):
            return {str(k): decode(v, tensors, where, depth + 1) for k, v in inner.items()}
        if tag == "__dtype__" and inner in CONFIG_DTYPES:
            return np.dtype(inner)
        if tag == "__scalar__" and isinstance(inner, list) and len(inner) == 2:
            name, number = inner
            if name in CONFIG_DTYPES and isinstance(number, (bool, int, float)):
                return np.dtype(name).type(number)
    raise LoadError(f"{where}: the saved tree has an unreadable value {value!r:.100}")
