"""What ``Module`` needs from the registry, installed by the registry when it is imported.

Two things: how a name matches a module (``find_modules("Linear")`` also matches by registered
and qualified names), and what calling a module on something other than an array does (nn-graph
builds a graph node).  The module layer imports neither the registry nor any plugin.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import InputTypeError

if TYPE_CHECKING:
    from ._module import Module

Matcher = Callable[[Any], bool]


class _NoInput:
    def __repr__(self) -> str:
        return "NO_INPUT"


#: the value ``Module.__call__`` sees when called with no argument (``nn.Identity()()``)
NO_INPUT: Any = _NoInput()

_name_matcher: Callable[[str], Matcher] | None = None
_load_call_handlers: Callable[[], None] | None = None
#: ``(types, handler)`` pairs registered by plugins, see :func:`register_call_hook`
_call_hooks: list[tuple[tuple[type, ...], Callable[[Any, Any], Any]]] = []


def install(name_matcher: Callable[[str], Matcher], load_call_handlers: Callable[[], None]) -> None:
    """Called by the registry: its name matching, and the function that imports the plugins'
    call handlers (it is called before every call on something other than an array, and does
    its work once per registry)."""
    global _name_matcher, _load_call_handlers
    _name_matcher, _load_call_handlers = name_matcher, load_call_handlers


def name_matcher(pattern: str) -> Matcher:
    """A predicate matching modules whose names match ``pattern`` (wildcards allowed)."""
    if _name_matcher is not None:
        return _name_matcher(pattern)
    return lambda module: fnmatch.fnmatchcase(type(module).__name__, pattern)


def register_call_hook(types: tuple[type, ...], handler: Callable[[Any, Any], Any]) -> None:
    """Route ``module(x)`` to ``handler(module, x)`` when ``x`` is one of ``types``.

    The handler also receives calls with no argument (``x`` is :data:`NO_INPUT`) and calls on
    a list holding one of ``types`` (a table of graph nodes).  This is how a graph plugin
    (nn-graph) makes ``nn.Linear(10, 5)(node)`` build a node without the core importing it.
    Registering the same handler again does nothing.
    """
    if not any(h is handler for _, h in _call_hooks):
        _call_hooks.append((tuple(types), handler))


def call(module: Module, input: Any) -> Any:
    """``Module.__call__`` for anything but an array: a registered handler, else forward."""
    if _load_call_handlers is not None:
        _load_call_handlers()
    for types, handler in _call_hooks:
        if (
            input is NO_INPUT
            or isinstance(input, types)
            or (isinstance(input, list) and any(isinstance(x, types) for x in input))
        ):
            return handler(module, input)
    if input is NO_INPUT:
        raise InputTypeError(
            f"{type(module).__name__} was called without an input: expected an array or a "
            "table (calling a module with no argument builds a graph input node, which needs "
            "the nn-graph plugin)"
        )
    return module.forward(input)
