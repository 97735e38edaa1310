"""Modules as functions (torch's nnfunc): inputs, parameters and gradients in, results out.

``func.nn.Linear(10, 100)`` returns a function of one dict::

    >>> import numpy as np
    >>> from nncore import func
    >>> layer = func.nn.Linear(3, 2)
    >>> out = layer({"input": np.ones(3), "weight": np.ones((2, 3)), "bias": np.zeros(2)})
    >>> out["output"]
    array([3., 3.])

With ``"grad_output"`` in the dict it also returns ``grad_input`` and ``grad_<parameter>``.  Any
of ``output``, ``grad_input``, ``grad_<parameter>`` given in the dict is written in place and
returned (the very same array).  Unpacking gives the separate pair of seed 001's API #2::

    >>> layer, grad_layer = func.nn.Linear(3, 2)
    >>> sorted(grad_layer.produces)
    ['grad_bias', 'grad_input', 'grad_weight']
    >>> func.grads_of[layer] is grad_layer
    True

Each function closes over one module instance used as a cache of buffers; nothing of one call
reaches the next: parameters come from the dict every time and gradients start from zero.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from ._criterion import Criterion
from ._module import Module
from .errors import InputError, ShapeError

Arrays = Mapping[str, Any]

#: ``grads_of[layer]`` is the gradient function paired with ``layer``
grads_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Function:
    """A module as a function of a dict (API #1); iterating gives ``(self, gradient)`` (API #2)."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.parameter_names = tuple(name for name, _, _ in module.own_parameters())
        self.gradient = Gradient(self)
        grads_of[self] = self.gradient

    def __iter__(self) -> Iterator[Any]:
        return iter((Evaluation(self), self.gradient))

    def __call__(self, arrays: Arrays) -> dict[str, Any]:
        result = self.evaluate(arrays)
        if "grad_output" in arrays or (isinstance(self.module, Criterion) and "target" in arrays):
            result.update(self.gradient(arrays, _evaluated=True))
        return result

    def evaluate(self, arrays: Arrays) -> dict[str, Any]:
        """Bind the parameters from ``arrays`` and compute the output."""
        self._bind(arrays)
        if isinstance(self.module, Criterion):
            return {
                "output": self.module.forward(
                    _required(arrays, "input"), _required(arrays, "target")
                )
            }
        output = self.module.forward(_required(arrays, "input"))
        return {"output": _into(arrays.get("output"), output, "output")}

    def _bind(self, arrays: Arrays) -> None:
        for name in self.parameter_names:
            value = _required(arrays, name)
            current = getattr(self.module, name)
            if np.shape(value) != current.shape:
                raise ShapeError(f"expected {name} of shape {current.shape}, got {np.shape(value)}")
            setattr(self.module, name, value)

    def __repr__(self) -> str:
        return f"func({self.module!r})"


class Evaluation:
    """API #2's evaluation function: the output only."""

    def __init__(self, function: Function) -> None:
        self.function = function
        grads_of[self] = function.gradient

    def __call__(self, arrays: Arrays) -> dict[str, Any]:
        return self.function.evaluate(arrays)


class Gradient:
    """API #2's gradient function: ``grad_input`` and ``grad_<parameter>`` for a dict."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self.produces = ("grad_input",) + tuple("grad_" + n for n in function.parameter_names)

    def __call__(self, arrays: Arrays, _evaluated: bool = False) -> dict[str, Any]:
        function, module = self.function, self.function.module
        if not _evaluated:
            function.evaluate(arrays)
        grads = {}
        for name in function.parameter_names:
            grad = np.zeros_like(getattr(module, name))
            setattr(module, "grad_" + name, grad)
            grads["grad_" + name] = grad
        if isinstance(module, Criterion):
            grad_input = module.backward(_required(arrays, "input"), _required(arrays, "target"))
        else:
            grad_input = module.backward(
                _required(arrays, "input"), _required(arrays, "grad_output")
            )
        result = {"grad_input": _into(arrays.get("grad_input"), grad_input, "grad_input")}
        for key, grad in grads.items():
            result[key] = _into(arrays.get(key), grad, key)
        return result


def _required(arrays: Arrays, name: str) -> Any:
    if name not in arrays:
        raise InputError(f"expected {name!r} in the arrays, got keys {sorted(arrays)}")
    return arrays[name]


def _into(buffer: Any, value: Any, name: str) -> Any:
    """Write ``value`` into the caller's ``buffer`` (returning it) or return ``value``."""
    if buffer is None:
        return value
    if not isinstance(buffer, np.ndarray) or buffer.shape != np.shape(value):
        raise ShapeError(
            f"expected {name} buffer of shape {np.shape(value)}, got {np.shape(buffer)}"
        )
    buffer[...] = value
    return buffer


class Functionalized:
    """Every registered class of some providers, each a factory of functions.

    ``functionalize("nn-basic").Linear(10, 5)`` builds a Linear and returns it as a
    :class:`Function`.
    """

    def __init__(self, providers: tuple[str, ...] = ()) -> None:
        self.providers = providers

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        from ._registry import registry

        if self.providers:
            for provider in self.providers:
                entries = registry().list(name, provider=provider)
                if entries:
                    return _factory(entries[0].load())
            raise AttributeError(f"{name} is not provided by {', '.join(self.providers)}")
        return _factory(registry().resolve(name))

    def __dir__(self) -> list[str]:
        from ._registry import registry

        if not self.providers:
            return sorted(registry().by_name)
        return sorted({e.name for p in self.providers for e in registry().list(provider=p)})


def _factory(cls: type) -> Any:
    def build(*args: Any, **kwargs: Any) -> Function:
        return Function(cls(*args, **kwargs))

    build.__name__ = build.__qualname__ = cls.__name__
    build.__doc__ = cls.__doc__
    return build


def functionalize(*providers: str) -> Functionalized:
    """Expose the modules of the given providers (default: every installed one) as functions."""
    return Functionalized(tuple(providers))


#: every installed provider's modules as functions: ``func.nn.Linear(10, 100)``
nn = functionalize()
