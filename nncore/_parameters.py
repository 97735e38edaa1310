"""A network's distinct parameters and their flattening into one contiguous vector.

Torch's ``getParameters`` had known pitfalls, each refused or fixed here:

- calling it twice broke the first result: here the second call returns the same vectors;
- a parameter shared by two modules appeared (and was updated) twice: parameters are told apart
  by the memory they occupy, and ``Module.share`` shares a gradient with its parameter, so each
  distinct parameter has exactly one gradient;
- a parameter shared by assignment (``b.weight = a.weight``) with two gradients counted one of
  them only: refused, naming both modules and the fix;
- flattening part of an already flattened network (a sharing clone, a sub-network) copied its
  parameters out of the big vector and silently detached them: here it returns views into that
  vector, or refuses;
- a vector returned before the network was re-flattened or converted kept training nothing:
  such vectors, and the parameter arrays they held, become read-only.

A flat vector belongs to the module whose ``get_parameters`` made it (its *owner*).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ParameterLayoutError

if TYPE_CHECKING:
    from ._module import Module

#: the learning rate of the default ``acc_update_grad_parameters`` call in progress
_UPDATE_RATE: ContextVar[float | None] = ContextVar("nncore_update_rate", default=None)
#: ``id(flat vector) -> (vector, owner)``, weakly, for every vector ``flatten`` made
_owners: dict[int, tuple[weakref.ref, weakref.ref]] = {}


def memory_key(array: np.ndarray) -> tuple:
    """Identify the memory an array views: two arrays with equal keys are the same tensor."""
    return (array.__array_interface__["data"][0], array.shape, array.strides, array.dtype.str)


def _named_parameters(root: Module) -> Iterator[tuple[str, str, np.ndarray, np.ndarray]]:
    """``(module path, name, param, grad)`` for every declared parameter, in module order."""
    for path, module, _ in root.named_modules():
        for name, param, grad in module.own_parameters():
            if grad is None or grad.shape != param.shape:
                raise ParameterLayoutError(
                    f"expected {type(module).__name__}.grad_{name} (at {_where(path, name)}) to "
                    f"have the shape of {name} {param.shape}, got "
                    f"{None if grad is None else grad.shape}"
                )
            yield path, name, param, grad


def _where(path: str, name: str) -> str:
    return f"'{path}.{name}'" if path else f"'{name}'"


_Refs = list[tuple["weakref.ref[np.ndarray]", "weakref.ref[np.ndarray]"]]
#: per network, what ``distinct_pairs`` last checked: the arrays' geometry, the arrays (weakly:
#: a check must not keep replaced arrays alive) and which pairs it kept
_checked: weakref.WeakKeyDictionary[Module, tuple[list[tuple], _Refs, list[int]]] = (
    weakref.WeakKeyDictionary()
)


def _layout(pairs: list[tuple[str, str, np.ndarray, np.ndarray]]) -> list[tuple]:
    """What the checks of ``distinct_pairs`` depend on besides which arrays they are: their
    geometry (the memory of an array object never moves, but its shape, strides and dtype can
    be reassigned in place)."""
    return [(p.shape, g.shape, p.strides, g.strides, p.dtype, g.dtype) for _, _, p, g in pairs]


def distinct_pairs(root: Module) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(params, grads)`` of ``root``'s subtree, each distinct parameter once, in module order.

    Raises ParameterLayoutError when a gradient is missing or misshapen, when two modules share
    a parameter but not its gradient, or when two parameters overlap without being the same.
    The checks look up every array's address (microseconds each): a network whose modules hold
    the very arrays of the last call, unchanged in geometry, reuses that call's answer, so that
    ``zero_grad_parameters`` and ``update_parameters`` stay cheap in a training loop.
    """
    pairs = list(_named_parameters(root))
    layout = _layout(pairs)
    checked = _checked.get(root) if _hashable(root) else None
    if checked is not None and checked[0] == layout and _alive(checked[1], pairs):
        return [pairs[k][2] for k in checked[2]], [pairs[k][3] for k in checked[2]]
    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []
    kept: list[int] = []
    first_seen: dict[tuple, tuple[str, str, tuple]] = {}
    for k, (path, name, param, grad) in enumerate(pairs):
        key = memory_key(param)
        if key in first_seen:
            other_path, other_name, grad_key = first_seen[key]
            if memory_key(grad) != grad_key:
                raise ParameterLayoutError(
                    f"{_where(path, name)} is the same array as {_where(other_path, other_name)} "
                    f"but has its own gradient, so one of the two gradients would be lost; share "
                    f"parameters with module.share(other, {name!r}) or "
                    f"module.clone({name!r}, ...), which share the gradient too"
                )
            continue
        first_seen[key] = (path, name, memory_key(grad))
        params.append(param)
        grads.append(grad)
        kept.append(k)
    _refuse_overlaps(params, root, "parameters")
    _refuse_overlaps(grads, root, "gradients")
    if _hashable(root):
        _checked[root] = (layout, [(weakref.ref(p), weakref.ref(g)) for _, _, p, g in pairs], kept)
    return params, grads


def _hashable(root: Module) -> bool:
    # a module class defining __eq__ without __hash__ cannot key the record: checked each time
    return type(root).__hash__ is not None


def _alive(refs: _Refs, pairs: list[tuple]) -> bool:
    """Whether ``pairs`` holds the very arrays of the last check, in the same places."""
    return all(p() is q[2] and g() is q[3] for (p, g), q in zip(refs, pairs, strict=True))


def _refuse_overlaps(arrays: list[np.ndarray], root: Module, what: str) -> None:
    """Distinct parameters must not share memory: updating one would change the other."""
    spans = sorted((_byte_bounds(a), k) for k, a in enumerate(arrays) if a.size)
    for (bounds, k), (next_bounds, j) in zip(spans, spans[1:], strict=False):
        if next_bounds[0] < bounds[1] and np.shares_memory(arrays[k], arrays[j]):
            names = {id(p): _where(path, name) for path, name, p, _ in _named_parameters(root)}
            names.update(
                {
                    id(g): _where(path, "grad_" + name)
                    for path, name, _, g in _named_parameters(root)
                }
            )
            raise ParameterLayoutError(
                f"{what} {names.get(id(arrays[k]), '?')} and {names.get(id(arrays[j]), '?')} "
                "overlap in memory without being the same array; give each its own array, or "
                "share the whole parameter with module.share(other, name)"
            )


def _byte_bounds(array: np.ndarray) -> tuple[int, int]:
    """The first byte and one past the last byte that ``array`` can touch."""
    low = high = array.__array_interface__["data"][0]
    for size, stride in zip(array.shape, array.strides, strict=True):
        if stride < 0:
            low += (size - 1) * stride
        else:
            high += (size - 1) * stride
    return low, high + array.itemsize


# ----------------------------------------------------------------------------- flat vectors
def _register(flat: np.ndarray, owner: Module) -> None:
    key = id(flat)
    _owners[key] = (weakref.ref(flat), weakref.ref(owner))
    weakref.finalize(flat, _owners.pop, key, None)


def home_of(array: np.ndarray) -> tuple[np.ndarray, Module | None] | None:
    """``(flat vector, owner)`` when ``array`` lives in a vector made by ``flatten``."""
    base = array if array.base is None else array.base
    entry = _owners.get(id(base))
    if entry is None or entry[0]() is not base:
        return None
    return base, entry[1]()


def retire(arrays: list[np.ndarray]) -> None:
    """Make ``arrays`` (replaced parameters) and the flat vectors they lived in read-only, and
    forget those vectors, so that code still holding them fails instead of training nothing."""
    for array in arrays:
        home = home_of(array)
        if home is not None:
            flat, owner = home
            flat.flags.writeable = False
            if owner is not None and owner._flat_parameters is not None:
                if any(v is flat for v in owner._flat_parameters):
                    owner._flat_parameters = None
        if array.flags.writeable:
            array.flags.writeable = False


def flatten(root: Module) -> tuple[np.ndarray, np.ndarray]:
    """Make every parameter and gradient of ``root`` a view into two flat vectors."""
    params, grads = distinct_pairs(root)
    existing = root._flat_parameters
    if (
        existing is not None
        and _still_flat(existing[0], params)
        and _still_flat(existing[1], grads)
    ):
        return existing
    views = _views_of_one_vector(root, params, grads)
    if views is not None:
        root._flat_parameters = views
        return views
    dtypes = {p.dtype for p in params} | {g.dtype for g in grads}
    if len(dtypes) > 1:
        raise ParameterLayoutError(
            f"get_parameters needs one dtype for all parameters, got {sorted(map(str, dtypes))}; "
            "call .float() or .double() on the network first"
        )
    dtype = dtypes.pop() if dtypes else root.dtype
    flat_params, flat_grads = _pack(params, dtype), _pack(grads, dtype)
    replacement = dict(zip(map(memory_key, params), _views(flat_params, params), strict=True))
    replacement.update(zip(map(memory_key, grads), _views(flat_grads, grads), strict=True))
    for module in root.list_modules():
        for name in module.parameter_names:
            for attribute in (name, "grad_" + name):
                value = getattr(module, attribute, None)
                if isinstance(value, np.ndarray) and memory_key(value) in replacement:
                    setattr(module, attribute, replacement[memory_key(value)])
    retire(params + grads)
    _register(flat_params, root)
    _register(flat_grads, root)
    root._flat_parameters = (flat_params, flat_grads)
    return flat_params, flat_grads


def _views_of_one_vector(
    root: Module, params: list[np.ndarray], grads: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Views into the flat vectors of another module when ``root``'s parameters already live
    there, in order and without gaps (a sharing clone, a sub-network of a flattened network).

    Returns None when re-packing is safe: no parameter lives in another module's vector, or only
    in vectors of modules inside ``root``'s subtree (flattening a bigger network around them).
    """
    homes = [home_of(a) for a in params + grads]
    foreign = [h for h in homes if h is not None and h[1] is not root]
    if not foreign:
        return None
    inside = {id(m) for m in root.list_modules()}
    outside = [h for h in foreign if h[1] is None or id(h[1]) not in inside]
    if not outside:
        return None
    flat_params = home_of(params[0])
    flat_grads = home_of(grads[0])
    if flat_params is not None and flat_grads is not None:
        start = _offset(params[0], flat_params[0])
        if (
            _offset(grads[0], flat_grads[0]) == start
            and _consecutive(params, flat_params[0], start)
            and _consecutive(grads, flat_grads[0], start)
        ):
            end = start + sum(p.size for p in params)
            return flat_params[0][start:end], flat_grads[0][start:end]
    owner = outside[0][1]
    raise ParameterLayoutError(
        f"the parameters of {type(root).__name__} live in the flat vector that get_parameters() "
        f"made for {type(owner).__name__ if owner is not None else 'another module'}, but not "
        "in one run in its order, so they cannot be returned as views into it, and copying them "
        "out would detach them from every module sharing them; call get_parameters() on that "
        "module (the whole network) instead"
    )


def _offset(array: np.ndarray, flat: np.ndarray) -> int:
    start = array.__array_interface__["data"][0] - flat.__array_interface__["data"][0]
    return start // flat.itemsize


def _consecutive(arrays: list[np.ndarray], flat: np.ndarray, start: int) -> bool:
    return _still_flat(flat[start : start + sum(a.size for a in arrays)], arrays)


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
    if sum(a.size for a in arrays) != flat.size or not flat.flags.writeable:
        return False
    start = flat.__array_interface__["data"][0]
    offset = 0
    for array in arrays:
        expected = start + offset * flat.itemsize
        if (
            array.dtype != flat.dtype
            or not array.flags.c_contiguous
            or not array.flags.writeable
            or array.__array_interface__["data"][0] != expected
        ):
            return False
        offset += array.size
    return True


# ----------------------------------------------------------------------------- acc-update
def update_rate() -> float | None:
    """The learning rate of the enclosing default ``acc_update_grad_parameters``, or None.

    That default reaches a container's children through ``acc_grad_parameters``.  A module
    that keeps no gradient buffer (a ``LookupTable`` in acc-update-only mode, torch/nn's
    ``accUpdateOnly``) checks this in its ``acc_grad_parameters`` and updates its parameters
    directly, by ``-update_rate() * scale`` times the gradient.
    """
    return _UPDATE_RATE.get()


def acc_update(module: Module, input: Any, grad_output: Any, lr: float) -> None:
    """The default ``acc_update_grad_parameters``: accumulate into zeroed gradients, apply them
    once per distinct parameter, and restore the gradients."""
    params, grads = distinct_pairs(module)
    saved = [g.copy() for g in grads]
    for g in grads:
        g.fill(0)
    rate = _UPDATE_RATE.set(lr)
    try:
        module.acc_grad_parameters(input, grad_output, 1.0)
        for p, g in zip(params, grads, strict=True):
            p -= lr * g
    finally:
        _UPDATE_RATE.reset(rate)
        for g, old in zip(grads, saved, strict=True):
            g[...] = old
