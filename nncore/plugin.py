"""Everything a plugin (a layer package) may use from nncore, in one place.

A plugin's code imports from here only; the rest of nncore is private to it and may change.
``docs/plugin-authors.md`` describes each name.

>>> from nncore.plugin import ClassSpec
>>> ClassSpec("Swish", "my_layers.swish:Swish")
ClassSpec(name='Swish', ref='my_layers.swish:Swish', kind='module')
"""

from __future__ import annotations

from ._blas import blas_on_one_thread, matmul
from ._construction import NON_NEGATIVE, POSITIVE, Range
from ._container import Container, format_branches, format_chain, indent
from ._criterion import Criterion
from ._dtypes import Dtype, as_dtype
from ._gradients import MissingGradient
from ._hooks import NO_INPUT, register_call_hook
from ._location import add_note, repr_line
from ._module import Module
from ._namespace import nn
from ._parameters import update_rate
from ._registry import registry
from ._threads import available_cores, default_threads
from ._validation import (
    describe,
    dimension,
    expect_array,
    expect_float,
    expect_index,
    expect_indices,
    expect_ndim,
    expect_same_shape,
    expect_size,
)
from .errors import (
    ArgumentError,
    ArgumentTypeError,
    IndexOutOfRangeError,
    InputError,
    InputTypeError,
    MissingGradientError,
    NaNError,
    NNCoreError,
    ParameterLayoutError,
    RegistryError,
    ShapeError,
    StateError,
    UnknownNameError,
)
from .hookspecs import KINDS, MODULE_KINDS, OPTIM_KINDS, ClassSpec, hookimpl, specs
from .random import generator
from .testing import Case, OptimizerCase

__all__ = [
    "KINDS",
    "ArgumentError",
    "ArgumentTypeError",
    "MODULE_KINDS",
    "NON_NEGATIVE",
    "NO_INPUT",
    "OPTIM_KINDS",
    "POSITIVE",
    "Case",
    "ClassSpec",
    "Container",
    "Criterion",
    "Dtype",
    "IndexOutOfRangeError",
    "InputError",
    "InputTypeError",
    "MissingGradient",
    "MissingGradientError",
    "Module",
    "NNCoreError",
    "NaNError",
    "OptimizerCase",
    "ParameterLayoutError",
    "Range",
    "RegistryError",
    "ShapeError",
    "StateError",
    "UnknownNameError",
    "add_note",
    "as_dtype",
    "available_cores",
    "blas_on_one_thread",
    "default_threads",
    "describe",
    "dimension",
    "expect_array",
    "expect_float",
    "expect_index",
    "expect_indices",
    "expect_ndim",
    "expect_same_shape",
    "expect_size",
    "format_branches",
    "format_chain",
    "generator",
    "hookimpl",
    "matmul",
    "nn",
    "indent",
    "register_call_hook",
    "registry",
    "repr_line",
    "specs",
    "update_rate",
]
