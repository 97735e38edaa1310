"""char-rnn's checkpoints: the network, the options it was trained with, its vocabulary.

train.lua ``torch.save``d one table (``protos``, ``opt``, ``vocab``, the losses, ``i``,
``epoch``).  Here the prototype network's arrays go through ``nncore.save`` (``<path>``) and the
rest, plain values, into JSON (``<path>.json``); loading rebuilds the network from the options
(``opt.model``, ``rnn_size``, ``num_layers``, ``dropout``) and the vocabulary's size, then
copies the arrays in.  The network itself is not saved with ``nncore.save(rnn, path)`` because
``nncore.load`` refuses a saved multi-layer char-rnn graph (the node indices of a gModule's
outputs are taken for sizes by its memory budget); these two functions are the only code that
knows the format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

import nncore
from nncore import Module

from .model import MODELS


def save_checkpoint(path: str | Path, rnn: Module, info: dict[str, Any]) -> None:
    """Write ``rnn``'s arrays to ``path`` and ``info`` (``opt``, ``vocab`` and whatever else
    train.lua kept: JSON values) to ``path.json``."""
    path = Path(path)
    nncore.save(rnn.state_dict(), path)
    path.with_name(path.name + ".json").write_text(json.dumps(info, indent=1))


def load_checkpoint(path: str | Path) -> tuple[Module[[Any]], dict[str, Any]]:
    """``(rnn, info)`` as :func:`save_checkpoint` wrote them."""
    path = Path(path)
    info = json.loads(path.with_name(path.name + ".json").read_text())
    opt, arrays = info["opt"], nncore.load(path)
    rnn = MODELS[opt["model"]](
        len(info["vocab"]), opt["rnn_size"], opt["num_layers"], opt["dropout"]
    )
    rnn.type(np.result_type(*arrays.values()))
    return rnn.load_state_dict(arrays), info
