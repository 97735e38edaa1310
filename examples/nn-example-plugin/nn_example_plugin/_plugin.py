"""nn-example-plugin's registration with nncore: each class's name and the module defining it.

Names and lazy references only: nothing here imports a layer or the optimiser.
"""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

MODULES = {
    "Swish": "swish",
    "Linear": "linear",
}


OPTIMIZERS = {"signsgd": "signsgd"}


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_example_plugin", "module", MODULES) + specs(
        "nn_example_plugin", "optimizer", OPTIMIZERS
    )
