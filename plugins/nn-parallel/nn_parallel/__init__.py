"""Data-parallel training of nncore networks over MPI.

Every rank of an MPI job holds the network and trains on its shard of the data; the gradients
are averaged with allreduces over the flat gradient vector (``get_parameters()``), overlapped
with the backward pass.  Run a script under ``mpiexec -n 4 python train.py``.
"""

from __future__ import annotations

from ._mpi import abort_on_error, world
from .checkpoint import load_checkpoint, save_checkpoint
from .data_parallel import DataParallel
from .layout import fingerprint
from .reducer import BUCKET_BYTES, GradientReducer
from .sampler import ShardedSampler, shard
from .training import fit

__all__ = [
    "BUCKET_BYTES",
    "DataParallel",
    "GradientReducer",
    "ShardedSampler",
    "abort_on_error",
    "fingerprint",
    "fit",
    "load_checkpoint",
    "save_checkpoint",
    "shard",
    "world",
]
