"""Checkpoints of a data-parallel run: written by rank 0 alone, read back on any number of ranks.

A checkpoint is one ``nncore.save`` file (written atomically: an interrupted save leaves the
previous checkpoint whole) holding the flat parameter vector, the layout fingerprint, the
optimiser's state and the number of finished epochs.  The sampler's order depends on the seed
and the epoch only, so a run resumed on another number of ranks sees the same batches.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nncore
from nncore.plugin import ParameterLayoutError

from .layout import fingerprint

if TYPE_CHECKING:
    from .data_parallel import DataParallel


def save_checkpoint(
    parallel: DataParallel, path: str | os.PathLike, epoch: int, state: dict[str, Any]
) -> None:
    """Rank 0 saves the parameters, ``state`` and ``epoch`` to ``path`` (collective: every rank
    returns once the file is complete)."""
    if parallel.is_root:
        nncore.save(
            {
                "epoch": epoch,
                "layout": fingerprint(parallel.network),
                "params": parallel.params.copy(),
                "state": state,
            },
            path,
        )
    parallel.barrier()


def load_checkpoint(parallel: DataParallel, path: str | os.PathLike, state: dict[str, Any]) -> int:
    """Restore the parameters and ``state`` (in place) from ``path`` on every rank and return
    the number of epochs done; 0, changing nothing, when there is no such file (collective).

    Rank 0 reads the file and sends it to the others, so only rank 0 needs to see it.
    """
    saved = None
    if parallel.is_root and Path(path).exists():
        saved = nncore.load(path)
    saved = parallel.comm.bcast(saved, root=0)
    if saved is None:
        return 0
    expected = fingerprint(parallel.network)
    if saved["layout"] != expected or saved["params"].shape != parallel.params.shape:
        raise ParameterLayoutError(
            f"{path}: expected a checkpoint of this network (layout {expected}, "
            f"{parallel.params.size} parameters), got layout {saved['layout']} with "
            f"{saved['params'].size} parameters"
        )
    parallel.params[...] = saved["params"]
    state.clear()
    state.update(saved["state"])
    return int(saved["epoch"])
