"""The conformance kit's check of constructor arguments.

A module built with a number that arrives as a string (read from a file, a command line, a
form) must say so at once, naming the class, instead of failing later in numpy or computing
with it.  nncore checks constructor arguments against their annotations before ``__init__``
runs (see ``nncore._construction``): annotating the parameter (``size: int``) is enough.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from .._construction import admits_strings
from .case import Case
from .hostile import assert_clear_error


def check_constructor_arguments(case: Case) -> None:
    """Each number the module was built with, given as a string instead, raises a clear error
    naming the class (parameters whose annotation admits a string, and ``*args``, aside)."""
    module = case.module
    cls = type(module)
    config = module.config()
    parameters = inspect.signature(cls.__init__).parameters
    for name, value in config.items():
        if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
            continue
        parameter = parameters.get(name)
        if parameter is None or parameter.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            continue
        annotation = parameter.annotation
        if annotation is not inspect.Parameter.empty and admits_strings(annotation):
            continue  # a string may be what it takes (str, Any, a type nncore does not know)
        call = f"{cls.__name__}({name}={str(value)!r})"
        try:
            cls.from_config({**config, name: str(value)})
        except Exception as error:
            assert_clear_error(error, module, call)
        else:
            raise AssertionError(
                f"{call} was built: expected a clear error naming the class (annotate {name} "
                "with its number type, int or float, and nncore checks it)"
            )
