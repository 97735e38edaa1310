"""Debug mode (nngraph's ``nngraph.setDebug``): on an error, draw the graph with the culprit.

With debug mode on, an exception raised inside a gModule's forward or backward writes the
gModule's forward graph as ``nngraph_<n>in_<m>out.dot`` (and ``.svg`` when Graphviz's ``dot``
is on PATH) with the failing node filled in red, and the exception gets a note naming the
files.  The error is raised unchanged otherwise; a gModule nested in another writes one
drawing per level, each marking the node the error came through.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from nncore.plugin import add_note

from .graph import Graph

_directory: str | None = None
_enabled = False


def set_debug(enable: bool = True, directory: str | os.PathLike | None = None) -> None:
    """Turn debug mode on (or off with ``False``) for every gModule.

    The drawings go to ``directory`` (by default the current directory at the time of the
    error, as in nngraph); a name already taken gets a unique suffix.
    """
    global _enabled, _directory
    _enabled = bool(enable)
    _directory = os.fspath(directory) if directory is not None else None


def is_debug() -> bool:
    """Whether debug mode is on."""
    return _enabled


def report_failure(error: BaseException, fg: Graph, k: int) -> None:
    """Write ``fg`` with node ``k`` marked failed and add a note naming the files to ``error``.

    A drawing that cannot be written says why in a note: it never hides the error itself.
    """
    try:
        paths = _draw(fg, k)
    except Exception as problem:  # the user's error matters more than the drawing
        add_note(error, f"debug mode could not draw the graph: {problem!r}")
        return
    add_note(error, f"debug mode: the graph is in {' and '.join(paths)}, node [{k}] in red")


def _draw(fg: Graph, k: int) -> list[str]:
    prefix = f"nngraph_{len(fg.inputs)}in_{len(fg.outputs)}out"
    failed = fg.nodes[[node.index for node in fg.nodes].index(k)]
    dot_path = _new_file(_directory or os.getcwd(), prefix)
    with open(dot_path, "w") as file:
        file.write(fg.to_dot(prefix, failed) + "\n")
    paths = [dot_path]
    if shutil.which("dot") is not None:
        paths.append(fg.render(dot_path[: -len(".dot")] + ".svg", "svg", failed))
    return paths


def _new_file(directory: str, prefix: str) -> str:
    """``prefix.dot`` in ``directory``, or a fresh ``prefix_<suffix>.dot`` when it exists."""
    path = os.path.join(directory, prefix + ".dot")
    try:
        with open(path, "x"):
            return path
    except FileExistsError:
        handle, path = tempfile.mkstemp(suffix=".dot", prefix=prefix + "_", dir=directory)
        os.close(handle)
        return path
