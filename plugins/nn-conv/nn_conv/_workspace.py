"""Scratch space of nn-conv's kernel-backed layers, reused across calls, and the chunks of a
batch that the GEMM convolutions work through.

Buffers live in a per-module ``Workspace`` and are reused across calls; the columns of the last
forward input are kept for the weight gradient (as torch/nn keeps ``finput``) when they fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

#: GEMMs and column copies run over chunks of examples of about this many bytes of columns
#: (a chunk stays in cache between the copy and the GEMM that reads it)
CHUNK_BYTES = 8 * 2**20
#: the whole batch's columns are kept for the weight gradient when they take at most this
KEEP_BYTES = 64 * 2**20


class Workspace:
    """Reusable scratch buffers of one module, re-allocated only when they must grow."""

    def __init__(self) -> None:
        self._flat: dict[str, np.ndarray] = {}
        self.cached: dict[str, tuple[Any, np.ndarray | None]] = {}

    def buffer(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        size = math.prod(shape)
        flat = self._flat.get(name)
        if flat is None or flat.dtype != dtype or flat.size < size:
            flat = self._flat[name] = np.empty(size, dtype)
        return flat[:size].reshape(shape)

    def lookup(self, name: str, key: Any) -> np.ndarray | None:
        """The array stored under ``name`` if it was computed from the object ``key``."""
        entry = self.cached.get(name)
        return entry[1] if entry is not None and entry[0] is key else None

    def remember(self, name: str, key: Any, value: np.ndarray | None) -> None:
        self.cached[name] = (key, value)

    def kept(
        self, name: str, shape: tuple[int, ...], dtype: np.dtype, key: Any
    ) -> np.ndarray | None:
        """A whole-batch buffer whose contents are kept for the backward pass, or None when
        there is nothing to keep them for or they would take more than ``KEEP_BYTES``.  What
        the buffer held before is forgotten either way."""
        self.remember(name, None, None)
        if key is None or math.prod(shape) * np.dtype(dtype).itemsize > KEEP_BYTES:
            return None
        return self.buffer(name, shape, dtype)

    def part(
        self,
        kept: np.ndarray | None,
        name: str,
        slot: int,
        shape: tuple[int, ...],
        start: int,
        stop: int,
        dtype: np.dtype,
    ) -> np.ndarray:
        """The ``(rows, stop - start, P)`` part for examples ``start:stop`` of a whole-batch
        buffer of ``shape``: a slice of ``kept``, else scratch space of the thread's ``slot``."""
        if kept is not None:
            return kept[:, start:stop]
        return self.buffer(f"{name}/{slot}", (shape[0], stop - start, *shape[2:]), dtype)

    def slot_totals(
        self, name: str, shape: tuple[int, ...], dtype: np.dtype, count: int
    ) -> tuple[list[np.ndarray], Callable[[], np.ndarray]]:
        """Zeroed per-thread accumulators ``name/0 .. name/count-1``, and a function summing
        them into the first."""
        totals = [self.buffer(f"{name}/{slot}", shape, dtype) for slot in range(count)]
        for total in totals:
            total.fill(0)

        def summed() -> np.ndarray:
            for total in totals[1:]:
                totals[0] += total
            return totals[0]

        return totals, summed

    def __deepcopy__(self, memo: dict) -> Workspace:
        return Workspace()  # scratch space is never worth copying

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        Workspace.__init__(self)


def chunks(
    first: int, last: int, bytes_per_example: int, budget: int | None = None
) -> list[tuple[int, int]]:
    """Examples ``first:last`` in chunks of about ``budget`` (``CHUNK_BYTES``) of columns."""
    step = max(1, (budget or CHUNK_BYTES) // max(1, bytes_per_example))
    return [(start, min(start + step, last)) for start in range(first, last, step)]


def flat(part: np.ndarray) -> np.ndarray:
    """``(rows, n, P)`` as the ``(rows, n * P)`` GEMM operand (a view: rows stay strided)."""
    return part.reshape(part.shape[0], part.shape[1] * part.shape[2])
