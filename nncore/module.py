"""``Module``: the contract every layer, container and criterion follows.

A module declares its arrays (``parameter_names``, ``buffer_names``); the gradient of
parameter ``p`` lives in ``grad_p``.  Containers expose their children through two methods,
``named_children()`` and ``set_child(name, module)`` (the container protocol); everything
recursive here (parameters, share, type, training, find, replace) goes through them only, so a
container written in any plugin works with every feature below.
"""

from __future__ import annotations

import builtins
import copy
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ClassVar

import numpy as np

from . import parameters as _flat
from .calls import NO_INPUT, hooked_call
from .contract import LOCATED_METHODS, located
from .dtypes import Dtype, as_dtype
from .queries import FoundModules, matcher

#: child names of Container children ("0", "1", ...), shared instead of rebuilt per walk
_INDEX_NAMES: list[str] = [str(i) for i in range(64)]
#: the learning rate of the default ``acc_update_grad_parameters`` call in progress
_UPDATE_RATE: ContextVar[float | None] = ContextVar("nncore_update_rate", default=None)


def update_rate() -> float | None:
    """The learning rate of the enclosing default ``acc_update_grad_parameters``, or None.

    That default reaches a container's children through ``acc_grad_parameters``.  A module
    that keeps no gradient buffer (a ``LookupTable`` in acc-update-only mode, torch/nn's
    ``accUpdateOnly``) checks this in its ``acc_grad_parameters`` and updates its parameters
    directly, by ``-update_rate() * scale`` times the gradient.
    """
    return _UPDATE_RATE.get()


class Module:
    """Base class of every nncore module (torch/nn ``nn.Module``).

    Subclasses implement ``update_output``, ``update_grad_input`` and, when they have
    parameters, ``acc_grad_parameters``.  Constructor arguments are captured automatically and
    returned by :meth:`config`, so any module can be rebuilt, saved or swapped.
    """

    #: names of trainable arrays; the gradient of ``p`` is stored in ``grad_p``
    parameter_names: ClassVar[tuple[str, ...]] = ()
    #: names of persistent non-trainable arrays (running statistics, ...)
    buffer_names: ClassVar[tuple[str, ...]] = ()
    #: False when nothing needs the gradient with respect to this module's input, as for the
    #: first layer of a network trained on fixed data: :meth:`backward` then skips
    #: ``update_grad_input`` (torch/nn's idiom ``module.gradInput = nil``; PyTorch skips it for
    #: inputs that do not require a gradient).  Set it on an instance.
    needs_grad_input: bool = True
    _init_args: tuple[tuple[Any, ...], dict[str, Any]]
    _flat_parameters: tuple[np.ndarray, np.ndarray] | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> Module:
        instance = super().__new__(cls)
        instance._init_args = (args, kwargs)
        return instance

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in LOCATED_METHODS:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "_nncore_located", False):
                setattr(cls, name, located(method))
        if getattr(cls.forward, "_nncore_forward_alias", cls.forward is Module.forward):
            # forward is update_output for every module that does not define its own: calling
            # the (wrapped) update_output directly saves a Python frame on each call
            cls.update_output._nncore_forward_alias = True  # type: ignore[attr-defined]
            cls.forward = cls.update_output  # type: ignore[method-assign]

    def __init__(self) -> None:
        self.output: Any = np.empty(0)
        self.grad_input: Any = np.empty(0)
        self.train = True
        self._dtype = np.dtype(np.float64)

    # ----------------------------------------------------------------- the contract
    def forward(self, input: Any) -> Any:
        """Compute and return ``self.output`` (calls :meth:`update_output`)."""
        return self.update_output(input)

    def backward(self, input: Any, grad_output: Any, scale: float = 1.0) -> Any:
        """``update_grad_input`` then ``acc_grad_parameters(scale)``; return ``grad_input``.

        With :attr:`needs_grad_input` false, only the parameter gradients are accumulated and
        ``None`` is returned.
        """
        if self.needs_grad_input:
            grad_input = self.update_grad_input(input, grad_output)
        else:
            grad_input = self.grad_input = None
        self.acc_grad_parameters(input, grad_output, scale)
        return grad_input

    def __call__(self, input: Any = NO_INPUT) -> Any:
        """``forward(input)``; a call hook (graph building) handles calls on other things.

        An array takes the fast path straight to :meth:`forward`.  A call with no argument, or
        on something a plugin registered with :func:`register_call_hook` (an nngraph node, a
        list of nodes), goes to that plugin's handler; any other input is forwarded.
        """
        if isinstance(input, np.ndarray):
            return self.forward(input)
        return hooked_call(self, input)

    def update_output(self, input: Any) -> Any:
        """Return the output for ``input`` (subclasses override)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update_output")

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        """Return the gradient of the loss with respect to ``input`` (subclasses override)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update_grad_input")

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        """Accumulate ``scale`` times the parameter gradients (no-op without parameters)."""

    def acc_update_grad_parameters(self, input: Any, grad_output: Any, lr: float) -> None:
        """Update parameters by ``-lr`` times this call's gradient, leaving the grads untouched.

        Unlike Torch's trick of aliasing gradients to weights, this default is correct for every
        module, nonlinear and shared parameters included: it accumulates into zeroed gradients,
        applies them once per distinct parameter, and restores the gradients.
        """
        params, grads = self.parameters()
        saved = [g.copy() for g in grads]
        for g in grads:
            g.fill(0)
        rate = _UPDATE_RATE.set(lr)
        try:
            self.acc_grad_parameters(input, grad_output, 1.0)
            for p, g in zip(params, grads, strict=False):
                p -= lr * g
        finally:
            _UPDATE_RATE.reset(rate)
            for g, old in zip(grads, saved, strict=False):
                g[...] = old

    # ----------------------------------------------------------------- parameters
    def own_parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """Yield ``(name, param, grad)`` for this module's declared, present parameters."""
        for name in self.parameter_names:
            param = getattr(self, name, None)
            if param is not None:
                yield name, param, getattr(self, "grad_" + name)

    def parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Return ``(params, grads)`` of this module and its descendants.

        A parameter shared by several modules (same memory) appears once.
        """
        return _flat.distinct_pairs(self)

    def get_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Flatten all parameters and gradients into two contiguous vectors and return them.

        Every parameter becomes a view into the flat vector, shared ones included (they appear
        once).  Calling it again returns the same vectors when nothing changed, and re-flattens
        (keeping values) when modules were added or parameters rebound in between.
        """
        return _flat.flatten(self)

    def zero_grad_parameters(self) -> None:
        """Set every parameter gradient to zero."""
        for g in self.parameters()[1]:
            g.fill(0)

    def update_parameters(self, lr: float) -> None:
        """``param -= lr * grad`` once for every distinct parameter."""
        for p, g in zip(*self.parameters(), strict=False):
            p -= lr * g

    # ----------------------------------------------------------------- container protocol
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, child)`` in order; leaf modules have none.  Containers override."""
        return iter(())

    def set_child(self, name: str, module: Module) -> None:
        """Replace the child called ``name`` in place.  Containers override."""
        raise TypeError(f"{type(self).__name__} has no children to replace")

    def children(self) -> list[Module]:
        """The direct children, in order."""
        return [child for _, child in self.named_children()]

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module, Module | None]]:
        """Yield ``(path, module, container)`` for self and every descendant, depth first.

        Paths join child names with dots (``"0.3.1"``); the root's path is ``""`` and its
        container is ``None``.
        """
        from .container import Container

        stack: list[tuple[str, Module, Module | None]] = [(prefix, self, None)]
        leaf, listed, names = Module.named_children, Container.named_children, _INDEX_NAMES
        while stack:  # iterative: deep networks must not hit the recursion limit
            path, module, container = stack.pop()
            yield path, module, container
            method = type(module).named_children
            if method is leaf:  # most modules: no children, nothing to build
                continue
            dot = path + "." if path else ""
            if method is listed:
                # Container's own named_children is (str(i), modules[i]): read the list directly,
                # saving a generator per container (find_modules on big networks is this loop)
                children = module.modules  # type: ignore[attr-defined]
                if len(children) > len(names):
                    names.extend(str(i) for i in range(len(names), len(children)))
                stack.extend([(dot + names[i], children[i], module)
                              for i in range(len(children) - 1, -1, -1)])
            else:
                stack.extend([(dot + name, child, module)
                              for name, child in reversed(list(module.named_children()))])

    def list_modules(self) -> list[Module]:
        """Self followed by every descendant, depth first (torch/nn ``listModules``)."""
        return [m for _, m, _ in self.named_modules()]

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on self and then on every descendant; return self."""
        for module in self.list_modules():
            fn(module)
        return self

    def replace(self, fn: Callable[[Module], Module]) -> Module:
        """Return ``fn(self)`` after replacing every child ``c`` by ``c.replace(fn)``.

        As in torch/nn, ``fn`` sees self first; its children are then replaced in place.
        """
        result = fn(self)
        for name, child in list(self.named_children()):
            new = child.replace(fn)
            if new is not child:
                self.set_child(name, new)
        return result

    def find_modules(self, query: Any) -> FoundModules:
        """Find descendants (self included) matching ``query``.

        ``query`` is a class (subclasses match), a name (``"Linear"``, ``"nn-basic:Linear"``,
        a wildcard ``"*Conv*"``), or a predicate ``fn(module) -> bool``.  Returns
        ``(modules, containers)`` like torch/nn's ``findModules`` (a module without container
        is its own), with the dotted paths in ``.paths``.
        """
        match = matcher(query)
        modules, containers, paths = [], [], []
        for path, module, container in self.named_modules():
            if match(module):
                modules.append(module)
                containers.append(self if container is None else container)
                paths.append(path)
        return FoundModules(modules, containers, paths)

    # ----------------------------------------------------------------- copies and sharing
    def share(self, other: Module, *names: str) -> Module:
        """Make the arrays called ``names`` point to ``other``'s (recursively through children).

        Sharing a parameter shares its gradient too, so a shared parameter is one parameter:
        it appears once in ``get_parameters`` and is updated once.
        """
        for name in names:
            if getattr(other, name, None) is None or getattr(self, name, None) is None:
                continue
            setattr(self, name, getattr(other, name))
            if name in self.parameter_names:
                setattr(self, "grad_" + name, getattr(other, "grad_" + name))
        mine, theirs = self.children(), other.children()
        for child, source in zip(mine, theirs, strict=False):
            child.share(source, *names)
        return self

    def clone(self, *names: str) -> Module:
        """A deep copy; with ``names``, the copy then shares those arrays with self.

        Sharing inside the copied subtree is preserved; nothing is shared with anything outside
        it unless named.
        """
        twin = copy.deepcopy(self)
        if names:
            twin.share(self, *names)
        return twin

    def type(self, dtype: Dtype) -> Module:
        """Convert every declared array of self and descendants to ``dtype``; keep sharing.

        The descendants of a module whose ``casts_children`` attribute is False (DontCast) keep
        their dtype.
        """
        target = as_dtype(dtype)
        converted: dict[tuple, np.ndarray] = {}

        def convert(array: np.ndarray) -> np.ndarray:
            key = _flat.memory_key(array)
            if key not in converted:
                converted[key] = array.astype(target)
            return converted[key]

        kept: set[int] = set()  # descendants of a module with ``casts_children = False``
        for _, module, container in self.named_modules():
            if container is not None and (
                id(container) in kept or not getattr(container, "casts_children", True)
            ):
                kept.add(id(module))
                continue
            for name in module.array_names():
                value = getattr(module, name, None)
                if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                    setattr(module, name, convert(value))
            module._dtype = target
            module.clear_state()
        return self

    def float(self) -> Module:
        """``type(np.float32)``."""
        return self.type(np.float32)

    def double(self) -> Module:
        """``type(np.float64)``."""
        return self.type(np.float64)

    @property
    def dtype(self) -> np.dtype:
        """The floating dtype this module's arrays have (float64 unless converted)."""
        return self._dtype

    def array_names(self) -> tuple[str, ...]:
        """Every declared array attribute: parameters, their gradients, buffers."""
        grads = tuple("grad_" + p for p in self.parameter_names)
        return self.parameter_names + grads + self.buffer_names

    # ----------------------------------------------------------------- mode and state
    def training(self) -> Module:
        """Set training mode on self and descendants (Dropout drops, BatchNorm updates)."""
        for module in self.list_modules():
            module.train = True
        return self

    def evaluate(self) -> Module:
        """Set evaluation mode on self and descendants."""
        for module in self.list_modules():
            module.train = False
        return self

    def clear_state(self) -> Module:
        """Drop cached outputs, gradients with respect to input and other temporary buffers."""
        for module in self.list_modules():
            module.output = np.empty(0, dtype=module._dtype)
            module.grad_input = np.empty(0, dtype=module._dtype)
        return self

    def reset(self, stdv: builtins.float | None = None) -> Module:
        """Re-initialise parameters from ``nncore.random`` (modules with parameters override)."""
        return self

    def config(self) -> dict[str, Any]:
        """The constructor arguments this module was built with, by parameter name.

        ``type(m).from_config(m.config())`` (``type(m)(**m.config())`` when the constructor
        has no ``*args``) builds an equivalent module (with fresh parameters).
        """
        args, kwargs = self._init_args
        signature = inspect.signature(type(self).__init__)
        bound = signature.bind(None, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        arguments.pop(next(iter(signature.parameters)))  # self
        for name, parameter in signature.parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
                arguments.update(arguments.pop(name))
        return arguments

    def state_dict(self) -> dict[str, np.ndarray]:
        """``{"<path>.<name>": array}`` for every parameter and buffer of the network."""
        from .state import state_dict

        return state_dict(self)

    def load_state_dict(self, state: dict[str, np.ndarray], strict: bool = True) -> Module:
        """Copy arrays by path name into this network's arrays, in place."""
        from .state import load_state_dict

        load_state_dict(self, state, strict)
        return self

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        """Build a module from :meth:`config`'s dictionary (``*args`` passed positionally)."""
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

    # ----------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """The configuration shown inside the parentheses of the repr (``"10 -> 5"``)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        return f"nn.{type(self).__name__}" + (f"({extra})" if extra else "")


#: child names of list containers, "0", "1", ..., grown on demand


# Module's own forward/backward only delegate to wrapped methods and its acc_grad_parameters does
# nothing: wrapping them would only add to the per-call cost of every layer inheriting them.
for _name in set(LOCATED_METHODS) - {"forward", "backward", "acc_grad_parameters"}:
    setattr(Module, _name, located(getattr(Module, _name)))
