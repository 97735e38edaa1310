"""nn-conv's registration with nncore: names and lazy references only, never the kernels."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

from . import _names_kernels, _names_numpy


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_conv", "module", _names_kernels.NAMES) + specs(
        "nn_conv", "module", _names_numpy.NAMES
    )


@hookimpl
def nncore_examples() -> str:
    return "nn_conv._examples:examples"
