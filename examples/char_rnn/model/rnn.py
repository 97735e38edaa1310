"""char-rnn's ``model/RNN.lua``: a multi-layer vanilla RNN step as an nngraph gModule."""

from __future__ import annotations

from typing import Any

from nncore import Module, nn


def rnn(input_size: int, rnn_size: int, n: int, dropout: float = 0.0) -> Module[[Any]]:
    """One time step of an ``n``-layer tanh RNN over a vocabulary of ``input_size`` characters.

    Inputs ``[x, prev_h_1, ..., prev_h_n]``; outputs ``[next_h_1, ..., next_h_n, log_probs]``.
    """
    inputs = [nn.Identity()()]  # x
    for _ in range(n):
        inputs.append(nn.Identity()())  # prev_h[L]
    outputs: list = []
    for layer in range(1, n + 1):
        prev_h = inputs[layer]
        if layer == 1:
            x, input_size_layer = nn.OneHot(input_size)(inputs[0]), input_size
        else:
            x, input_size_layer = outputs[layer - 2], rnn_size
            if dropout > 0:
                x = nn.Dropout(dropout)(x)
        # RNN tick
        i2h = nn.Linear(input_size_layer, rnn_size)(x)
        h2h = nn.Linear(rnn_size, rnn_size)(prev_h)
        next_h = nn.Tanh()(nn.CAddTable()([i2h, h2h]))
        outputs.append(next_h)
    # set up the decoder
    top_h = outputs[-1]
    if dropout > 0:
        top_h = nn.Dropout(dropout)(top_h)
    proj = nn.Linear(rnn_size, input_size)(top_h)
    logsoft = nn.LogSoftMax()(proj)
    outputs.append(logsoft)
    return nn.gModule(inputs, outputs)
