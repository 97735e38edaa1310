"""What ``Module.find_modules`` accepts as a query and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import InputTypeError
from .registry import registry

if TYPE_CHECKING:
    from .module import Module

class FoundModules(tuple):
    """``(modules, containers)`` as torch/nn's ``findModules`` returns, plus ``.paths``."""

    modules: list[Module]
    containers: list[Module]
    paths: list[str]

    def __new__(cls, modules: list, containers: list, paths: list) -> FoundModules:
        found = super().__new__(cls, (modules, containers))
        found.modules, found.containers, found.paths = modules, containers, paths
        return found


def matcher(query: Any) -> Callable[[Module], bool]:
    if isinstance(query, type):
        return lambda module: isinstance(module, query)
    if isinstance(query, str):
        return registry().name_matcher(query)
    if callable(query):
        return query
    raise InputTypeError(f"find_modules expects a class, a name or a predicate, got {query!r}")
