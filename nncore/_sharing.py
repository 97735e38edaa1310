"""``Module.share`` and ``Module.clone``: torch/nn's way of tying parameters between modules.

Lua's ``b:share(a, 'weight', 'bias')`` and ``a:clone('weight', 'bias')`` keep their meaning:
the named arrays become the very same arrays.  Sharing a parameter shares its gradient, so the
shared parameter is one parameter (counted and updated once).  What Lua let pass silently is
refused here: a name no module declares, networks of different structure, arrays of different
shapes or dtypes.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._gradients import NO_OUTPUT
from .errors import ParameterLayoutError

if TYPE_CHECKING:
    from ._module import Module


def _paired(mine: Module, theirs: Module) -> list[tuple[str, Module, Module]]:
    """``(path, module, its counterpart)`` through both trees, which must have one structure."""
    pairs = [("", mine, theirs)]
    for path, a, b in pairs:  # grows while it is walked: breadth first, no recursion
        children_a, children_b = list(a.named_children()), list(b.named_children())
        if [n for n, _ in children_a] != [n for n, _ in children_b]:
            raise ParameterLayoutError(
                f"share: expected {type(b).__name__} at '{path}' to have the children of "
                f"{type(a).__name__}, got {[n for n, _ in children_b]} instead of "
                f"{[n for n, _ in children_a]}"
            )
        dot = path + "." if path else ""
        pairs.extend(
            (dot + n, ca, cb) for (n, ca), (_, cb) in zip(children_a, children_b, strict=True)
        )
    return pairs


def _valid_names(pairs: list[tuple[str, Module, Module]], names: Sequence[str]) -> None:
    declared = {n for _, a, b in pairs for m in (a, b) for n in m.array_names()}
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise ParameterLayoutError(
            f"share: expected the names of arrays the modules declare, got {unknown}; valid "
            f"names are {sorted(declared)}"
        )


def share(mine: Module, theirs: Module, names: Sequence[str]) -> None:
    """Make the arrays called ``names`` in ``mine``'s subtree those of ``theirs``."""
    pairs = _paired(mine, theirs)
    _valid_names(pairs, names)
    for path, a, b in pairs:
        for name in names:
            source, target = getattr(b, name, None), getattr(a, name, None)
            if not isinstance(source, np.ndarray) or not isinstance(target, np.ndarray):
                continue
            if source.shape != target.shape or source.dtype != target.dtype:
                raise ParameterLayoutError(
                    f"share: {name} of {type(a).__name__} at '{path}' is {target.shape} "
                    f"{target.dtype}, the one to share is {source.shape} {source.dtype}: "
                    "expected the same shape and dtype"
                )
            setattr(a, name, source)
            if name in a.parameter_names:
                setattr(a, "grad_" + name, getattr(b, "grad_" + name))


def clone(original: Module, names: Sequence[str], activations: bool = True) -> Module:
    """A deep copy of ``original`` whose arrays called ``names`` are ``original``'s own.

    The shared arrays are never copied (they are given to ``deepcopy`` as already copied), so a
    sharing clone of a big network costs little more than its modules' small state.  With
    ``activations`` false, the copies' ``output`` and ``grad_input`` start empty instead of
    copying the original's (an output that is a declared array of the network is copied as
    that array is).
    """
    memo: dict[int, object] = {}
    if not activations:
        declared = {
            id(getattr(m, n, None)) for m in original.list_modules() for n in m.array_names()
        }
        for module in original.list_modules():
            for value in (module.output, module.grad_input):
                if id(value) not in declared:
                    memo[id(value)] = NO_OUTPUT
    if names:
        pairs = _paired(original, original)
        _valid_names(pairs, names)
        for _, module, _ in pairs:
            for name in names:
                for attribute in (
                    (name, "grad_" + name) if name in module.parameter_names else (name,)
                ):
                    value = getattr(module, attribute, None)
                    if isinstance(value, np.ndarray):
                        memo[id(value)] = value
    return copy.deepcopy(original, memo)
