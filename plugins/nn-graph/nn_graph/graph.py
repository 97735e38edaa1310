"""``Graph``: a gModule's nodes and edges in one direction (nngraph's ``fg`` and ``bg``).

A gModule keeps its graph as a plan of plain numbers (see ``_graph``).  :func:`forward_graph`
turns the plan back into :class:`Node` objects, one per step, holding the gModule's own modules
and annotation dicts, so walking the nodes reads (and ``annotate`` edits) the gModule itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from typing import Any

from nncore.plugin import Module

from ._graph import Step
from .node import Node

#: the attributes the DOT output gives the node where an error happened (as nngraph does)
FAILED = {"style": "filled", "fillcolor": "red"}


class Graph:
    """Nodes and edges of a gModule, in the order one direction of it runs.

    ``g.fg`` is the forward graph: ``nodes`` in topological order, an edge ``(a, b)`` for each
    input ``a`` of ``b``.  ``g.bg`` (:meth:`reverse`) is the backward graph: the same nodes in
    the order backward visits them, every edge reversed.  ``inputs`` and ``outputs`` are the
    gModule's input and output nodes, in order.

    >>> from nncore import nn
    >>> x = nn.Identity()()
    >>> fg = nn.gModule([x], [nn.Tanh()(x)]).fg
    >>> [node.index for node in fg.nodes], [(a.index, b.index) for a, b in fg.edges]
    ([0, 1], [(0, 1)])
    >>> [(a.index, b.index) for a, b in fg.reverse().edges]
    [(1, 0)]
    """

    def __init__(
        self,
        nodes: Sequence[Node],
        edges: Sequence[tuple[Node, Node]],
        inputs: Sequence[Node],
        outputs: Sequence[Node],
        backward: bool = False,
    ) -> None:
        self.nodes = list(nodes)
        self.edges = list(edges)
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.backward = backward

    def reverse(self) -> Graph:
        """The graph in the other direction: nodes in reverse order, edges reversed."""
        return Graph(
            self.nodes[::-1],
            [(b, a) for a, b in reversed(self.edges)],
            self.inputs,
            self.outputs,
            not self.backward,
        )

    def to_dot(self, title: str = "gModule", failed: Node | None = None) -> str:
        """Graphviz DOT text: one box per node, the gModule's inputs and outputs as ellipses.

        A node's label shows its index, its ``name`` annotation, what it computes and its
        ``description``; its ``graph_attributes`` annotation adds Graphviz attributes (a
        ``tooltip`` there replaces the default, where the node was made).  ``failed`` is
        drawn filled in red.
        """
        terminals = _terminals(self)
        incoming: dict[int, list[Node]] = {id(node): [] for node in self.nodes}
        for a, b in self.edges:
            incoming[id(b)].append(a)
        lines = [f"digraph {_quote(title)} {{", "  node [shape=box];"]
        for node in self.nodes:
            into = [(name, label) for name, label, n in terminals["in"] if n is node]
            lines += [f"  {name} [label={_quote(label)}, shape=ellipse];" for name, label in into]
            lines.append(f"  n{node.index} [{_attributes(node, node is failed)}];")
            lines += [f"  {name} -> n{node.index};" for name, _ in into]
            lines += [f"  n{a.index} -> n{node.index};" for a in incoming[id(node)]]
        for name, label, node in terminals["out"]:
            lines.append(f"  {name} [label={_quote(label)}, shape=ellipse];")
            lines.append(f"  n{node.index} -> {name};")
        return "\n".join(lines + ["}"])

    def render(
        self, path: str | os.PathLike, format: str = "png", failed: Node | None = None
    ) -> str:
        """Draw the graph into ``path`` with Graphviz's ``dot`` (in ``format``); return the path.

        Raises FileNotFoundError when no ``dot`` program is installed (:meth:`to_dot` still
        works).
        """
        dot = shutil.which("dot")
        if dot is None:
            raise FileNotFoundError(
                "Graphviz's 'dot' program was not found on PATH: install "
                "graphviz to render, or write to_dot(graph) to a .dot file"
            )
        subprocess.run(
            [dot, f"-T{format}", "-o", os.fspath(path)],
            input=self.to_dot(failed=failed).encode(),
            check=True,
            capture_output=True,
        )
        return os.fspath(path)

    def __repr__(self) -> str:
        direction = "backward" if self.backward else "forward"
        return f"Graph({direction}, {len(self.nodes)} nodes, {len(self.edges)} edges)"


def forward_graph(steps: Sequence[Step], outputs: Sequence[int], modules: list[Module]) -> Graph:
    """Fresh nodes over a gModule's plan (its own modules and annotation dicts), as ``fg``."""
    nodes: list[Node] = []
    inputs: dict[int, Node] = {}
    for k, step in enumerate(steps):
        module = modules[step.module] if step.module is not None else None
        node = Node(module, [nodes[j] for j in step.inputs], step.table, step.select)
        node.annotations = step.annotations  # shared: annotate() on the node edits the graph
        node.source, node.index = step.source, k
        if step.input is not None:
            inputs[step.input] = node
        nodes.append(node)
    edges = [(parent, node) for node in nodes for parent in node.inputs]
    return Graph(nodes, edges, [inputs[i] for i in sorted(inputs)], [nodes[k] for k in outputs])


def _terminals(graph: Graph) -> dict[str, list[tuple[str, str, Node]]]:
    """The ellipses: what enters the graph (``in``) and leaves it (``out``), per direction."""
    entering = [(f"in{i}", f"input {i}", n) for i, n in enumerate(graph.inputs)]
    leaving = [(f"out{i}", f"output {i}", n) for i, n in enumerate(graph.outputs)]
    if graph.backward:  # gradients enter at the outputs and leave at the inputs
        entering = [(name, f"gradient of {label}", n) for name, label, n in leaving]
        leaving = [(f"in{i}", f"gradient of input {i}", n) for i, n in enumerate(graph.inputs)]
    return {"in": entering, "out": leaving}


def _attributes(node: Node, failed: bool) -> str:
    annotations = node.annotations
    name = annotations.get("name")
    parts = [f"[{node.index}]" + (f" {name}" if name is not None else ""), node.label()]
    if "description" in annotations:
        parts.append(str(annotations["description"]))
    attributes: dict[str, Any] = {"label": "\n".join(parts), "tooltip": node.source}
    attributes.update(sorted(annotations.get("graph_attributes", {}).items()))
    if failed:
        attributes.update(FAILED)
    return ", ".join(f"{key}={_quote(_dot_value(value))}" for key, value in attributes.items())


def _dot_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
