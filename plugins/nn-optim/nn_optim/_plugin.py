"""nn-optim's registration with nncore: each function's or class's name and the module defining it.

Names and lazy references only: nothing here imports an algorithm.
"""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

OPTIMIZERS = {
    "sgd": "sgd",
    "asgd": "asgd",
    "nag": "nag",
    "adagrad": "adagrad",
    "adadelta": "adadelta",
    "adam": "adam",
    "adamax": "adamax",
    "rmsprop": "rmsprop",
    "rprop": "rprop",
    "cg": "cg",
    "lbfgs": "lbfgs",
    "fista": "fista",
    "cmaes": "cmaes",
    "de": "de",
}

HELPERS = {
    "lswolfe": "lswolfe",
    "polyinterp": "polyinterp",
    "checkgrad": "checkgrad",
    "ConfusionMatrix": "confusion_matrix",
    "Logger": "logger",
}


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_optim", "optimizer", OPTIMIZERS) + specs("nn_optim", "optim-helper", HELPERS)
