"""char-rnn's three models (``model/LSTM.lua``, ``GRU.lua``, ``RNN.lua``), by train.lua's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nncore import Module

from .gru import gru
from .lstm import lstm
from .rnn import rnn

#: ``-model`` option -> builder ``(vocab_size, rnn_size, num_layers, dropout) -> gModule``
MODELS: dict[str, Callable[[int, int, int, float], Module[[Any]]]] = {
    "lstm": lstm,
    "gru": gru,
    "rnn": rnn,
}


def state_per_layer(model: str) -> int:
    """How many state arrays each layer carries between steps: ``c`` and ``h`` for an LSTM,
    ``h`` for the others."""
    return 2 if model == "lstm" else 1


__all__ = ["MODELS", "gru", "lstm", "rnn", "state_per_layer"]
