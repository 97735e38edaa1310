"""Graphviz export of a gModule's graphs: DOT text, and a picture when ``dot`` exists."""

from __future__ import annotations

import os

from .g_module import gModule
from .graph import Graph


def to_dot(graph: gModule | Graph, title: str = "gModule") -> str:
    """A gModule's forward graph (or any :class:`Graph`, such as ``g.bg``) as DOT text.

    One box per node, edges in data-flow order; graph inputs and outputs get their own
    ``input k`` / ``output k`` ellipses.  A node's label shows its index, its ``name``
    annotation, what it computes and its ``description``; its ``graph_attributes`` annotation
    adds Graphviz attributes (see :meth:`Graph.to_dot`).

    >>> from nncore import nn
    >>> x = nn.Identity()()
    >>> print(to_dot(gModule([x], [nn.Tanh()(x).annotate(name="act")])))
    digraph "gModule" {
      node [shape=box];
      in0 [label="input 0", shape=ellipse];
      n0 [label="[0]\\nnn.Identity", tooltip="..."];
      in0 -> n0;
      n1 [label="[1] act\\nnn.Tanh", tooltip="..."];
      n0 -> n1;
      out0 [label="output 0", shape=ellipse];
      n1 -> out0;
    }
    """
    return _graph(graph).to_dot(title)


def render(graph: gModule | Graph, path: str | os.PathLike, format: str = "png") -> str:
    """Draw a gModule's forward graph (or a :class:`Graph`) into ``path``; return the path.

    Raises FileNotFoundError when no ``dot`` program is installed (:func:`to_dot` still works).
    """
    return _graph(graph).render(path, format)


def _graph(graph: gModule | Graph) -> Graph:
    return graph.fg if isinstance(graph, gModule) else graph
