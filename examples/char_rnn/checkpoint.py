"""char-rnn's checkpoints: the network, the options it was trained with, its vocabulary.

train.lua ``torch.save``d one table (``protos``, ``opt``, ``vocab``, the losses, ``i``,
``epoch``); here ``nncore.save`` writes the same tree to one file (safetensors, no pickle), and
``nncore.load`` gives it back with the network whole.  These two functions are the only code
that knows what a checkpoint holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nncore
from nncore import Module


def save_checkpoint(path: str | Path, rnn: Module, info: dict[str, Any]) -> None:
    """Write ``{"protos": {"rnn": rnn}, **info}`` to ``path``: ``info`` holds ``opt``,
    ``vocab`` and whatever else train.lua kept (values, lists and dicts with string keys)."""
    nncore.save({"protos": {"rnn": rnn}, **info}, path)


def load_checkpoint(path: str | Path) -> tuple[Module[[Any]], dict[str, Any]]:
    """``(rnn, info)`` as :func:`save_checkpoint` wrote them."""
    checkpoint = nncore.load(path)
    if not isinstance(checkpoint, dict) or "protos" not in checkpoint:
        raise ValueError(f"{path} is no char-rnn checkpoint (no protos in it)")
    rnn = checkpoint.pop("protos")["rnn"]
    return rnn, checkpoint
