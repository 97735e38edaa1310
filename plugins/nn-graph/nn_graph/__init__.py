"""nngraph and nnop for nncore: graphs of modules, and parameters as graph nodes.

Calling a module on nodes builds a graph (``h = nn.Linear(10, 5)(x)``; ``nn.Identity()()``
makes an input node); :class:`gModule` turns it into a module.  :data:`nnop` gives
:class:`Parameters` and an operation-only form of every parameterized registered class.
Importing this package installs the call handler that builds nodes; nncore also installs it on
its own (through the plugin's ``nncore_call_handler`` hook) the first time a module is called
on something other than an array.
"""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use, so registering and listing (which import the package to reach
# ``nn_graph._plugin``) load no graph code.
_EXPORTS = {
    "Graph": ".graph",
    "GraphError": "._graph",
    "nnop": "._nnop",
    "annotate_nodes": ".naming",
    "gModule": ".g_module",
    "render": ".graphviz",
    "to_dot": ".graphviz",
    "ModuleFromCriterion": ".module_from_criterion",
    "Node": ".node",
    "Op": ".op",
    "Parameters": ".parameters",
    "is_debug": ".debug",
    "set_debug": ".debug",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nn_graph' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
