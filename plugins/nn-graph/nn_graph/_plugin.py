"""nn-graph's registration with nncore: each class's name and the module defining it.

Names and lazy references only: nothing here imports a layer.
"""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

CONTAINERS = {
    "gModule": "g_module",
    "ModuleFromCriterion": "module_from_criterion",
}

MODULES = {
    "Parameters": "parameters",
    "Op": "op",
}


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_graph", "container", CONTAINERS) + specs("nn_graph", "module", MODULES)


@hookimpl
def nncore_call_handler() -> str:
    return "nn_graph.node:install_call_hook"
