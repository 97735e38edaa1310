"""char-rnn's ``model/GRU.lua``: a multi-layer GRU step as an nngraph gModule."""

from __future__ import annotations

from typing import Any

from nncore import Module, nn


def gru(input_size: int, rnn_size: int, n: int, dropout: float = 0.0) -> Module[[Any]]:
    """One time step of an ``n``-layer GRU over a vocabulary of ``input_size`` characters.

    Inputs ``[x, prev_h_1, ..., prev_h_n]``; outputs ``[next_h_1, ..., next_h_n, log_probs]``.
    """
    inputs = [nn.Identity()()]  # x
    for _ in range(n):
        inputs.append(nn.Identity()())  # prev_h[L]

    def new_input_sum(insize: int, xv: Any, hv: Any) -> Any:  # xv, hv: graph nodes
        i2h = nn.Linear(insize, rnn_size)(xv)
        h2h = nn.Linear(rnn_size, rnn_size)(hv)
        return nn.CAddTable()([i2h, h2h])

    outputs: list = []
    for layer in range(1, n + 1):
        prev_h = inputs[layer]
        if layer == 1:
            x, input_size_layer = nn.OneHot(input_size)(inputs[0]), input_size
        else:
            x, input_size_layer = outputs[layer - 2], rnn_size
            if dropout > 0:
                x = nn.Dropout(dropout)(x)
        # GRU tick: forward the update and reset gates
        update_gate = nn.Sigmoid()(new_input_sum(input_size_layer, x, prev_h))
        reset_gate = nn.Sigmoid()(new_input_sum(input_size_layer, x, prev_h))
        # compute the candidate hidden state
        gated_hidden = nn.CMulTable()([reset_gate, prev_h])
        p2 = nn.Linear(rnn_size, rnn_size)(gated_hidden)
        p1 = nn.Linear(input_size_layer, rnn_size)(x)
        hidden_candidate = nn.Tanh()(nn.CAddTable()([p1, p2]))
        # compute the new interpolated hidden state, based on the update gate
        zh = nn.CMulTable()([update_gate, hidden_candidate])
        zhm1 = nn.CMulTable()(
            [nn.AddConstant(1, False)(nn.MulConstant(-1, False)(update_gate)), prev_h]
        )
        next_h = nn.CAddTable()([zh, zhm1])
        outputs.append(next_h)
    # set up the decoder
    top_h = outputs[-1]
    if dropout > 0:
        top_h = nn.Dropout(dropout)(top_h)
    proj = nn.Linear(rnn_size, input_size)(top_h)
    logsoft = nn.LogSoftMax()(proj)
    outputs.append(logsoft)
    return nn.gModule(inputs, outputs)
