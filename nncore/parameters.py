"""Distinct parameters of a network and their flattening into one contiguous vector.

Torch's ``getParameters`` had three known pitfalls, fixed here: calling it twice broke the first
result; a parameter shared by two modules appeared (and was updated) twice; and parameters shared
without their gradients gave a gradient vector longer than the parameter vector.  Parameters are
told apart by the memory they occupy (``memory_key``), and ``Module.share`` shares a gradient with
its parameter, so each distinct parameter has exactly one gradient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .errors import ParameterLayoutError

if TYPE_CHECKING:
    from .module import Module


def memory_key(array: np.ndarray) -> tuple:
    """Identify the memory an array views: two arrays with equal keys are the same tensor."""
    return (array.__array_interface__["data"][0], array.shape, array.strides, array.dtype.str)


def distinct_pairs(root: Module) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(params, grads)`` of ``root``'s subtree, each distinct parameter once, in module order."""
    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []
    seen: set[tuple] = set()
    for module in root.list_modules():
        for name, param, grad in module.own_parameters():
            key = memory_key(param)
            if key in seen:
                continue
            if grad is None or grad.shape != param.shape:
                raise ParameterLayoutError(
                    f"{type(module).__name__}.grad_{name} must have the shape of {name} "
                    f"{param.shape}, got {None if grad is None else grad.shape}"
                )
            seen.add(key)
            params.append(param)
            grads.append(grad)
    return params, grads


def flatten(root: Module) -> tuple[np.ndarray, np.ndarray]:
    """Make every parameter and gradient of ``root`` a view into two flat vectors."""
    params, grads = distinct_pairs(root)
    existing = getattr(root, "_flat_parameters", None)
    if (
        existing is not None
        and _still_flat(existing[0], params)
        and _still_flat(existing[1], grads)
    ):
        return existing
    dtypes = {p.dtype for p in params} | {g.dtype for g in grads}
    if len(dtypes) > 1:
        raise ParameterLayoutError(
            f"get_parameters needs one dtype for all parameters, got {sorted(map(str, dtypes))}; "
            "call .float() or .double() on the network first"
        )
    dtype = dtypes.pop() if dtypes else root.dtype
    flat_params = _pack(params, dtype)
    flat_grads = _pack(grads, dtype)
    views = {
        memory_key(old): new for old, new in zip(params, _views(flat_params, params), strict=False)
    }
    views.update(
        {memory_key(old): new for old, new in zip(grads, _views(flat_grads, grads), strict=False)}
    )
    for module in root.list_modules():
        for name in module.parameter_names:
            for attribute in (name, "grad_" + name):
                value = getattr(module, attribute, None)
                if isinstance(value, np.ndarray) and memory_key(value) in views:
                    setattr(module, attribute, views[memory_key(value)])
    root._flat_parameters = (flat_params, flat_grads)
    return flat_params, flat_grads


def _pack(arrays: list[np.ndarray], dtype: np.dtype) -> np.ndarray:
    flat = np.empty(sum(a.size for a in arrays), dtype=dtype)
    offset = 0
    for array in arrays:
        flat[offset : offset + array.size] = array.ravel()
        offset += array.size
    return flat


def _views(flat: np.ndarray, arrays: list[np.ndarray]) -> list[np.ndarray]:
    views, offset = [], 0
    for array in arrays:
        views.append(flat[offset : offset + array.size].reshape(array.shape))
        offset += array.size
    return views


def _still_flat(flat: np.ndarray, arrays: list[np.ndarray]) -> bool:
    """True when ``arrays`` are, in order, exactly the consecutive views of ``flat``."""
    if sum(a.size for a in arrays) != flat.size:
        return False
    start = flat.__array_interface__["data"][0]
    offset = 0
    for array in arrays:
        expected = start + offset * flat.itemsize
        if (
            array.dtype != flat.dtype
            or not array.flags.c_contiguous
            or array.__array_interface__["data"][0] != expected
        ):
            return False
        offset += array.size
    return True
