"""Trees of values in a saved file: what ``nncore.save`` writes and ``nncore.load`` gives back.

A tree is a module, None, a bool, a number, a string, a numpy array, scalar or dtype, or a
list, tuple or string-keyed dict of trees, nested at most ``MAX_DEPTH`` deep.  The arrays
become the file's tensors (an array that appears twice is stored once), the modules its module
records, and the rest one JSON document (the ``"tree"`` of the description), tagged as module
configs are (``__array__``, ``__module__``, ``__tuple__``, ``__dict__``, ``__dtype__``) plus
``__scalar__`` for a numpy scalar, so that every value comes back with its type and bits.
Floats that are not finite are written as Python's ``json`` writes them (``NaN``,
``Infinity``, ``-Infinity``) and come back as the same floats.  Module configs are written and
read with the same functions (``config=True`` and the loader's copies of tensors).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._file_format import CONFIG_DTYPES, MAX_DEPTH
from ._module import Module
from .errors import LoadError, SaveError

#: integers outside this range are refused: JSON readers other than Python's lose them
INT_RANGE = (-(2**63), 2**64)


def encode(
    value: Any,
    tensor: Callable[[np.ndarray], str],
    module: Callable[[Module], int],
    where: str = "",
    depth: int = 0,
    config: bool = False,
) -> Any:
    """The JSON-ready form of ``value``; ``tensor(array)`` stores an array and names it,
    ``module(m)`` describes a module and gives its id.

    A module's ``config()`` (``config=True``) is encoded as constructors take it: numpy scalars
    as plain numbers, and dtype classes (``np.float32``, ``float``) as dtypes.
    """
    if depth > MAX_DEPTH:
        raise SaveError(f"expected values nested at most {MAX_DEPTH} deep, got more at {where!r}")
    if isinstance(value, np.generic):  # before float: np.float64 is one
        if value.dtype.name in CONFIG_DTYPES:
            return value.item() if config else {"__scalar__": [value.dtype.name, value.item()]}
    elif config and isinstance(value, type) and _dtype_name(value) in CONFIG_DTYPES:
        return {"__dtype__": _dtype_name(value)}
    elif isinstance(value, int) and not isinstance(value, bool):
        if not INT_RANGE[0] <= value < INT_RANGE[1]:
            raise SaveError(
                f"expected an integer of at most 64 bits at {where or 'the top'!r}, got one of "
                f"{value.bit_length()} bits"
            )
        return value
    elif value is None or isinstance(value, (bool, float, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.name not in CONFIG_DTYPES:
            raise SaveError(
                f"cannot save an array of dtype {value.dtype} at {where or 'the top'!r}: "
                f"a saved array has one of the dtypes {', '.join(CONFIG_DTYPES)}"
            )
        return {"__array__": tensor(value)}
    if isinstance(value, Module):
        return {"__module__": module(value)}
    if isinstance(value, np.dtype) and value.name in CONFIG_DTYPES:
        return {"__dtype__": value.name}
    if isinstance(value, (list, tuple)):
        items = [
            encode(v, tensor, module, f"{where}[{i}]", depth + 1, config)
            for i, v in enumerate(value)
        ]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {
            "__dict__": {
                k: encode(v, tensor, module, f"{where}.{k}", depth + 1, config)
                for k, v in value.items()
            }
        }
    raise SaveError(
        f"cannot save {type(value).__name__} at {where or 'the top'!r}: a saved tree or config "
        "holds modules, None, bools, numbers, strings, numpy arrays, scalars and dtypes, and "
        "lists, tuples and string-keyed dicts of those"
    )


def _dtype_name(cls: type) -> str | None:
    try:
        return np.dtype(cls).name
    except TypeError:  # a class that names no dtype
        return None


def decode(
    value: Any,
    array: Callable[[str], np.ndarray | None],
    modules: Mapping[int, Module],
    where: str,
    depth: int = 0,
) -> Any:
    """The value ``encode`` described: ``array(name)`` gives the array of a tensor (None if
    the file has no such tensor), ``modules`` the modules built from the file.  ``where`` says
    what is read (``"net.nncore"``, ``"net.nncore: nn-basic:Linear's config"``)."""
    if depth > MAX_DEPTH:
        raise LoadError(f"{where}: expected values nested at most {MAX_DEPTH} deep, got more")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v, array, modules, where, depth + 1) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        found = array(inner) if tag == "__array__" and isinstance(inner, str) else None
        if found is not None:
            return found
        if tag == "__module__" and is_int(inner) and inner in modules:
            return modules[inner]
        if tag == "__tuple__" and isinstance(inner, list):
            return tuple(decode(v, array, modules, where, depth + 1) for v in inner)
        if tag == "__dict__" and isinstance(inner, dict):
            return {str(k): decode(v, array, modules, where, depth + 1) for k, v in inner.items()}
        if tag == "__dtype__":
            if inner in CONFIG_DTYPES:
                return np.dtype(inner)
            raise LoadError(f"{where}: expected a dtype in {CONFIG_DTYPES}, got {inner!r:.40}")
        if tag == "__scalar__" and isinstance(inner, list) and len(inner) == 2:
            return _scalar(inner[0], inner[1], where)
    raise LoadError(f"{where} has an unreadable value {value!r:.100}")


def _scalar(name: Any, number: Any, where: str) -> np.generic:
    if name in CONFIG_DTYPES and isinstance(number, (bool, int, float)):
        try:
            with np.errstate(over="raise"):  # 1e300 as a float16: no file saved it
                return np.dtype(name).type(number)
        except (OverflowError, ValueError, FloatingPointError):  # 2**70 as an int64, -1 as a uint8
            pass
    raise LoadError(f"{where} has an unreadable scalar {[name, number]!r:.100}")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
