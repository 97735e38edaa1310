"""nn-table's registration with nncore: names and lazy references only, no layer imports."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

from . import _names_cmath, _names_containers, _names_conversion, _names_pair


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return (
        specs("nn_table", "container", _names_containers.NAMES)
        + specs("nn_table", "module", _names_conversion.NAMES)
        + specs("nn_table", "module", _names_pair.NAMES)
        + specs("nn_table", "module", _names_cmath.NAMES)
    )


@hookimpl
def nncore_examples() -> str:
    return "nn_table._examples:examples"
