"""``module(x)`` on something other than an array: hooks plugins register (graph building).

The core never imports a graph plugin; a plugin names its handler through the
``nncore_call_handler`` hook and the registry installs it on the first such call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import InputTypeError
from .registry import registry

if TYPE_CHECKING:
    from .module import Module

class _NoInput:
    def __repr__(self) -> str:
        return "NO_INPUT"


#: the value ``Module.__call__`` sees when called with no argument (``nn.Identity()()``)
NO_INPUT: Any = _NoInput()

#: ``(types, handler)`` pairs registered by plugins, see :func:`register_call_hook`
_call_hooks: list[tuple[tuple[type, ...], Callable[[Any, Any], Any]]] = []
#: the registry whose plugins' call handlers are installed (a reloaded registry installs again)
_call_hooks_installed_for: Any = None


def register_call_hook(types: tuple[type, ...], handler: Callable[[Any, Any], Any]) -> None:
    """Route ``module(x)`` to ``handler(module, x)`` when ``x`` is one of ``types``.

    The handler also receives calls with no argument (``x`` is :data:`NO_INPUT`) and calls on
    a list holding one of ``types`` (a table of graph nodes).  This is how a graph plugin
    (nn-graph) makes ``nn.Linear(10, 5)(node)`` build a node without the core importing it.
    Registering the same handler again does nothing.
    """
    if not any(h is handler for _, h in _call_hooks):
        _call_hooks.append((tuple(types), handler))


def hooked_call(module: Module, input: Any) -> Any:
    """``Module.__call__`` for anything but an array: a registered handler, else forward."""
    global _call_hooks_installed_for
    current = registry()
    if _call_hooks_installed_for is not current:
        # plugins name their handler lazily (hook ``nncore_call_handler``): import them once
        _call_hooks_installed_for = current
        current.install_call_handlers()
    for types, handler in _call_hooks:
        if (input is NO_INPUT or isinstance(input, types)
                or (isinstance(input, list) and any(isinstance(x, types) for x in input))):
            return handler(module, input)
    if input is NO_INPUT:
        raise InputTypeError(
            f"{type(module).__name__} was called without an input: expected an array or a "
            "table (calling a module with no argument builds a graph input node, which needs "
            "the nn-graph plugin)"
        )
    return module.forward(input)
