"""``Node``: a value in a graph under construction (nngraph's ``nngraph.Node``).

Calling a module on nodes makes a node: ``h = nn.Linear(10, 5)(x)``.  ``nn.Identity()()``
(no argument) makes a node with no inputs, a graph input; a list of nodes means the module
takes a table of their outputs.  ``gModule(inputs, outputs)`` turns the nodes into a module.
Importing this module registers the call handler with nncore (``install_call_hook``).
"""

from __future__ import annotations

import os
import re
import sys
from types import FrameType
from typing import Any

from nncore.plugin import NO_INPUT, InputTypeError, Module, register_call_hook, repr_line

_HERE = os.path.dirname(os.path.abspath(__file__))
_CORE = os.path.dirname(os.path.abspath(sys.modules["nncore"].__file__ or ""))


class Node:
    """The output of ``module`` applied to the outputs of ``inputs``.

    ``table`` says the module takes the list of its inputs' outputs (the node was made from a
    list); otherwise it takes its single input's output.  A node made by :meth:`split` has no
    module and picks element ``select`` of its input's table.  ``annotations`` holds what
    :meth:`annotate` attached, ``source`` the ``file:line`` where the node was made, and
    ``index`` the node's position in a gModule's forward order for the nodes a gModule gives
    back (:attr:`gModule.forward_nodes`; None while a graph is being built).

    ``x - module`` is ``module(x)`` (nngraph's chaining operator), so ``-a - b - c`` is
    ``c(b(a()))``: the right side of ``-`` must be a module.

    >>> from nncore import nn
    >>> x = nn.Identity()()
    >>> h = nn.Linear(3, 2)(x).annotate(name="hidden")
    >>> h
    Node(nn.Linear(3 -> 2) 'hidden')
    >>> h.inputs == [x]
    True
    """

    def __init__(
        self,
        module: Module | None,
        inputs: list[Node] | None = None,
        table: bool = False,
        select: int | None = None,
    ) -> None:
        self.module = module
        self.inputs: list[Node] = []
        self.table = table
        self.select = select
        self.consumers: list[Node] = []
        self.annotations: dict[str, Any] = {}
        self.split_count: int | None = None
        self.source = _caller()
        self.index: int | None = None
        for node in inputs or []:
            self.add_input(node)

    def add_input(self, node: Node) -> Node:
        """Connect ``node``'s output as one more input of this node; return self."""
        if not isinstance(node, Node):
            raise InputTypeError(f"{self}: expected a Node as input, got {type(node).__name__}")
        self.inputs.append(node)
        node.consumers.append(self)
        return self

    def split(self, n: int) -> list[Node]:
        """``n`` nodes, the ``i``-th holding element ``i`` of this node's output table.

        Every one of them must be used by the graph (an unused split output is an error).
        """
        if not isinstance(n, int) or n < 1:
            raise InputTypeError(f"{self}.split expected a positive number of outputs, got {n!r}")
        if self.split_count is not None:
            raise InputTypeError(f"{self} was already split into {self.split_count} outputs")
        self.split_count = n
        return [Node(None, [self], select=i) for i in range(n)]

    def annotate(self, **annotations: Any) -> Node:
        """Attach ``name=``, ``description=``, ``graph_attributes=`` (or any key); return self.

        ``graph_attributes`` (nngraph's ``graphAttributes``) is a dict of Graphviz node
        attributes, such as ``{"color": "red", "style": "filled"}``, that the DOT output gives
        the node.  Values are saved with the graph, so they must be JSON values (strings,
        numbers, booleans, None, and lists and string-keyed dicts of those).
        """
        for key, value in annotations.items():
            _check_annotation(self, key, value)
        self.annotations.update(annotations)
        return self

    def __sub__(self, other: Any) -> Any:
        """``node - module`` is ``module(node)`` (nngraph's chaining operator)."""
        if isinstance(other, Module):
            return other(self)
        if isinstance(other, Node):
            raise InputTypeError(
                f"{self} - {other}: expected a module on the right of '-' "
                "(x - module calls the module on x), got a Node"
            )
        return NotImplemented

    def __rsub__(self, other: Any) -> Any:
        # ``module - node``: Module.__sub__ declined, so the right side is this node
        raise InputTypeError(
            f"{other!r:.60} - {self}: expected a module on the right of '-' "
            "(x - module calls the module on x), got a Node"
        )

    @property
    def name(self) -> str | None:
        """The ``name`` annotation (nngraph's ``node.data.annotations.name``), or None."""
        return self.annotations.get("name")

    def label(self) -> str:
        """What the node computes: its module's first repr line, or ``select i``."""
        if self.module is None:
            return f"select {self.select}"
        return repr_line(self.module)

    def describe(self) -> str:
        """The node for an error message: label, name and where it was made."""
        name = f" {self.name!r}" if self.name else ""
        return f"node {self.label()}{name} (made at {self.source})"

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name else ""
        return f"Node({self.label()}{name})"


_JSON_LEAVES = (str, int, float, bool, type(None))
_DOT_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _is_json(value: Any) -> bool:
    if isinstance(value, _JSON_LEAVES):
        return True
    if isinstance(value, (list, tuple)):
        return all(map(_is_json, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def _check_annotation(node: Node, key: str, value: Any) -> None:
    """Annotations are saved in the graph's config: JSON values; graph attributes DOT's."""
    if key == "graph_attributes":
        if not isinstance(value, dict):
            raise InputTypeError(
                f"{node}.annotate expected graph_attributes to be a dict of Graphviz "
                f"attributes, got {type(value).__name__}"
            )
        for name, attribute in value.items():
            if not isinstance(name, str) or not _DOT_ID.match(name):
                raise InputTypeError(
                    f"{node}.annotate expected Graphviz attribute names (letters, digits, "
                    f"underscores) in graph_attributes, got {name!r}"
                )
            if not isinstance(attribute, (str, int, float, bool)):
                raise InputTypeError(
                    f"{node}.annotate expected graph_attributes[{name!r}] to be a string or "
                    f"number, got {type(attribute).__name__}"
                )
    elif not _is_json(value):
        raise InputTypeError(
            f"{node}.annotate expected {key}= to be a JSON value (string, number, boolean, "
            f"None, or a list or dict of those), got {type(value).__name__}"
        )


def _caller() -> str:
    """``file:line`` of the first frame outside nncore and nn-graph (where the node was made)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        folder = os.path.dirname(os.path.abspath(frame.f_code.co_filename))
        if folder not in (_HERE, _CORE):
            return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


def handle_call(module: Module, input: Any) -> Node:
    """``module()`` / ``module(node)`` / ``module([nodes])``: a new node (the call hook)."""
    if input is NO_INPUT:
        return Node(module)
    if isinstance(input, Node):
        connect = getattr(module, "connect_node", None)
        return connect(input) if connect is not None else Node(module, [input])
    if isinstance(input, Module):
        raise InputTypeError(
            f"{repr_line(module)}: expected a Node or a list of nodes, got the module "
            f"{repr_line(input)}{_MAKE_NODE}"
        )
    bad = [i for i, x in enumerate(input) if not isinstance(x, Node)]
    if bad:
        hint = _MAKE_NODE if isinstance(input[bad[0]], Module) else ""
        raise InputTypeError(
            f"{repr_line(module)}: expected a list of nodes to build a graph node, got "
            f"{type(input[bad[0]]).__name__} at position {bad[0]}{hint}"
        )
    return Node(module, list(input), table=True)


# nngraph's hint for the usual slip: a module where a node belongs
_MAKE_NODE = ": call a module to make a node (module() for an input, -module to start a chain)"


def install_call_hook() -> None:
    """Make ``module()`` and ``module(node)`` build graph nodes (idempotent).

    Calls on a module, or on a list holding one, come here too, for a clear error.
    """
    register_call_hook((Node, Module), handle_call)


install_call_hook()
