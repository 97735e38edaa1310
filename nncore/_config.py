"""A module's configuration: the constructor arguments it was built with, and rebuilding it."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._module import Module


def arguments_of(module: Module) -> dict[str, Any]:
    """The arguments ``module`` was constructed with, by parameter name (defaults filled in;
    ``**kwargs`` spread out)."""
    args, kwargs = module._init_args
    signature = inspect.signature(type(module).__init__)
    bound = signature.bind(None, *args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop(next(iter(signature.parameters)))  # self
    for name, parameter in signature.parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
            arguments.update(arguments.pop(name))
    return arguments


def build(cls: type[Module], config: dict[str, Any]) -> Module:
    """``cls`` built from :func:`arguments_of`'s dictionary (``*args`` passed positionally)."""
    args: list[Any] = []
    kwargs = dict(config)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        for parameter in parameters:
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                args.extend(kwargs.pop(parameter.name, ()))
                break
            if parameter.name in kwargs:
                args.append(kwargs.pop(parameter.name))
    return cls(*args, **kwargs)
