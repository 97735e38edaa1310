"""Replacing modules across packages: every match of a query becomes another provider's class.

>>> from nncore import nn, swap
>>> net = nn.Sequential().add(nn.Linear(3, 2)).add(nn.Tanh())
>>> [str(change) for change in swap(net, "Tanh", "ReLU", dry_run=True)]
["'1': nn.Tanh -> nn-basic:ReLU"]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._module import Module
from .errors import NNCoreError, ParameterLayoutError
from .random import generator


class SwapError(NNCoreError, ValueError):
    """A match cannot be rebuilt as the target class (configuration or parameter layout)."""


@dataclass
class Change:
    """One replacement: where, what was there, what replaces it."""

    path: str
    old: Module
    new: Module | None
    target: str

    def __str__(self) -> str:
        first = repr(self.old).splitlines()[0].rstrip(" {")
        return f"{self.path!r}: {first} -> {self.target}"


def swap(
    net: Module, query: Any, target: Any, carry: str | None = "parameters", dry_run: bool = False
) -> list[Change]:
    """Replace every module of ``net`` matching ``query`` by an instance of ``target``.

    ``query`` is anything :meth:`Module.find_modules` accepts; ``target`` a class or a registered
    name (``"nn-conv:SpatialConvolution"``).  Each replacement is built from the match's
    ``config()``; with ``carry="parameters"`` it takes over the match's parameters, gradients and
    buffers (the same arrays: sharing and ``get_parameters`` views survive), its dtype and mode.
    A root that matches cannot be replaced in place: use the returned change's ``new``.
    ``dry_run`` builds every replacement as the swap would, so that it raises what the swap would
    raise, and then drops them: the network, and the random generator the constructors draw
    initial weights from, are left as they were; the changes it returns have ``new`` None.
    Returns the changes.
    """
    cls, label = _target(target)
    found = net.find_modules(query)
    changes = [Change(p, m, None, label) for p, m in zip(found.paths, found.modules, strict=False)]
    if dry_run:
        _predict(changes, cls, carry)
        return changes
    containers = dict(zip(found.paths, found.containers, strict=False))
    replacements = [_rebuild(change, cls, carry) for change in changes]  # all or nothing
    for change, new in reversed(list(zip(changes, replacements, strict=False))):  # deepest first
        _adopt_children(change.old, new)
        change.new = new
        if change.path:
            parent, name = containers[change.path], change.path.rsplit(".", 1)[-1]
            parent.set_child(name, new)
    return changes


def _predict(changes: list[Change], cls: type[Module], carry: str | None) -> None:
    """Build the replacement of every change and drop it, restoring the random generator."""
    state = generator().bit_generator.state
    try:
        for change in changes:
            _rebuild(change, cls, carry)
    finally:
        generator().bit_generator.state = state


def _adopt_children(old: Module, new: Module) -> None:
    """Give a rebuilt container the children its configuration did not already give it."""
    present = dict(new.named_children())
    for name, child in old.named_children():
        if present.get(name) is not child:
            new.set_child(name, child)


def _target(target: Any) -> tuple[type[Module], str]:
    if isinstance(target, type) and issubclass(target, Module):
        from ._registry import registry

        names = [n for n in registry().names_of(target) if ":" in n]
        return target, names[0] if names else target.__name__
    from ._registry import registry

    entry = registry().entry(str(target), "nn")
    return entry.load(), entry.qualified


def _rebuild(change: Change, cls: type[Module], carry: str | None) -> Module:
    old = change.old
    try:
        new = cls.from_config(old.config())
    except Exception as error:
        raise SwapError(
            f"at {change.path!r}: {cls.__name__} cannot be built from the configuration of "
            f"{type(old).__name__} {old.config()}: {error}"
        ) from error
    if old.children() and type(new).set_child is Module.set_child:
        raise SwapError(
            f"at {change.path!r}: {type(old).__name__} has children and {cls.__name__} is not a "
            "container: it cannot take them"
        )
    if carry == "parameters":
        _carry_arrays(change, old, new)
    elif carry is not None:
        raise SwapError(f"carry must be 'parameters' or None, got {carry!r}")
    new.train = old.train
    return new


def _carry_arrays(change: Change, old: Module, new: Module) -> None:
    old_names = set(_declared(old))
    new_names = set(_declared(new))
    if old_names != new_names:
        raise ParameterLayoutError(
            f"at {change.path!r}: {type(old).__name__} has arrays {sorted(old_names)}, "
            f"{type(new).__name__} expects {sorted(new_names)}"
        )
    for name in sorted(new_names):
        mine, theirs = getattr(new, name), getattr(old, name)
        if np.shape(mine) != np.shape(theirs):
            raise ParameterLayoutError(
                f"at {change.path!r}: {name} has shape {np.shape(theirs)}, "
                f"{type(new).__name__} expects {np.shape(mine)}"
            )
        setattr(new, name, theirs)
        if name in new.parameter_names:
            setattr(new, "grad_" + name, getattr(old, "grad_" + name))
    new._dtype = old.dtype


def _declared(module: Module) -> list[str]:
    return [
        n
        for n in module.parameter_names + module.buffer_names
        if isinstance(getattr(module, n, None), np.ndarray)
    ]
