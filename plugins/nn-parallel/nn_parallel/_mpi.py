"""The MPI communicator, imported on first use, and ending the whole job when one rank fails.

``from mpi4py import MPI`` initialises MPI, so nothing imports it at module level: listing
plugins or collecting doctests never starts MPI.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Iterator
from typing import Any


def world() -> Any:
    """``MPI.COMM_WORLD`` (a single process started without ``mpiexec`` is a job of one rank)."""
    from mpi4py import MPI

    return MPI.COMM_WORLD


@contextlib.contextmanager
def abort_on_error(comm: Any = None) -> Iterator[None]:
    """End the whole job with status 1 when the block raises on this rank.

    The traceback is written to stderr (each line prefixed with the rank) before
    ``comm.Abort(1)``: the other ranks may be waiting in a collective this rank will never
    join, and only an abort frees them (what ``python -m mpi4py`` does for a whole script).
    """
    comm = world() if comm is None else comm
    try:
        yield
    except BaseException as error:
        if isinstance(error, SystemExit) and error.code in (0, None):
            raise
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        prefix = f"[rank {comm.Get_rank()}] "
        sys.stderr.write("".join(prefix + line for line in "".join(lines).splitlines(True)))
        sys.stderr.flush()
        comm.Abort(1)
