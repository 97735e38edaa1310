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

A container's function takes the parameters of every module in it, keyed by path as
``state_dict`` names them (``"0.weight"``, ``"2.bias"``), and returns ``grad_<key>`` for each::

    >>> from nncore import nn
    >>> net = func.nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    >>> net.parameter_names
    ('0.weight', '0.bias')

Each function closes over one module instance used as a cache of buffers; nothing of one call
reaches the next: parameters come from the dict every time and gradients start from zero.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from ._criterion import Criterion
from ._entries import canonical
from ._module import Module
from .errors import InputError, ShapeError, UnknownNameError

Arrays = Mapping[str, Any]

#: ``grads_of[layer]`` is the gradient function paired with ``layer``
grads_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Function:
    """A module as a function of a dict (API #1); iterating gives ``(self, gradient)`` (API #2).

    The dict holds every parameter of the module and of the modules inside it, keyed by path
    as ``state_dict`` names them (``"weight"``; ``"0.weight"``, ``"2.bias"`` in a container);
    a parameter shared between modules is one entry, under the first of its paths.
    """

    def __init__(self, module: Module) -> None:
        self.module = module
        self.slots = _Slots(module)
        self.parameter_names = tuple(self.slots.holders)
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
        self.slots.update()
        values = {key: _required(arrays, key) for key in self.slots.holders}
        for key, value in values.items():  # every check before anything is bound
            current = self.slots.array(key)
            if np.shape(value) != current.shape:
                raise ShapeError(f"expected {key} of shape {current.shape}, got {np.shape(value)}")
        for key, value in values.items():
            for module, name in self.slots.holders[key]:
                setattr(module, name, value)

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
        function.slots.update()  # modules the forward added (MapTable's clones) take part too
        grads = {}
        for key, holders in function.slots.holders.items():
            grad = np.zeros_like(function.slots.array(key))
            for holder, name in holders:  # one gradient for a shared parameter, as share() does
                setattr(holder, "grad_" + name, grad)
            grads["grad_" + key] = grad
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


class _Slots:
    """Where each parameter input goes: ``holders[key]`` lists the ``(module, attribute)``
    pairs that hold it (several for a shared parameter)."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.holders: dict[str, list[tuple[Module, str]]] = {}
        self._known: dict[tuple[int, str], str] = {}
        self.update()

    def array(self, key: str) -> np.ndarray:
        module, name = self.holders[key][0]
        return getattr(module, name)

    def update(self) -> None:
        """Take in the parameters of modules not seen before, keyed by path; a parameter that is
        the array of a known one (a clone sharing it) takes that one's key."""
        keys_of = {id(self.array(key)): key for key in self.holders}
        for path, module, _ in self.module.named_modules():
            for name, param, _ in module.own_parameters():
                if (id(module), name) in self._known:
                    continue
                key = keys_of.setdefault(id(param), f"{path}.{name}" if path else name)
                self._known[id(module), name] = key
                self.holders.setdefault(key, []).append((module, name))


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
        return self[name]

    def __getitem__(self, name: str) -> Any:
        """``func.nn["nn-basic:Linear"]``: a short or qualified name, as ``nncore.nn[...]``."""
        from ._registry import registry

        if not self.providers:
            return _factory(registry().resolve(name))
        distribution, _, short = name.rpartition(":")
        for provider in self.providers:
            if distribution and canonical(distribution) != canonical(provider):
                continue
            try:
                return _factory(registry().resolve(f"{provider}:{short}"))
            except UnknownNameError:
                continue
        raise UnknownNameError(f"{name} is not provided by {', '.join(self.providers)}")

    def __dir__(self) -> list[str]:
        from ._registry import registry

        if not self.providers:
            return sorted(registry().by_name)
        return sorted({e.name for p in self.providers for e in registry().list(provider=p)})


def _factory(cls: type) -> Any:
    def build(*args: Any, **kwargs: Any) -> Function:
        module = cls(*args, **kwargs)
        # the modules given to a container are the caller's: the function binds a copy's
        return Function(module.clone() if module.children() else module)

    build.__name__ = build.__qualname__ = cls.__name__
    build.__doc__ = cls.__doc__
    return build


def functionalize(*providers: str) -> Functionalized:
    """Expose the modules of the given providers (default: every installed one) as functions."""
    return Functionalized(tuple(providers))


#: every installed provider's modules as functions: ``func.nn.Linear(10, 100)``
nn = functionalize()
