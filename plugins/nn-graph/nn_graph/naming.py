"""``annotate_nodes()``: name a function's nodes after its variables (nngraph.annotateNodes)."""

from __future__ import annotations

import sys

from nncore.plugin import InputTypeError

from .node import Node


def annotate_nodes(level: int = 1) -> list[Node]:
    """Give every node held in a local variable of the caller that variable's name.

    ``level`` 1 is the function that calls ``annotate_nodes`` (2 its caller, and so on).  A
    node that already has a ``name`` keeps it; a node held by several variables takes the
    first one's name.  Return the nodes named.  The names label the nodes in prints, errors,
    drawings and debug mode.

    >>> from nncore import nn
    >>> x = nn.Identity()()
    >>> hidden = nn.Tanh()(x)
    >>> [node.name for node in annotate_nodes()]
    ['x', 'hidden']
    """
    if not isinstance(level, int) or level < 1:
        raise InputTypeError(f"annotate_nodes expected a stack level of 1 or more, got {level!r}")
    frame = sys._getframe(level)
    named = []
    for variable, value in frame.f_locals.items():
        if isinstance(value, Node) and value.name is None:
            named.append(value.annotate(name=variable))
    return named
