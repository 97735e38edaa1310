"""``Module``: the contract every layer, container and criterion follows.

A layer implements ``update_output``, ``update_grad_input`` and, when it has parameters,
``acc_grad_parameters``, returning what it computes.  ``forward`` and ``backward`` are the calls
the rest of the world makes: they apply the module's input dtype policy, check the gradient
against the output, call those methods, store ``output``/``grad_input`` and, when an exception
leaves them, record which module raised it and where that module sits in the network.

A module declares its arrays (``parameter_names``, ``buffer_names``); the gradient of parameter
``p`` lives in ``grad_p``.  Containers expose their children through two methods,
``named_children()`` and ``set_child(name, module)`` (the container protocol); everything
recursive here (parameters, share, type, training, find, replace) goes through them only, so a
container written in any plugin works with every feature below.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, Generic

import numpy as np

from . import _config, _tree
from . import _hooks as hooks
from . import _parameters as _flat
from . import _sharing as sharing
from . import _state_dict as _state
from ._construction import Range, check_arguments
from ._dtypes import Dtype, Policy, accept, as_dtype, convert, explain_cast
from ._gradients import NO_OUTPUT, MissingGradient, accept_backward
from ._location import locate, register
from ._names import TorchName, add_torch_names, field_names
from ._tree import FoundModules
from ._typing import Inputs


class Module(Generic[Inputs]):
    """Base class of every nncore module (torch/nn ``nn.Module``).

    Subclasses implement ``update_output``, ``update_grad_input`` and, when they have
    parameters, ``acc_grad_parameters``.  Constructor arguments are captured automatically and
    returned by :meth:`config`, so any module can be rebuilt, saved or swapped.  For type
    checkers, ``Module`` is generic over the arguments of ``update_output`` (the
    ``ParamSpec`` ``Inputs``).  A layer subclasses the bare ``Module`` (``Module[...]``), so its
    ``update_output`` may take whatever it needs (one input); ``Criterion`` is
    ``Module[[Any, Any]]``, and every criterion's ``update_output(input, target)`` is checked
    against that.  :meth:`forward` and ``__call__`` hand ``update_output`` one input: they are
    typed for ``Module[[Any]]`` (any module but a criterion, which has its own).  Nothing of
    this exists at run time but ``Generic`` among the bases: no method is wrapped or replaced.
    """

    #: names of trainable arrays; the gradient of ``p`` is stored in ``grad_p``.  A class
    #: declares them, and an instance may have its own (a wrapper taking those of the class it
    #: wraps, a reparameterisation turning its module's weight into a buffer)
    parameter_names: tuple[str, ...] = ()
    #: names of persistent non-trainable arrays (running statistics, ...), per class or instance
    buffer_names: tuple[str, ...] = ()
    #: what forward and backward do with the dtype of input arrays (see ``nncore._dtypes``):
    #: ``"float"`` casts integer, bool and float16 arrays to the module's dtype and refuses the
    #: other floating dtype; ``"index"`` and ``"any"`` pass arrays as given; a tuple gives one
    #: policy per element of a table input
    accepts: ClassVar[Policy] = "float"
    #: ranges of numeric constructor arguments, by parameter name (``{"input_size": POSITIVE}``),
    #: checked with the constructor's annotations before ``__init__`` runs (see
    #: ``nncore._construction``); a subclass adds to its bases' ranges
    argument_ranges: ClassVar[Mapping[str, Range]] = {}
    #: False when nothing needs the gradient with respect to this module's input, as for the
    #: first layer of a network trained on fixed data: :meth:`backward` then skips
    #: ``update_grad_input`` (torch/nn's idiom ``module.gradInput = nil``; PyTorch skips it for
    #: inputs that do not require a gradient).  Set it on an instance.
    needs_grad_input: bool = True
    _init_args: tuple[tuple[Any, ...], dict[str, Any]]
    _flat_parameters: tuple[np.ndarray, np.ndarray] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        add_torch_names(cls, field_names(cls))

    def __new__(cls, *args: Any, **kwargs: Any) -> Module:
        if args or kwargs:  # a copy (deepcopy, loading's bare instances) passes none
            check_arguments(cls, args, kwargs)
        instance = super().__new__(cls)
        instance._init_args = (args, kwargs)
        return instance

    def __init__(self) -> None:
        self.output: Any = NO_OUTPUT
        self.grad_input: Any = NO_OUTPUT
        self.train = True
        self._dtype = np.dtype(np.float64)

    # ----------------------------------------------------------------- the contract
    def forward(self: Module[[Any]], input: Any) -> Any:
        """Compute the output for ``input`` (``update_output``), store it and return it."""
        given = input
        try:
            if type(input) is not np.ndarray or input.dtype is not self._dtype:
                input = accept(input, self.accepts, self._dtype)
            output = self.update_output(input)
        except Exception as error:
            if input is not given:
                explain_cast(error, self)
            locate(error, self)
            raise
        self.output = output
        return output

    def backward(self, input: Any, grad_output: Any, scale: float = 1.0) -> Any:
        """``update_grad_input`` then ``acc_grad_parameters(scale)``; store and return
        ``grad_input``.

        ``grad_output`` must have the structure and shapes of the output of the last forward.
        With :attr:`needs_grad_input` false, only the parameter gradients are accumulated and
        ``None`` is returned.
        """
        try:
            output, dtype = self.output, self._dtype
            if (  # the per-call case, as accept_backward sees it, without the call
                type(grad_output) is not np.ndarray
                or type(input) is not np.ndarray
                or type(output) is not np.ndarray
                or grad_output.dtype is not dtype
                or input.dtype is not dtype
                or grad_output.shape != output.shape
            ):
                input, grad_output = accept_backward(self, input, grad_output)
            if self.needs_grad_input:
                grad_input = self.update_grad_input(input, grad_output)
            else:
                grad_input = None
            self.acc_grad_parameters(input, grad_output, scale)
        except Exception as error:
            locate(error, self)
            raise
        self.grad_input = grad_input
        return grad_input

    def backward_input(self, input: Any, grad_output: Any) -> Any:
        """The input half of :meth:`backward`: ``update_grad_input``, checked and stored alike.

        A container's ``update_grad_input`` calls its children this way, so each child's
        ``grad_output`` is checked and its ``grad_input`` is kept for ``acc_grad_parameters``.
        """
        try:
            input, grad_output = accept_backward(self, input, grad_output)
            grad_input = (
                self.update_grad_input(input, grad_output) if self.needs_grad_input else None
            )
        except Exception as error:
            locate(error, self)
            raise
        self.grad_input = grad_input
        return grad_input

    def __call__(self: Module[[Any]], input: Any = hooks.NO_INPUT) -> Any:
        """``forward(input)``; a call hook (graph building) handles calls on other things.

        An array takes the fast path straight to :meth:`forward`.  A call with no argument, or
        on something a plugin registered a call hook for (an nngraph node, a list of nodes),
        goes to that plugin's handler; any other input is forwarded.
        """
        if isinstance(input, np.ndarray):
            return self.forward(input)
        return hooks.call(self, input)

    # nngraph's chaining operators, defined by calls alone (so the core needs no graph code):
    # ``-a`` is ``a()`` and ``x - b`` is ``b(x)``, so ``-a - b - c`` is ``c(b(a()))``.
    def __neg__(self: Module[[Any]]) -> Any:
        """``-module`` is ``module()``: with nn-graph, a graph input node (nngraph's ``-``)."""
        return self()

    def __sub__(self, other: Any) -> Any:
        """``module - other`` is ``other(module)`` when ``other`` is a module (nngraph's ``-``).

        Calling a module on a module is an error the graph plugin explains: write ``-module``
        (or ``module()``) on the left to start a chain.
        """
        return other(self) if isinstance(other, Module) else NotImplemented

    def __rsub__(self: Module[[Any]], other: Any) -> Any:
        """``[node, node] - module`` is ``module([node, node])`` (a table of inputs)."""
        return self(other) if isinstance(other, list) else NotImplemented

    def update_output(self, *inputs: Inputs.args, **options: Inputs.kwargs) -> Any:
        """Return the output for ``input`` (subclasses override, as ``update_output(input)``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update_output")

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        """Return the gradient of the loss with respect to ``input`` (subclasses override).

        A module that does not override it has no input gradient to give: this returns a
        :class:`MissingGradient`, which is fine for the first module of a network (its input
        needs no gradient) and an error naming this module wherever it is used.
        """
        return MissingGradient(self)

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        """Accumulate ``scale`` times the parameter gradients (no-op without parameters)."""

    def acc_update_grad_parameters(self, input: Any, grad_output: Any, lr: float) -> None:
        """Update parameters by ``-lr`` times this call's gradient, leaving the grads untouched.

        Unlike Torch's trick of aliasing gradients to weights, this default is correct for every
        module, nonlinear and shared parameters included: it accumulates into zeroed gradients,
        applies them once per distinct parameter, and restores the gradients.
        """
        try:
            _flat.acc_update(self, input, grad_output, lr)
        except Exception as error:
            locate(error, self)
            raise

    # ----------------------------------------------------------------- parameters
    def own_parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        """Yield ``(name, param, grad)`` for this module's declared, present parameters."""
        for name in self.parameter_names:
            param = getattr(self, name, None)
            if param is not None:
                yield name, param, getattr(self, "grad_" + name, None)

    def parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Return ``(params, grads)`` of this module and its descendants.

        A parameter shared by several modules (same memory, shared with :meth:`share`) appears
        once.  A parameter shared by assignment with a gradient of its own is refused.
        """
        return _flat.distinct_pairs(self)

    def get_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Flatten all parameters and gradients into two contiguous vectors and return them.

        Every parameter becomes a view into the flat vector, shared ones included (they appear
        once).  Calling it again returns the same vectors when nothing changed, and re-flattens
        (keeping values) when modules were added or parameters rebound in between; the old
        vectors then become read-only.  On a part of a flattened network (a sub-network, a
        sharing clone) it returns views into the network's vectors.
        """
        return _flat.flatten(self)

    def zero_grad_parameters(self) -> None:
        """Set every parameter gradient to zero."""
        for g in self.parameters()[1]:
            g.fill(0)

    def update_parameters(self, lr: float) -> None:
        """``param -= lr * grad`` once for every distinct parameter."""
        for p, g in zip(*self.parameters(), strict=True):
            p -= lr * g

    # ----------------------------------------------------------------- container protocol
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, child)`` in order; leaf modules have none.  Containers override."""
        return iter(())

    named_children.has_no_children = True  # type: ignore[attr-defined]  # see _tree.walk

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
        return _tree.walk(self, prefix)

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
        return _tree.find(self, query)

    # ----------------------------------------------------------------- copies and sharing
    def share(self, other: Module, *names: str) -> Module:
        """Make the arrays called ``names`` those of ``other`` (recursively through children).

        Sharing a parameter shares its gradient too, so a shared parameter is one parameter:
        it appears once in ``get_parameters`` and is updated once.  ``names`` must be arrays
        the modules declare; the two networks must have the same structure, and the shared
        arrays the same shapes and dtypes.
        """
        sharing.share(self, other, names)
        return self

    def clone(self, *names: str) -> Module:
        """A deep copy; with ``names``, the copy shares those arrays with self.

        Sharing inside the copied subtree is preserved; nothing is shared with anything outside
        it unless named.  The shared arrays are never copied, and no flat parameter vector is.
        """
        return sharing.clone(self, names)

    def __dir__(self) -> list[str]:
        # Torch's spellings are there only to raise a hint: completion should not offer them
        hints = {n for k in type(self).__mro__ for n, v in vars(k).items() if type(v) is TorchName}
        return [name for name in super().__dir__() if name not in hints]

    def __getstate__(self) -> dict[str, Any]:
        # a copy must not carry the flat vectors: they belong to the original's parameters
        state = dict(self.__dict__)
        state.pop("_flat_parameters", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if isinstance(state.get("_dtype"), np.dtype):
            # a copied dtype equals numpy's own but is another object, and forward's and
            # backward's fast paths compare dtypes by identity: take numpy's again
            self._dtype = np.dtype(state["_dtype"].type)

    def type(self, dtype: Dtype) -> Module:
        """Convert every declared floating array of self and descendants to ``dtype``.

        Arrays that already have it are kept as they are (so ``float()`` twice copies nothing
        and flat vectors stay valid).  Sharing is kept.  The arrays replaced by a conversion, and
        the flat parameter vectors they lived in, become read-only: code still holding them
        fails instead of training a copy nobody uses.  The descendants of a module whose
        ``casts_children`` attribute is False (DontCast) keep their dtype.
        """
        convert(self, as_dtype(dtype))
        return self

    def float(self) -> Module:
        """``type(np.float32)``."""
        return self.type(np.float32)

    def double(self) -> Module:
        """``type(np.float64)``."""
        return self.type(np.float64)

    @property
    def dtype(self) -> np.dtype:
        """The floating dtype this module computes in (float64 unless converted)."""
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
            module.output = NO_OUTPUT
            module.grad_input = NO_OUTPUT
        return self

    def reset(self, stdv: builtins.float | None = None) -> Module:
        """Re-initialise parameters from ``nncore.random`` (modules with parameters override)."""
        return self

    def config(self) -> dict[str, Any]:
        """The constructor arguments this module was built with, by parameter name.

        ``type(m).from_config(m.config())`` (``type(m)(**m.config())`` when the constructor
        has no ``*args``) builds an equivalent module (with fresh parameters).
        """
        return _config.arguments_of(self)

    def state_dict(self) -> dict[str, np.ndarray]:
        """``{"<path>.<name>": array}`` for every parameter and buffer of the network."""
        return _state.state_dict(self)

    def load_state_dict(self, state: dict[str, np.ndarray], strict: bool = True) -> Module:
        """Copy arrays by path name into this network's arrays, in place."""
        _state.load_state_dict(self, state, strict)
        return self

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Module:
        """Build a module from :meth:`config`'s dictionary (``*args`` passed positionally)."""
        return _config.build(cls, config)

    # ----------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """The configuration shown inside the parentheses of the repr (``"10 -> 5"``)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        return f"nn.{type(self).__name__}" + (f"({extra})" if extra else "")


# Torch's spellings of the base class's own names (``getParameters``, ``gradInput``); any
# other name a module lacks raises Python's own AttributeError, from C and without a hook
add_torch_names(Module, [*field_names(Module), "grad_input", "output"])
for _name in ("cuda", "cl", "cudnn"):
    setattr(Module, _name, TorchName(_name))

register(
    Module,
    Module.forward,
    Module.backward,
    Module.backward_input,
    Module.acc_update_grad_parameters,
)
