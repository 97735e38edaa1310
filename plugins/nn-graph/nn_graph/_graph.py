"""Turning nodes into a plan a gModule runs, and checking plans read from a config.

A plan is a list of steps in topological order.  Each step is one node: which module it runs
(an index into the gModule's modules, or None for a ``split`` selection), the steps it takes
input from, and whether it takes them as a table, picks element ``select`` of a table, or
receives graph input ``input``.  Plans hold only ints, bools and strings, so a gModule's
configuration is its plan and deep copies never drag the user's nodes along.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from nncore.plugin import InputError, InputTypeError, Module

from .node import Node


class GraphError(InputError):
    """The nodes given to gModule do not make a valid graph (the message names the node)."""


class Step(NamedTuple):
    module: int | None
    inputs: tuple[int, ...]
    table: bool = False
    select: int | None = None
    input: int | None = None
    annotations: dict[str, Any] = {}
    source: str = "?"

    def as_config(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "inputs": list(self.inputs),
            "table": self.table,
            "select": self.select,
            "input": self.input,
            "annotations": dict(self.annotations),
            "source": self.source,
        }


def as_nodes(value: Any, what: str) -> list[Node]:
    """``value`` (a node or a list of nodes) as a list; anything else is a clear error."""
    nodes = value if isinstance(value, (list, tuple)) else [value]
    for i, node in enumerate(nodes):
        if not isinstance(node, Node):
            hint = " (call the module on a node to make one)" if isinstance(node, Module) else ""
            raise InputTypeError(f"gModule expected a Node as {what} {i}, got {node!r:.80}{hint}")
    return list(nodes)


def compile_graph(
    inputs: list[Node], outputs: list[Node]
) -> tuple[list[Step], list[int], list[Module]]:
    """Check the graph between ``inputs`` and ``outputs``; return ``(steps, outputs, modules)``."""
    if not inputs or not outputs:
        raise GraphError(
            f"gModule needs at least one input and one output node, got "
            f"{len(inputs)} inputs and {len(outputs)} outputs"
        )
    order = _ancestors(outputs)
    _add_parameter_branches(order)
    members = set(map(id, order))
    for k, node in enumerate(inputs):
        if node.inputs:
            raise GraphError(
                f"input {k} ({node.describe()}) has inputs of its own: a graph input "
                "is made by calling a module with no argument"
            )
        if id(node) not in members:
            raise GraphError(
                f"input {k} ({node.describe()}) is unused: it does not connect to "
                "any output of the gModule"
            )
        if node in inputs[:k]:
            raise GraphError(f"input {k} ({node.describe()}) is given twice")
    for node in order:
        _check_node(node, inputs, members)
    index = {id(node): i for i, node in enumerate(order)}
    module_index: dict[int, int] = {}
    modules: list[Module] = []
    steps = []
    for node in order:
        module = None
        if node.module is not None:
            if id(node.module) in module_index:
                first = next(n for n in order if n.module is node.module)
                raise GraphError(
                    f"{node.describe()} uses the module of {first.describe()}: a module belongs "
                    "to one node (share parameters with module.clone('weight', 'bias', ...))"
                )
            module = module_index[id(node.module)] = len(modules)
            modules.append(node.module)
        graph_input = next((k for k, x in enumerate(inputs) if x is node), None)
        steps.append(
            Step(
                module,
                tuple(index[id(x)] for x in node.inputs),
                node.table,
                node.select,
                graph_input,
                copy.deepcopy(node.annotations),  # JSON values (Node.annotate checks them)
                node.source,
            )
        )
    return steps, [index[id(node)] for node in outputs], modules


def _ancestors(outputs: list[Node]) -> list[Node]:
    """Every node the outputs depend on, inputs before consumers; a cycle is an error."""
    order: list[Node] = []
    state: dict[int, str] = {}
    for output in outputs:
        stack: list[tuple[Node, bool]] = [(output, False)]
        while stack:  # iterative depth first: deep graphs must not hit the recursion limit
            node, done = stack.pop()
            if done:
                state[id(node)] = "done"
                order.append(node)
                continue
            if state.get(id(node)) == "done":
                continue
            state[id(node)] = "open"
            stack.append((node, True))
            for parent in reversed(node.inputs):
                if state.get(id(parent)) == "open":
                    raise GraphError(
                        f"the graph has a cycle: {parent.describe()} depends on "
                        f"its own output through {node.describe()}"
                    )
                if state.get(id(parent)) != "done":
                    stack.append((parent, False))
    return order


def _is_source(node: Node) -> bool:
    """A node that needs no input at all (a Parameters node)."""
    return (
        not node.inputs
        and node.module is not None
        and not getattr(node.module, "needs_input", True)
    )


def _add_parameter_branches(order: list[Node]) -> None:
    """Append consumers computed from parameters only that reach no output (penalties).

    nnop regularises parameters this way (an L1Penalty on a weight node): such a branch runs
    in forward and, with a zero gradient from above, adds its own gradient on the way back.
    Any other node that leads nowhere is dangling and an error.
    """
    members = set(map(id, order))
    k = 0
    while k < len(order):
        for consumer in order[k].consumers:
            if id(consumer) in members or consumer.select is not None:
                continue
            branch = _ancestors([consumer])
            if not all(_is_source(n) for n in branch if not n.inputs):
                raise GraphError(
                    f"{consumer.describe()} is dangling: it takes the output of "
                    f"{order[k].describe()} but does not connect to any output"
                )
            for node in branch:
                if id(node) not in members:
                    members.add(id(node))
                    order.append(node)
        k += 1


def _check_node(node: Node, inputs: list[Node], members: set[int]) -> None:
    if not node.inputs and node not in inputs and not _is_source(node):
        raise GraphError(
            f"{node.describe()} is dangling: it has no inputs and is not one of the "
            "gModule's inputs, so it would never receive a value"
        )
    if node.split_count is not None:
        used = sum(1 for c in node.consumers if c.select is not None and id(c) in members)
        if used < node.split_count:
            raise GraphError(
                f"{node.split_count - used} of the split({node.split_count}) "
                f"outputs of {node.describe()} are unused"
            )


def check_plan(config: dict[str, Any]) -> tuple[list[Step], list[int], int, int]:
    """Steps, outputs, number of inputs and of modules from a gModule config; errors if invalid."""
    raw_steps, outputs = config.get("nodes"), config.get("outputs")
    if not isinstance(raw_steps, list) or not isinstance(outputs, list):
        raise GraphError("a gModule config needs a 'nodes' list and an 'outputs' list")
    steps: list[Step] = []
    modules: set[int] = set()
    n_inputs = 0
    for k, raw in enumerate(raw_steps):
        try:
            step = Step(
                raw["module"],
                tuple(raw["inputs"]),
                bool(raw["table"]),
                raw["select"],
                raw["input"],
                dict(raw.get("annotations", {})),
                str(raw.get("source", "?")),
            )
        except (KeyError, TypeError) as error:
            raise GraphError(f"gModule config node {k} is malformed: {error}") from error
        for j in step.inputs:
            if not isinstance(j, int) or not 0 <= j < k:
                raise GraphError(
                    f"gModule config node {k} takes input from node {j!r}: expected "
                    f"an earlier node (0 to {k - 1}); a later one would be a cycle"
                )
        if step.module is not None:
            if not isinstance(step.module, int) or step.module < 0 or step.module in modules:
                raise GraphError(f"gModule config node {k} has a bad module index {step.module!r}")
            modules.add(step.module)
        elif not isinstance(step.select, int) or len(step.inputs) != 1:
            raise GraphError(f"gModule config node {k} has neither a module nor a selection")
        if step.input is not None:
            n_inputs = max(n_inputs, step.input + 1)
        steps.append(step)
    graph_inputs = [s.input for s in steps if s.input is not None]
    if sorted(graph_inputs) != list(range(n_inputs)) or not graph_inputs:
        raise GraphError(f"gModule config inputs {graph_inputs} are not 0 to n-1, once each")
    if modules != set(range(len(modules))):
        raise GraphError(f"gModule config module indices {sorted(modules)} are not 0 to n-1")
    if not outputs or any(not isinstance(o, int) or not 0 <= o < len(steps) for o in outputs):
        raise GraphError(f"gModule config outputs {outputs!r} do not name nodes")
    return steps, outputs, n_inputs, len(modules)
