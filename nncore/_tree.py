"""Walking a network through the container protocol, and ``find_modules``' queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from . import _hooks as hooks
from .errors import InputTypeError

if TYPE_CHECKING:
    from ._module import Module

#: child names of Container children ("0", "1", ...), shared instead of rebuilt per walk
_INDEX_NAMES: list[str] = [str(i) for i in range(64)]


def walk(root: Module, prefix: str = "") -> Iterator[tuple[str, Module, Module | None]]:
    """``(path, module, container)`` for ``root`` and every descendant, depth first, without
    recursion (deep networks must not hit the recursion limit)."""
    stack: list[tuple[str, Module, Module | None]] = [(prefix, root, None)]
    names = _INDEX_NAMES
    while stack:
        path, module, container = stack.pop()
        yield path, module, container
        method = type(module).named_children
        if getattr(method, "has_no_children", False):  # most modules: nothing to build
            continue
        dot = path + "." if path else ""
        if getattr(method, "lists_children", False):
            # children named "0", "1", ... from a list (Container): read it directly, saving a
            # generator per container (find_modules on big networks is this loop)
            children = module.modules  # type: ignore[attr-defined]
            if len(children) > len(names):
                names.extend(str(i) for i in range(len(names), len(children)))
            stack.extend(
                [(dot + names[i], children[i], module) for i in range(len(children) - 1, -1, -1)]
            )
        else:
            stack.extend(
                [
                    (dot + name, child, module)
                    for name, child in reversed(list(module.named_children()))
                ]
            )


class FoundModules(tuple):
    """``(modules, containers)`` as torch/nn's ``findModules`` returns, plus ``.paths``."""

    modules: list[Module]
    containers: list[Module]
    paths: list[str]

    def __new__(cls, modules: list, containers: list, paths: list) -> FoundModules:
        found = super().__new__(cls, (modules, containers))
        found.modules, found.containers, found.paths = modules, containers, paths
        return found


def find(root: Module, query: Any) -> FoundModules:
    """``root.find_modules(query)``: a class (subclasses match), a name (wildcards), or a
    predicate."""
    if isinstance(query, type):
        match: Callable[[Module], bool] = lambda module: isinstance(module, query)  # noqa: E731
    elif isinstance(query, str):
        match = hooks.name_matcher(query)
    elif callable(query):
        match = query
    else:
        raise InputTypeError(f"find_modules expects a class, a name or a predicate, got {query!r}")
    modules, containers, paths = [], [], []
    for path, module, container in walk(root):
        if match(module):
            modules.append(module)
            containers.append(root if container is None else container)
            paths.append(path)
    return FoundModules(modules, containers, paths)
