"""DOT text of the forward and backward graphs: annotations and graph attributes reach it."""

from __future__ import annotations

import re

from nn_graph import gModule, to_dot

from nncore import nn


def without_tooltips(text: str) -> str:
    return re.sub(r'tooltip="[^"]*\.py:\d+"', 'tooltip="..."', text)


def test_graph_attributes_reach_the_node_in_sorted_order():
    x = nn.Identity()()
    act = nn.Tanh()(x).annotate(
        name="act",
        description="squash",
        graph_attributes={"style": "filled", "color": "red", "penwidth": 2, "bold": True},
    )
    text = without_tooltips(to_dot(gModule([x], [act])))
    assert (
        '  n1 [label="[1] act\\nnn.Tanh\\nsquash", tooltip="...", bold="true", '
        'color="red", penwidth="2", style="filled"];'
    ) in text.splitlines()


def test_a_tooltip_attribute_replaces_where_the_node_was_made():
    x = nn.Identity()()
    act = nn.Tanh()(x).annotate(graph_attributes={"tooltip": 'say "hi"'})
    line = to_dot(gModule([x], [act])).splitlines()[5]
    assert line == '  n1 [label="[1]\\nnn.Tanh", tooltip="say \\"hi\\""];'


def test_the_backward_graph_runs_from_the_outputs_to_the_inputs():
    a, b = nn.Identity()(), nn.Identity()()
    total = nn.CAddTable()([a, b]).annotate(graph_attributes={"color": "blue"})
    g = gModule([a, b], [total])
    assert without_tooltips(to_dot(g.bg, "backward")) == "\n".join(
        [
            'digraph "backward" {',
            "  node [shape=box];",
            '  out0 [label="gradient of output 0", shape=ellipse];',
            '  n2 [label="[2]\\nnn.CAddTable", tooltip="...", color="blue"];',
            "  out0 -> n2;",
            '  n1 [label="[1]\\nnn.Identity", tooltip="..."];',
            "  n2 -> n1;",
            '  n0 [label="[0]\\nnn.Identity", tooltip="..."];',
            "  n2 -> n0;",
            '  in0 [label="gradient of input 0", shape=ellipse];',
            "  n0 -> in0;",
            '  in1 [label="gradient of input 1", shape=ellipse];',
            "  n1 -> in1;",
            "}",
        ]
    )


def test_the_failed_node_is_filled_red_over_its_own_style():
    x = nn.Identity()()
    act = nn.Tanh()(x).annotate(graph_attributes={"style": "dashed", "color": "blue"})
    fg = gModule([x], [act]).fg
    lines = without_tooltips(fg.to_dot(failed=fg.nodes[1])).splitlines()
    assert lines[3] == '  n0 [label="[0]\\nnn.Identity", tooltip="..."];'
    assert lines[5] == (
        '  n1 [label="[1]\\nnn.Tanh", tooltip="...", color="blue", style="filled", '
        'fillcolor="red"];'
    )
