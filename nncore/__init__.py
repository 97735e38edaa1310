"""nncore: Torch7's nn on numpy, with layers provided by pip-installable plugins.

>>> import numpy as np
>>> from nncore import nn
>>> net = nn.Sequential().add(nn.Linear(3, 2)).add(nn.Tanh())
>>> net.forward(np.zeros((4, 3))).shape
(4, 2)
"""

from __future__ import annotations

import importlib_metadata as _metadata

from . import errors, model_utils, random
from ._container import Container
from ._criterion import Criterion
from ._gradients import MissingGradient
from ._loading import load
from ._module import FoundModules, Module
from ._namespace import nn, optim
from ._parameters import update_rate
from ._registry import disable_plugin, prefer, registry, reload
from ._saving import save
from ._swap import SwapError, swap
from .errors import (
    AmbiguousNameError,
    ArgumentError,
    ArgumentTypeError,
    InputError,
    InputTypeError,
    LoadError,
    MissingGradientError,
    NNCoreError,
    PluginError,
    RegistryError,
    SaveError,
    ShapeError,
    StateError,
    UnknownNameError,
)
from .model_utils import clone_many_times, combine_all_parameters
from .random import manual_seed

try:  # the installed distribution's version: pyproject.toml is the one place it is written
    __version__ = _metadata.version("nncore-torch7")
except _metadata.PackageNotFoundError:  # imported from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "AmbiguousNameError",
    "ArgumentError",
    "ArgumentTypeError",
    "Container",
    "Criterion",
    "FoundModules",
    "InputError",
    "InputTypeError",
    "LoadError",
    "MissingGradient",
    "MissingGradientError",
    "Module",
    "NNCoreError",
    "PluginError",
    "RegistryError",
    "SaveError",
    "ShapeError",
    "StateError",
    "SwapError",
    "UnknownNameError",
    "clone_many_times",
    "combine_all_parameters",
    "disable_plugin",
    "errors",
    "load",
    "manual_seed",
    "model_utils",
    "nn",
    "optim",
    "prefer",
    "random",
    "registry",
    "reload",
    "save",
    "swap",
    "update_rate",
]
