"""nncore: Torch7's nn on numpy, with layers provided by pip-installable plugins.

>>> import numpy as np
>>> from nncore import nn
>>> net = nn.Sequential().add(nn.Linear(3, 2)).add(nn.Tanh())
>>> net.forward(np.zeros((4, 3))).shape
(4, 2)
"""

from __future__ import annotations

from . import errors, random
from .container import Container
from .criterion import Criterion
from .errors import (
    AmbiguousNameError,
    InputError,
    InputTypeError,
    LoadError,
    NNCoreError,
    PluginError,
    RegistryError,
    SaveError,
    ShapeError,
    UnknownNameError,
)
from .module import FoundModules, Module, update_rate
from .random import manual_seed
from .registry import disable_plugin, nn, prefer, registry, reload
from .serialization import load, save
from .swap import SwapError, swap

__version__ = "0.1.0"

__all__ = [
    "AmbiguousNameError",
    "Container",
    "Criterion",
    "FoundModules",
    "InputError",
    "InputTypeError",
    "LoadError",
    "Module",
    "NNCoreError",
    "PluginError",
    "RegistryError",
    "SaveError",
    "ShapeError",
    "SwapError",
    "UnknownNameError",
    "disable_plugin",
    "errors",
    "load",
    "manual_seed",
    "nn",
    "prefer",
    "random",
    "registry",
    "reload",
    "save",
    "swap",
    "update_rate",
]
