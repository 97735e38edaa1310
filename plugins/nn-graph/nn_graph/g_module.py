"""gModule: a module made of a directed acyclic graph of modules (nngraph's ``nn.gModule``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import numpy as np

from nncore.plugin import (
    Case,
    InputTypeError,
    Module,
    StateError,
    add_note,
    describe,
    expect_index,
    indent,
    nn,
    repr_line,
)

from . import _tables, debug
from ._cases import normal
from ._graph import Step, as_nodes, check_plan, compile_graph
from .graph import Graph, forward_graph
from .node import Node
from .op import Op
from .parameters import Parameters


class gModule(Module):  # noqa: N801 -- torch/nn's name
    """The graph from ``inputs`` to ``outputs`` (nodes or lists of nodes) as one module.

    With one input the module takes an array, with several a table in the order of
    ``inputs``; likewise one output gives an array and several a table.  Forward runs the
    nodes in topological order; backward runs them in reverse, summing the gradients of a
    node used more than once.  The modules are the children (``"0"``, ``"1"``, ... in
    topological order), so parameters, find/replace, type, clone and save/load see them.

    >>> import numpy as np
    >>> from nncore import nn
    >>> x = nn.Identity()()
    >>> h = nn.Tanh()(nn.Linear(3, 4)(x))
    >>> g = gModule([x], [nn.Linear(4, 2)(h), h])
    >>> [y.shape for y in g.forward(np.ones((5, 3)))]
    [(5, 2), (5, 4)]
    """

    accepts = "any"  # each module of the graph applies its own policy

    def __init__(self, inputs: Node | list[Node], outputs: Node | list[Node]) -> None:
        super().__init__()
        inputs, outputs = as_nodes(inputs, "input"), as_nodes(outputs, "output")
        steps, outs, modules = compile_graph(inputs, outputs)
        self._setup(steps, outs, len(inputs), modules)
        # the nodes are not configuration (config() is the plan): copies must not drag them along
        self._init_args = ((), {})

    def _setup(
        self, steps: list[Step], outputs: list[int], n_inputs: int, modules: list[Module]
    ) -> None:
        self.steps = steps
        self.outputs = outputs
        self.n_inputs = n_inputs
        self.modules = modules

    # ----------------------------------------------------------------- configuration
    def config(self) -> dict[str, Any]:
        """The graph: every node's module index, inputs and kind, and the output nodes."""
        return {"nodes": [step.as_config() for step in self.steps], "outputs": list(self.outputs)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> gModule:
        """The graph of ``config`` with placeholder modules, to be given by ``set_child``."""
        steps, outputs, n_inputs, n_modules = check_plan(config)
        graph = cast(gModule, cls.__new__(cls))
        Module.__init__(graph)
        graph._setup(steps, outputs, n_inputs, [_Missing() for _ in range(n_modules)])
        return graph

    # ----------------------------------------------------------------- container protocol
    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((str(i), m) for i, m in enumerate(self.modules))

    def set_child(self, name: str, module: Module) -> None:
        if not isinstance(module, Module):
            raise InputTypeError(f"gModule.set_child expects a Module, got {type(module).__name__}")
        self.modules[int(name)] = module

    def size(self) -> int:
        return len(self.modules)

    def get(self, index: int) -> Module:
        n = len(self.modules)
        return self.modules[expect_index(index, n, f"gModule.get on {n} module(s)")]

    # ----------------------------------------------------------------- the graph's nodes
    @property
    def fg(self) -> Graph:
        """The forward graph (nngraph's ``fg``): nodes in topological order and their edges.

        Its nodes are built afresh on each access over this gModule's own modules and
        annotation dicts: ``node.module`` is the child itself, and ``node.annotate(...)``
        changes this gModule's annotations (saved with it, drawn by ``to_dot``).
        """
        return forward_graph(self.steps, self.outputs, self.modules)

    @property
    def bg(self) -> Graph:
        """The backward graph (nngraph's ``bg``): ``fg`` reversed, in backward's order."""
        return self.fg.reverse()

    @property
    def forward_nodes(self) -> list[Node]:
        """The nodes in the order forward runs them (nngraph's ``forwardnodes``).

        Each node gives its ``module`` (None for a ``split`` selection), its ``annotations``
        (``name``, ``description``, ``graph_attributes``, ...), its ``inputs``, ``index`` (its
        ``[k]`` in the printed graph) and ``source`` (where it was made).

        >>> from nncore import nn
        >>> x = nn.Identity()()
        >>> g = gModule([x], [nn.Linear(3, 2)(x).annotate(name="proj")])
        >>> [(node.index, node.annotations.get("name")) for node in g.forward_nodes]
        [(0, None), (1, 'proj')]
        >>> g.forward_nodes[1].module is g.get(1)
        True
        """
        return self.fg.nodes

    @property
    def backward_nodes(self) -> list[Node]:
        """The nodes in the order backward runs them (nngraph's ``backwardnodes``)."""
        return self.bg.nodes

    # ----------------------------------------------------------------- computation
    def update_output(self, input: Any) -> Any:
        values: list[Any] = [None] * len(self.steps)
        graph_inputs = self._graph_inputs(input)
        for k, step in enumerate(self.steps):
            try:
                if step.module is None:
                    values[k] = self._select(k, values[step.inputs[0]])
                else:
                    node_input = self._node_input(step, values, graph_inputs)
                    values[k] = self.modules[step.module].forward(node_input)
            except Exception as error:
                self._failed(error, k)
                raise
        outputs = [values[k] for k in self.outputs]
        return outputs[0] if len(outputs) == 1 else outputs

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        return self._backward(input, grad_output, "grad_input")

    def acc_grad_parameters(self, input: Any, grad_output: Any, scale: float = 1.0) -> None:
        # backward's second half: the pass that just computed the input gradient kept every
        # node's input and gradient, so the graph is not walked (nor its gradients summed) again
        # (nngraph likewise keeps each node's gradOutput from updateGradInput)
        pending = self.__dict__.pop("_pending", None)
        if pending is None or pending[0] is not input or pending[1] is not grad_output:
            self._backward(input, grad_output, "acc", scale)
            return
        for k, x, grad in pending[2]:
            try:
                self.modules[self.steps[k].module].acc_grad_parameters(x, grad, scale)
            except Exception as error:
                self._failed(error, k)
                raise

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_pending", None)  # one backward's temporaries are no part of a copy
        return state

    def _backward(self, input: Any, grad_output: Any, mode: str, scale: float = 1.0) -> Any:
        graph_inputs = self._graph_inputs(input)
        values = self._values(graph_inputs)
        grads: list[Any] = [None] * len(self.steps)
        outer = [grad_output] if len(self.outputs) == 1 else grad_output
        if not isinstance(outer, list) or len(outer) != len(self.outputs):
            raise InputTypeError(
                f"expected a table of {len(self.outputs)} output gradients, "
                f"got {describe(grad_output)}"
            )
        for k, g in zip(self.outputs, outer, strict=True):
            grads[k] = _tables.add(grads[k], g)
        input_grads: list[Any] = [None] * self.n_inputs
        calls: list[tuple[int, Any, Any]] = []  # (step, its input, its gradient) for acc
        add, modules, steps = _tables.add, self.modules, self.steps
        for k in range(len(steps) - 1, -1, -1):
            step = steps[k]
            grad = grads[k]
            if type(grad) is not np.ndarray:  # missing, or a table that may miss parts
                grad = _tables.fill(grad, values[k])
            if step.module is None:
                assert step.select is not None  # a step without a module selects (see _graph)
                table: list[Any] = [None] * len(values[step.inputs[0]])
                table[step.select] = grad
                grads[step.inputs[0]] = add(grads[step.inputs[0]], table)
                continue
            module = modules[step.module]
            x = self._node_input(step, values, graph_inputs)
            try:
                if mode == "grad_input":
                    grad_x = module.backward_input(x, grad)
                    calls.append((k, x, grad))
                else:
                    module.acc_grad_parameters(x, grad, scale)
                    grad_x = module.grad_input
            except Exception as error:
                self._failed(error, k)
                raise
            if step.input is not None:
                input_grads[step.input] = add(input_grads[step.input], grad_x)
            elif step.table:
                for j, g in zip(step.inputs, grad_x, strict=True):
                    grads[j] = g if grads[j] is None else add(grads[j], g)
            elif step.inputs:
                j = step.inputs[0]
                grads[j] = grad_x if grads[j] is None else add(grads[j], grad_x)
        filled = [_tables.fill(g, x) for g, x in zip(input_grads, graph_inputs, strict=True)]
        if mode == "grad_input":
            self._pending = (input, grad_output, calls)
        return filled[0] if self.n_inputs == 1 else filled

    def _failed(self, error: Exception, k: int) -> None:
        """Say which node failed (a note naming it), and in debug mode draw the graph."""
        step = self.steps[k]
        if not getattr(error, "_nn_graph_noted", False):
            name = step.annotations.get("name")
            named = f" {name!r}" if name is not None else ""
            what = (
                repr_line(self.modules[step.module])
                if step.module is not None
                else f"select {step.select}"
            )
            add_note(error, f"in gModule node [{k}]{named} ({what}) made at {step.source}")
            vars(error)["_nn_graph_noted"] = True  # an attribute no exception type declares
        if debug.is_debug():
            debug.report_failure(error, self.fg, k)

    def _graph_inputs(self, input: Any) -> list[Any]:
        if self.n_inputs == 1:
            return [input]
        if not isinstance(input, list) or len(input) != self.n_inputs:
            raise InputTypeError(
                f"expected a table of {self.n_inputs} inputs, got {describe(input)}"
            )
        return input

    def _values(self, graph_inputs: list[Any]) -> list[Any]:
        """Every node's output from the last forward (modules keep theirs in ``output``)."""
        values: list[Any] = [None] * len(self.steps)
        for k, step in enumerate(self.steps):
            if step.module is None:
                values[k] = self._select(k, values[step.inputs[0]])
            else:
                values[k] = self.modules[step.module].output
        return values

    def _node_input(self, step: Step, values: list[Any], graph_inputs: list[Any]) -> Any:
        if step.input is not None:
            return graph_inputs[step.input]
        if step.table:
            return [values[j] for j in step.inputs]
        return values[step.inputs[0]] if step.inputs else []

    def _select(self, k: int, table: Any) -> Any:
        step = self.steps[k]
        select = step.select
        assert select is not None  # a step without a module selects (see _graph)
        if not isinstance(table, list) or not 0 <= select < len(table):
            raise StateError(
                f"split node {k} ({step.source}) expected a table of at least "
                f"{select + 1} elements, got {describe(table)}"
            )
        return table[select]

    # ----------------------------------------------------------------- printing
    def __repr__(self) -> str:
        lines = [f"nn.gModule({self.n_inputs} -> {len(self.outputs)}) {{"]
        for k, step in enumerate(self.steps):
            if step.input is not None:
                source = f"input {step.input}"
            else:
                source = (
                    "[" + ", ".join(map(str, step.inputs)) + "]"
                    if step.table
                    else (str(step.inputs[0]) if step.inputs else "parameters")
                )
            what = (
                f"({step.module}): {indent(repr(self.modules[step.module]), '    ')}"
                if step.module is not None
                else f"select {step.select}"
            )
            name = step.annotations.get("name")
            lines.append(f"  [{k}] {source} -> {what}" + (f"  '{name}'" if name else ""))
        lines.append("  output: " + ", ".join(f"[{k}]" for k in self.outputs))
        return "\n".join(lines + ["}"])


class _Missing(Module):
    """A module slot of a graph rebuilt from its config, until ``set_child`` fills it."""

    def update_output(self, input: Any) -> Any:
        raise StateError("expected this graph module to be given by set_child after from_config")


def _mlp() -> gModule:
    x = nn.Identity()()
    h = nn.Tanh()(nn.Linear(3, 4)(x))
    return gModule([x], [nn.Linear(4, 2)(h)])


def _two_in_two_out() -> gModule:
    a, b = nn.Identity()(), nn.Identity()()
    h = nn.CAddTable()([nn.Linear(3, 2)(a), nn.Linear(5, 2)(b)])
    # h feeds the first output and the second one: its gradients are summed
    return gModule([a, b], [nn.Tanh()(h), nn.CMulTable()([h, nn.Sigmoid()(nn.Linear(3, 2)(a))])])


def _split() -> gModule:
    x = nn.Identity()()
    left, right = nn.ConcatTable(nn.Linear(3, 2), nn.Linear(3, 2))(x).split(2)
    return gModule([x], [nn.CMulTable()([left, nn.Tanh()(right)])])


def _nested() -> gModule:
    x = nn.Identity()()
    return gModule([x], [nn.Sigmoid()(_mlp()(nn.Linear(3, 3)(x)))])


def _shared_parameters() -> gModule:
    weight, bias = Parameters(2, 3)(), Parameters(2)()
    a, b = nn.Identity()(), nn.Identity()()
    first = Op("nn-basic:Linear")([a, weight, bias])
    second = Op("nn-basic:Linear")([b, weight, bias])
    return gModule([a, b], [first, nn.Tanh()(second)])


def _auto_parameters() -> gModule:
    x = nn.Identity()()
    h = nn.Tanh()(Op("nn-basic:Linear", 3, 4)(x))
    return gModule([x], [Op("nn-basic:CMul", 4)(h)])


def examples() -> list[Case]:
    """The conformance kit's cases for gModule."""
    return [
        Case(_mlp(), input_shape=(4, 3), batched=True),
        Case(_mlp(), input_shape=(3,)),
        Case(
            _two_in_two_out(),
            input=normal((4, 3), (4, 5)),
            batched=True,
            bad_inputs=["not an array", [np.ones((4, 3))]],
        ),
        Case(_split(), input_shape=(4, 3), batched=True),
        Case(_nested(), input_shape=(2, 3), batched=True),
        Case(
            _shared_parameters(),
            input=normal((4, 3), (4, 3)),
            batched=True,
            bad_inputs=["not an array", [np.ones((4, 3)), np.ones((4, 3)), np.ones(3)]],
        ),
        Case(_auto_parameters(), input_shape=(4, 3), batched=True),
    ]
