"""Checks, on every rank at once, that a network was flattened and has the same layout.

Each rank describes its network (modules, parameter shapes, dtype) as a fingerprint; the ranks
exchange their fingerprints and problems, so that every rank raises the same clear error
instead of some of them waiting forever in an allreduce of mismatched buffers.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from nncore.plugin import Module, ParameterLayoutError


def fingerprint(network: Module) -> str:
    """A short hash of the network's modules, their parameters' shapes and the dtype.

    >>> from nncore import nn
    >>> fingerprint(nn.Linear(3, 2)) == fingerprint(nn.Linear(3, 2))
    True
    >>> fingerprint(nn.Linear(3, 2)) == fingerprint(nn.Linear(2, 3))
    False
    """
    parts = [
        f"{path}:{type(module).__name__}:"
        + ",".join(
            f"{name}{param.shape}{param.dtype}" for name, param, _ in module.own_parameters()
        )
        for path, module, _ in network.named_modules()
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def flat_vectors(network: Module) -> tuple[np.ndarray, np.ndarray]:
    """The flat ``(params, grads)`` vectors every parameter of ``network`` is a view into.

    Raises ParameterLayoutError when the network was not flattened with ``get_parameters()``
    (an allreduce then needs one contiguous buffer; flattening later would detach the arrays
    an optimiser was given).
    """
    params, grads = network.parameters()
    if not params:
        raise ParameterLayoutError(f"expected a network with parameters, got {network!r:.60}")
    return _one_vector(params, "parameters"), _one_vector(grads, "gradients")


def _one_vector(arrays: list[np.ndarray], what: str) -> np.ndarray:
    base = arrays[0].base
    total = sum(a.size for a in arrays)
    if (
        not isinstance(base, np.ndarray)
        or base.ndim != 1
        or base.size != total
        or not all(a.base is base for a in arrays)
    ):
        raise ParameterLayoutError(
            f"expected the network's {what} to be views into one flat vector, got "
            f"{len(arrays)} separate arrays; call params, grads = network.get_parameters() "
            "on every rank before distributing it"
        )
    return base


def agree(comm: Any, network: Module) -> tuple[np.ndarray, np.ndarray]:
    """:func:`flat_vectors` on every rank, and the same fingerprint everywhere (collective).

    Every rank raises the same ParameterLayoutError, naming the ranks at fault, when one of
    them has a network that was not flattened or whose layout differs from rank 0's.
    """
    try:
        vectors: tuple[np.ndarray, np.ndarray] | None = flat_vectors(network)
        problem = None
    except ParameterLayoutError as error:
        vectors, problem = None, str(error)
    reports = comm.allgather((fingerprint(network), problem))
    broken = [f"rank {r}: {p}" for r, (_, p) in enumerate(reports) if p is not None]
    if broken:
        raise ParameterLayoutError("; ".join(broken))
    reference = reports[0][0]
    differing = [r for r, (f, _) in enumerate(reports) if f != reference]
    if differing:
        raise ParameterLayoutError(
            f"expected every rank to hold the network of rank 0 (layout {reference}), got "
            + ", ".join(f"layout {reports[r][0]} on rank {r}" for r in differing)
        )
    assert vectors is not None
    return vectors
