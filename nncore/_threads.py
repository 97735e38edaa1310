"""How many threads a plugin's own parallel code should use."""

from __future__ import annotations

import os


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_threads(variable: str) -> int:
    """The thread count set by the environment variable ``variable`` (a positive integer), or
    :func:`available_cores` where it is unset, empty or not a number.

    >>> import os
    >>> os.environ["MY_LAYERS_NUM_THREADS"] = "3"
    >>> default_threads("MY_LAYERS_NUM_THREADS")
    3
    >>> del os.environ["MY_LAYERS_NUM_THREADS"]
    """
    try:
        return max(1, int(os.environ.get(variable) or available_cores()))
    except ValueError:
        return available_cores()
