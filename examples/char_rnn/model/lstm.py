"""char-rnn's ``model/LSTM.lua``: a multi-layer LSTM step as an nngraph gModule."""

from __future__ import annotations

from typing import Any

from nncore import Module, nn


def lstm(input_size: int, rnn_size: int, n: int, dropout: float = 0.0) -> Module[[Any]]:
    """One time step of an ``n``-layer LSTM over a vocabulary of ``input_size`` characters.

    Inputs ``[x, prev_c_1, prev_h_1, ..., prev_c_n, prev_h_n]`` (``x`` the character ids of the
    batch); outputs ``[next_c_1, next_h_1, ..., next_c_n, next_h_n, log_probs]``.  The input
    linear maps are annotated ``i2h_1`` ... ``i2h_n`` (1-based, as in Lua: train.lua finds them
    by these names to set the forget-gate biases) and the output map ``decoder``.
    """
    inputs = [nn.Identity()()]  # x
    for _ in range(n):
        inputs.append(nn.Identity()())  # prev_c[L]
        inputs.append(nn.Identity()())  # prev_h[L]
    outputs: list = []
    for layer in range(1, n + 1):
        prev_c, prev_h = inputs[2 * layer - 1], inputs[2 * layer]
        if layer == 1:
            x, input_size_layer = nn.OneHot(input_size)(inputs[0]), input_size
        else:
            x, input_size_layer = outputs[2 * (layer - 1) - 1], rnn_size
            if dropout > 0:
                x = nn.Dropout(dropout)(x)
        i2h = nn.Linear(input_size_layer, 4 * rnn_size)(x).annotate(name=f"i2h_{layer}")
        h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h).annotate(name=f"h2h_{layer}")
        all_input_sums = nn.CAddTable()([i2h, h2h])
        reshaped = nn.Reshape(4, rnn_size)(all_input_sums)
        n1, n2, n3, n4 = nn.SplitTable(1)(reshaped).split(4)
        # decode the gates
        in_gate = nn.Sigmoid()(n1)
        forget_gate = nn.Sigmoid()(n2)
        out_gate = nn.Sigmoid()(n3)
        # decode the write inputs
        in_transform = nn.Tanh()(n4)
        # perform the LSTM update
        next_c = nn.CAddTable()(
            [nn.CMulTable()([forget_gate, prev_c]), nn.CMulTable()([in_gate, in_transform])]
        )
        # gated cells form the output
        next_h = nn.CMulTable()([out_gate, nn.Tanh()(next_c)])
        outputs += [next_c, next_h]
    # set up the decoder
    top_h = outputs[-1]
    if dropout > 0:
        top_h = nn.Dropout(dropout)(top_h)
    proj = nn.Linear(rnn_size, input_size)(top_h).annotate(name="decoder")
    logsoft = nn.LogSoftMax()(proj)
    outputs.append(logsoft)
    return nn.gModule(inputs, outputs)
