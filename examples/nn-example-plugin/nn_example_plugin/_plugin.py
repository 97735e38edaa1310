"""Registration with nncore: names and lazy references only, no layer imports."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

from ._names import NAMES


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_example_plugin", "module", NAMES)


@hookimpl
def nncore_examples() -> str:
    return "nn_example_plugin._examples:examples"
