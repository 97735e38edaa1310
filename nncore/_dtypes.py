"""Dtypes: what modules convert to, and what they do with the dtype of what they are given.

A module computes in its dtype (float64 unless converted with ``float()``/``type()``).  What it
does with an input array is declared by its class (``Module.accepts``), one of:

- ``"float"``: real numbers.  Integer, bool and float16 arrays are cast to the module's dtype
  (the result is the cast input's result); an array of another floating dtype is refused with
  the cast that fixes it, as torch/nn and PyTorch refuse mixed types; complex, string and object
  arrays are refused.
- ``"index"``: indices (ids, class targets, masks).  Passed as given; the module checks them.
- ``"any"``: passed as given, for modules that only move values around or hand them on
  (containers, shape and table plumbing).

A table input takes one policy for every leaf, or a tuple with one policy per element (the
first applies to a module's input that is not a table).

``convert`` is ``Module.type``: an array that already has the target dtype is kept (no copy),
and what a conversion replaces becomes read-only (see ``nncore._parameters``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._location import add_note
from .errors import InputTypeError

if TYPE_CHECKING:
    from ._module import Module

Dtype = Any  # anything np.dtype() accepts, plus Torch's 'torch.FloatTensor' names
Policy = Any  # "float", "index", "any", or a tuple of policies for the elements of a table

_TORCH_TYPE_NAMES = {
    "torch.FloatTensor": np.float32,
    "torch.DoubleTensor": np.float64,
    "float": np.float32,
    "double": np.float64,
}
_ndarray = np.ndarray  # (one global lookup instead of two in per-call loops over tables)
#: the dtypes modules compute in
FLOATING = (np.dtype(np.float32), np.dtype(np.float64))


def as_dtype(dtype: Dtype) -> np.dtype:
    """Turn ``np.float32``, ``"float32"`` or ``"torch.FloatTensor"`` into a floating np.dtype."""
    try:
        resolved = np.dtype(
            _TORCH_TYPE_NAMES.get(dtype, dtype) if isinstance(dtype, str) else dtype
        )
    except TypeError as error:
        raise InputTypeError(f"expected a dtype (float32 or float64), got {dtype!r}") from error
    if resolved not in FLOATING:
        raise InputTypeError(f"expected a module dtype of float32 or float64, got {resolved}")
    return resolved


def accept(value: Any, policy: Policy, dtype: np.dtype, what: str = "input") -> Any:
    """``value`` as a module of dtype ``dtype`` with this input ``policy`` computes on it."""
    if isinstance(policy, tuple):
        if not isinstance(value, list):  # one array where a table may be given: the first's
            return accept(value, policy[0], dtype, what)
        return [
            accept(item, policy[min(k, len(policy) - 1)], dtype, f"{what}[{k}]")
            for k, item in enumerate(value)
        ]
    if policy != "float":
        return value
    if isinstance(value, np.ndarray):
        return _floating(value, dtype, what)
    if isinstance(value, list):
        for item in value:  # (a loop: cheaper than all() over a generator for short tables)
            if type(item) is not _ndarray or item.dtype is not dtype:
                return [accept(item, policy, dtype, f"{what}[{k}]") for k, item in enumerate(value)]
        return value  # the per-call case of a table layer: nothing to cast
    return value


def explain_cast(error: BaseException, module: Module) -> None:
    """Say, on an indexing error, that the module's input was cast to floating point."""
    if isinstance(error, (IndexError, TypeError)):
        add_note(
            error,
            f"(the input was cast to {module.dtype.name} because {type(module).__name__} "
            "declares accepts = 'float'; a module that takes indices declares accepts = 'index')",
        )


def _floating(array: np.ndarray, dtype: np.dtype, what: str) -> np.ndarray:
    if array.dtype == dtype:
        return array
    kind = array.dtype.kind
    if (
        kind in "iub"
        or array.dtype == np.float16
        or (
            kind == "f" and array.dtype.itemsize == dtype.itemsize  # another byte order
        )
    ):
        return array.astype(dtype)
    if kind == "f":
        message = (
            f"expected {what} of dtype {dtype.name} (the module's dtype), got "
            f"{array.dtype.name}: cast it with x.astype(np.{dtype.name})"
        )
        if array.dtype in FLOATING:
            method = "float" if array.dtype == np.float32 else "double"
            message += f", or convert the network with .{method}() to compute in {array.dtype.name}"
        raise InputTypeError(message)
    raise InputTypeError(
        f"expected {what} holding real numbers (a float, integer or bool array), got dtype "
        f"{array.dtype}"
    )


def convert(root: Module, dtype: np.dtype) -> None:
    """``root.type(dtype)``: convert every declared floating array of the subtree, keeping
    sharing, copying nothing that already has ``dtype``, and retiring what was replaced."""
    from ._parameters import memory_key, retire

    converted: dict[tuple, np.ndarray] = {}
    replaced: list[np.ndarray] = []
    kept: set[int] = set()  # descendants of a module with ``casts_children = False``
    for _, module, container in root.named_modules():
        if container is not None and (
            id(container) in kept or not getattr(container, "casts_children", True)
        ):
            kept.add(id(module))
            continue
        trainable = set(module.parameter_names) | {"grad_" + p for p in module.parameter_names}
        for name in module.array_names():
            value = getattr(module, name, None)
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                continue
            if value.dtype == dtype:
                continue
            key = memory_key(value)
            if key not in converted:
                converted[key] = value.astype(dtype)
                if name in trainable:
                    replaced.append(value)
            setattr(module, name, converted[key])
        if module._dtype != dtype:
            module._dtype = dtype
            module.clear_state()
    retire(replaced)
