"""Everything a plugin (a layer package) may use from nncore, in one place.

A plugin's code imports from here only; the rest of nncore is private to it and may change.
``docs/plugin-authors.md`` describes each name.

>>> from nncore.plugin import ClassSpec
>>> ClassSpec("Swish", "my_layers.swish:Swish")
ClassSpec(name='Swish', ref='my_layers.swish:Swish', kind='module')
"""

from __future__ import annotations

from .container import Container, format_branches, format_chain, indent
from .criterion import Criterion
from .dtypes import Dtype, as_dtype
from .errors import (
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
from .hooks import NO_INPUT, register_call_hook
from .hookspecs import KINDS, ClassSpec, hookimpl, specs
from .location import add_note, repr_line
from .module import Module, update_rate
from .random import generator
from .registry import nn, registry
from .testing import Case
from .validation import (
    describe,
    dimension,
    expect_array,
    expect_float,
    expect_indices,
    expect_ndim,
    expect_same_shape,
    expect_size,
)

__all__ = [
    "KINDS",
    "NO_INPUT",
    "Case",
    "ClassSpec",
    "Container",
    "Criterion",
    "Dtype",
    "IndexOutOfRangeError",
    "InputError",
    "InputTypeError",
    "MissingGradientError",
    "Module",
    "NNCoreError",
    "NaNError",
    "ParameterLayoutError",
    "RegistryError",
    "ShapeError",
    "StateError",
    "UnknownNameError",
    "add_note",
    "as_dtype",
    "describe",
    "dimension",
    "expect_array",
    "expect_float",
    "expect_indices",
    "expect_ndim",
    "expect_same_shape",
    "expect_size",
    "format_branches",
    "format_chain",
    "generator",
    "hookimpl",
    "nn",
    "indent",
    "register_call_hook",
    "registry",
    "repr_line",
    "specs",
    "update_rate",
]
