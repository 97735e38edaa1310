"""Debug mode: an error inside a gModule names the node and draws the graph, culprit in red."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from nn_graph import gModule, is_debug, set_debug

import nncore
from nncore import nn

RED = 'style="filled", fillcolor="red"'


@pytest.fixture
def debug(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)  # the .dot only, dot or not
    set_debug(True, tmp_path)
    yield tmp_path
    set_debug(False)


def red_nodes(path) -> list[str]:
    return [line.split()[0] for line in path.read_text().splitlines() if RED in line]


def projection() -> tuple[gModule, str]:
    x = nn.Identity()()
    proj = nn.Linear(3, 2)(nn.Tanh()(x)).annotate(name="proj")
    return gModule([x], [nn.Sigmoid()(proj)]), proj.source


def test_a_forward_error_names_the_node_and_draws_it_red(debug):
    g, line = projection()
    assert is_debug()
    with pytest.raises(nncore.ShapeError) as info:
        g.forward(np.ones((2, 5)))
    notes = info.value.__notes__
    assert f"in gModule node [2] 'proj' (nn.Linear(3 -> 2)) made at {line}" in notes
    path = debug / "nngraph_1in_1out.dot"
    assert notes[-1] == f"debug mode: the graph is in {path}, node [2] in red"
    assert red_nodes(path) == ["n2"]
    assert path.read_text().startswith('digraph "nngraph_1in_1out" {')
    # a name already taken gets another file
    with pytest.raises(nncore.ShapeError) as again:
        g.forward(np.ones((2, 4)))
    other = [p for p in debug.iterdir() if p != path]
    assert len(other) == 1 and other[0].name.startswith("nngraph_1in_1out_")
    assert str(other[0]) in again.value.__notes__[-1] and red_nodes(other[0]) == ["n2"]
    # the module is still usable
    assert g.forward(np.ones((2, 3))).shape == (2, 2)


def test_a_backward_error_marks_the_node_it_happened_in(debug):
    g, _ = projection()
    g.forward(np.ones((2, 3)))

    def broken(input, grad_output):
        raise ValueError("broken")

    g.get(3).update_grad_input = broken
    with pytest.raises(ValueError, match="broken") as info:
        g.backward(np.ones((2, 3)), np.ones((2, 2)))
    assert "in gModule node [3] (nn.Sigmoid) made at" in info.value.__notes__[0]
    assert red_nodes(debug / "nngraph_1in_1out.dot") == ["n3"]


def test_a_parameter_gradient_error_marks_its_node(debug):
    g, line = projection()
    g.forward(np.ones((2, 3)))

    def broken(input, grad_output, scale=1.0):
        raise ValueError("broken")

    g.get(2).acc_grad_parameters = broken  # the Linear: its input gradient is fine
    with pytest.raises(ValueError, match="broken") as info:
        g.backward(np.ones((2, 3)), np.ones((2, 2)))
    assert f"in gModule node [2] 'proj' (nn.Linear(3 -> 2)) made at {line}" in info.value.__notes__
    assert red_nodes(debug / "nngraph_1in_1out.dot") == ["n2"]


def test_a_nested_gmodule_draws_each_level(debug):
    inner, _ = projection()
    a, b = nn.Identity()(), nn.Identity()()
    outer = gModule([a, b], [nn.CAddTable()([inner(a), b])])
    with pytest.raises(nncore.ShapeError) as info:
        outer.forward([np.ones(4), np.ones(2)])
    assert red_nodes(debug / "nngraph_1in_1out.dot") == ["n2"]
    assert red_nodes(debug / "nngraph_2in_1out.dot") == ["n1"]
    notes = info.value.__notes__
    assert sum("in gModule node" in note for note in notes) == 1  # the innermost names it
    assert sum(note.startswith("debug mode") for note in notes) == 2


def test_a_drawing_that_cannot_be_written_does_not_hide_the_error(tmp_path):
    set_debug(True, tmp_path / "missing")
    try:
        g, _ = projection()
        with pytest.raises(nncore.ShapeError) as info:
            g.forward(np.ones((2, 5)))
    finally:
        set_debug(False)
    assert info.value.__notes__[-1].startswith("debug mode could not draw the graph: ")


def test_without_debug_mode_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    set_debug(False)
    g, _ = projection()
    with pytest.raises(nncore.ShapeError) as info:
        g.forward(np.ones((2, 5)))
    assert list(tmp_path.iterdir()) == []
    assert not any(note.startswith("debug mode") for note in info.value.__notes__)


def test_the_default_directory_is_the_current_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    set_debug(True)
    try:
        g, _ = projection()
        with pytest.raises(nncore.ShapeError):
            g.forward(np.ones((2, 5)))
    finally:
        set_debug(False)
    svg = ["nngraph_1in_1out.svg"] if shutil.which("dot") else []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nngraph_1in_1out.dot", *svg]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_with_dot_an_svg_is_drawn_too(tmp_path):
    set_debug(True, tmp_path)
    try:
        g, _ = projection()
        with pytest.raises(nncore.ShapeError):
            g.forward(np.ones((2, 5)))
    finally:
        set_debug(False)
    assert (tmp_path / "nngraph_1in_1out.svg").read_text().lstrip().startswith("<?xml")
