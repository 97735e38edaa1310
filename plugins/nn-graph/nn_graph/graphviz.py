"""Graphviz export of a gModule's forward graph: DOT text, and a picture when ``dot`` exists."""

from __future__ import annotations

import os
import shutil
import subprocess

from nncore.plugin import repr_line

from .g_module import gModule


def to_dot(graph: gModule, title: str = "gModule") -> str:
    """The forward graph as Graphviz DOT text: one box per node, edges in data-flow order.

    Graph inputs and outputs get their own ``input k`` / ``output k`` nodes; a node's label
    shows its index, its ``name`` annotation, what it computes and its ``description``.

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
    lines = [f"digraph {_quote(title)} {{", "  node [shape=box];"]
    for k, step in enumerate(graph.steps):
        if step.input is not None:
            lines.append(f'  in{step.input} [label="input {step.input}", shape=ellipse];')
        what = (
            repr_line(graph.modules[step.module])
            if step.module is not None
            else f"select {step.select}"
        )
        parts = [
            f"[{k}]" + (f" {step.annotations['name']}" if "name" in step.annotations else ""),
            what,
        ]
        if "description" in step.annotations:
            parts.append(step.annotations["description"])
        label = _quote("\n".join(parts))
        lines.append(f"  n{k} [label={label}, tooltip={_quote(step.source)}];")
        if step.input is not None:
            lines.append(f"  in{step.input} -> n{k};")
        for j in step.inputs:
            lines.append(f"  n{j} -> n{k};")
    for i, k in enumerate(graph.outputs):
        lines.append(f'  out{i} [label="output {i}", shape=ellipse];')
        lines.append(f"  n{k} -> out{i};")
    return "\n".join(lines + ["}"])


def render(graph: gModule, path: str | os.PathLike, format: str = "png") -> str:
    """Draw the forward graph into ``path`` with Graphviz's ``dot``; return the path.

    Raises FileNotFoundError when no ``dot`` program is installed (:func:`to_dot` still works).
    """
    dot = shutil.which("dot")
    if dot is None:
        raise FileNotFoundError(
            "Graphviz's 'dot' program was not found on PATH: install "
            "graphviz to render, or write to_dot(graph) to a .dot file"
        )
    subprocess.run(
        [dot, f"-T{format}", "-o", os.fspath(path)],
        input=to_dot(graph).encode(),
        check=True,
        capture_output=True,
    )
    return os.fspath(path)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
