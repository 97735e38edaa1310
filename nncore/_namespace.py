"""``from nncore import nn``: every registered class by name."""

from __future__ import annotations

import builtins

from ._registry import registry


class Namespace:
    """``from nncore import nn``: every registered class by short name, or ``nn["dist:Class"]``.

    >>> from nncore import nn
    >>> nn.Linear(3, 2)
    nn.Linear(3 -> 2)
    """

    def __getattr__(self, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        return registry().resolve(name)

    def __getitem__(self, name: str) -> type:
        return registry().resolve(name)

    def __dir__(self) -> builtins.list[str]:
        return sorted(registry().by_name)

    def __repr__(self) -> str:
        return (
            f"<nncore.nn: {len(registry().entries)} classes from {len(registry().plugins)} plugins>"
        )


nn = Namespace()
