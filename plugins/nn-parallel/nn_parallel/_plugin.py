"""nn-parallel's registration with nncore: where its data-parallel wrapper lives.

A lazy reference only: nothing here imports mpi4py (importing it starts MPI).
"""

from __future__ import annotations

from nncore.plugin import hookimpl


@hookimpl
def nncore_data_parallel() -> str:
    return "nn_parallel.data_parallel:DataParallel"
