"""nn-graph's registration with nncore: names and lazy references only, no graph code."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

from . import _names


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_graph", "container", _names.CONTAINERS) + specs(
        "nn_graph", "module", _names.MODULES
    )


@hookimpl
def nncore_examples() -> str:
    return "nn_graph._examples:examples"


@hookimpl
def nncore_call_handler() -> str:
    return "nn_graph.node:install_call_hook"
