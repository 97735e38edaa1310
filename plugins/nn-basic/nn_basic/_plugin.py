"""nn-basic's registration with nncore: names and lazy references only, no layer imports."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

from . import _names_containers, _names_criteria, _names_shape, _names_simple, _names_transfer


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return (
        specs("nn_basic", "container", _names_containers.NAMES)
        + specs("nn_basic", "module", _names_simple.NAMES)
        + specs("nn_basic", "module", _names_shape.NAMES)
        + specs("nn_basic", "module", _names_transfer.NAMES)
        + specs("nn_basic", "criterion", _names_criteria.NAMES)
    )


@hookimpl
def nncore_examples() -> str:
    return "nn_basic._examples:examples"
