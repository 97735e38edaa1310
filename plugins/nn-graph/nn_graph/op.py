"""Op: a parameterized module's operation alone, its parameters given as inputs (nnop).

``Op("nn-basic:Linear", 10, 5)`` takes ``[input, weight, bias]`` and computes what
``nn.Linear(10, 5)`` computes with that weight and bias; backward returns the gradients of the
input and of every parameter in the same table.  Any registered class works, a third party's
too, because the op only relies on what every module declares: ``parameter_names`` (the
arrays it binds), ``grad_<name>`` (where ``acc_grad_parameters`` accumulates) and
``buffer_names`` (state it keeps, exposed on the op so type() and save/load see it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from nncore.plugin import Case, InputTypeError, Module, ShapeError, describe, expect_float, registry

from ._cases import normal
from .node import Node
from .parameters import Parameters


class Op(Module):
    """The operation of the registered class ``wrapped`` built with ``*args, **kwargs``.

    Input ``[input, p_0, p_1, ...]``: the parameters in the order of the class's
    ``parameter_names`` (those the instance has; ``Linear(.., bias=False)`` takes
    ``[input, weight]``).  Output: the wrapped module's output.  grad_input:
    ``[d input, d p_0, d p_1, ...]``.  The op itself has no parameters.  Without constructor
    arguments a class that cannot be built bare is used unbuilt, its parameters bound from the
    table (enough for classes whose computation uses only their parameters, like Linear).

    Called on a single graph node, the op creates a :class:`Parameters` node for each of its
    parameters (initialised with the values the wrapped module was built with) and connects
    them: they are in ``parameter_nodes`` (``op.parameter_nodes["weight"]``).

    >>> import numpy as np
    >>> op = Op("Linear", 3, 2)
    >>> op
    nn.Op(Linear(3 -> 2))
    >>> w, b = np.ones((2, 3)), np.zeros(2)
    >>> op.forward([np.array([1.0, 2.0, 3.0]), w, b])
    array([6., 6.])
    """

    def __init__(self, wrapped: str, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        cls = registry().resolve(wrapped)
        if not getattr(cls, "parameter_names", ()):
            raise InputTypeError(
                f"Op expected a class with parameters, got {wrapped!r}, which "
                "declares none (use the module itself)"
            )
        self.wrapped = wrapped
        self.operation, self.built = _build(cls, args, kwargs)
        if self.operation.children():
            raise InputTypeError(
                f"Op expected a module without children, got {wrapped!r}: the "
                "parameters of its children cannot be inputs of an op"
            )
        # per instance: an op declares the buffers of the class it wraps
        self.buffer_names = tuple(self.operation.buffer_names)
        for name in self.buffer_names:
            setattr(self, name, getattr(self.operation, name, None))
        self.parameter_nodes: dict[str, Node] = {}

    # ----------------------------------------------------------------- the operation
    def update_output(self, input: Any) -> Any:
        x, params = self._split(input)
        with self._bound(params):
            output = self.operation.output = self.operation.update_output(x)
            return output

    def update_grad_input(self, input: Any, grad_output: Any) -> list[Any]:
        x, params = self._split(input)
        with self._bound(params) as grads:
            grad_x = self.operation.update_grad_input(x, grad_output)
            self.operation.acc_grad_parameters(x, grad_output, 1.0)
        return [grad_x, *grads]

    # ----------------------------------------------------------------- binding
    def names(self, count: int | None = None) -> tuple[str, ...]:
        """The parameters the op takes after its input (for an unbuilt class: the first
        ``count`` declared ones)."""
        declared = type(self.operation).parameter_names
        if self.built:
            return tuple(n for n in declared if getattr(self.operation, n, None) is not None)
        return declared[:count] if count is not None else declared

    def _split(self, input: Any) -> tuple[Any, list[np.ndarray]]:
        names = self.names(len(input) - 1 if isinstance(input, list) else None)
        shown = names if self.built else type(self.operation).parameter_names
        expected = f"a table [input, {', '.join(shown)}]"
        if not isinstance(input, list) or len(input) < 2 or len(input) != 1 + len(names):
            raise InputTypeError(f"expected {expected}, got {describe(input)}")
        for name, value in zip(names, input[1:], strict=True):
            expect_float(value, name)
            if self.built:
                shape = getattr(self.operation, name).shape
                if value.shape != shape:
                    raise ShapeError(f"expected {name} of shape {shape}, got {value.shape}")
        return input[0], input[1:]

    @contextmanager
    def _bound(self, params: list[np.ndarray]) -> Iterator[list[np.ndarray]]:
        """Bind ``params`` (and fresh zero gradients) into the wrapped module meanwhile."""
        op = self.operation
        names = self.names(len(params))
        saved = {n: getattr(op, n, None) for n in op.array_names()}
        # the wrapped module's parameters are C-ordered arrays of its own (compiled kernels read
        # them so): a transposed or strided parameter given to the op is copied, and the
        # gradients are made in C order whatever the layout of what was given
        grads = [np.zeros(p.shape, p.dtype) for p in params]
        for name, param, grad in zip(names, params, grads, strict=True):
            setattr(op, name, np.ascontiguousarray(param))
            setattr(op, "grad_" + name, grad)
        for name in self.buffer_names:
            setattr(op, name, getattr(self, name))
        op.train, op._dtype = self.train, self.dtype
        try:
            yield grads
        finally:
            for name in self.buffer_names:
                setattr(self, name, getattr(op, name))
            for name, value in saved.items():
                setattr(op, name, value)

    # ----------------------------------------------------------------- graphs
    def connect_node(self, node: Node) -> Node:
        """The node of this op on ``node``, with (new or existing) parameter nodes."""
        if not self.parameter_nodes:
            if not self.built:
                raise InputTypeError(
                    f"{self!r} was made without constructor arguments, so it cannot create its "
                    "parameters: expected a list [input, parameter nodes...] as its input"
                )
            for name in self.names():
                value = getattr(self.operation, name)
                parameters = Parameters(*value.shape)
                parameters.weight[...] = value
                self.parameter_nodes[name] = Node(parameters).annotate(name=name)
        return Node(self, [node, *self.parameter_nodes.values()], table=True)

    def __getstate__(self) -> dict[str, Any]:
        # copies (clone, deepcopy) leave the graph nodes behind: they describe where the
        # original was connected, and would drag the whole graph of nodes along
        state = dict(self.__dict__)
        state["parameter_nodes"] = {}
        return state

    def extra_repr(self) -> str:
        if not self.built:
            return type(self.operation).__name__
        return Module.__repr__(self.operation).removeprefix("nn.")


def _build(cls: type[Module], args: tuple, kwargs: dict) -> tuple[Module, bool]:
    """An instance of ``cls`` (built with the arguments, or bare when it needs some)."""
    if not args and not kwargs:
        try:
            return cls(), True
        except TypeError:
            bare = cls.__new__(cls)
            Module.__init__(bare)
            for name in cls.parameter_names:
                setattr(bare, name, None)
                setattr(bare, "grad_" + name, None)
            return bare, False
    return cls(*args, **kwargs), True


def _ids(rng: np.random.Generator) -> list[Any]:
    return [rng.integers(0, 5, size=4), rng.standard_normal((5, 3))]


def examples() -> list[Case]:
    """The conformance kit's cases for Op."""
    return [
        Case(
            Op("nn-basic:Linear", 3, 2),
            input=normal((4, 3), (2, 3), (2,)),
            bad_inputs=["not an array", [np.ones((4, 3)), np.ones((3, 3)), np.ones(2)]],
        ),
        Case(Op("nn-basic:Linear"), input=normal((3,), (2, 3))),
        Case(Op("nn-basic:Linear", 3, 2, bias=False), input=normal((4, 3), (2, 3))),
        Case(Op("nn-basic:CMul", 3), input=normal((4, 3), (3,))),
        Case(Op("nn-basic:PReLU", 3), input=normal((4, 3), (3,))),
        Case(Op("nn-basic:Bilinear", 3, 4, 2), input=normal([(4, 3), (4, 4)], (2, 3, 4), (2,))),
        Case(Op("nn-basic:BatchNormalization", 3), input=normal((5, 3), (3,), (3,)), atol=1e-5),
        Case(
            Op("nn-conv:SpatialConvolution", 2, 3, 3, 3, pad_w=1),
            input=normal((2, 2, 4, 4), (3, 2, 3, 3), (3,)),
        ),
        Case(Op("nn-conv:LookupTable", 5, 3), input=_ids),
    ]
