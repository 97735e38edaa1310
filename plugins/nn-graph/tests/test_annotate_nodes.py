"""annotate_nodes: nodes named after the variables that hold them (nngraph.annotateNodes)."""

from __future__ import annotations

import pytest
from nn_graph import annotate_nodes, gModule, to_dot

import nncore
from nncore import nn


def build():
    x = nn.Identity()()
    hidden = nn.Tanh()(x).annotate(name="kept")
    alias = hidden
    out = nn.Linear(3, 2)(alias)
    named = annotate_nodes()
    return gModule([x], [out]), named


def test_the_callers_variables_name_its_nodes():
    g, named = build()
    assert [node.name for node in named] == ["x", "out"]
    assert [node.name for node in g.forward_nodes] == ["x", "kept", "out"]
    assert "[2] out\\nnn.Linear(3 -> 2)" in to_dot(g)


def test_a_higher_level_names_the_callers_caller_nodes():
    def helper():
        return annotate_nodes(level=2)

    first = nn.Identity()()
    named = helper()
    assert named == [first] and first.name == "first"


def test_a_bad_level_is_a_clear_error():
    with pytest.raises(nncore.InputTypeError, match="stack level of 1 or more, got 0"):
        annotate_nodes(0)
