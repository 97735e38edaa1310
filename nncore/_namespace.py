"""``from nncore import nn`` and ``from nncore import optim``: every registered name, by kind."""

from __future__ import annotations

import builtins
from typing import Any

from ._names import NAMESPACES
from ._registry import registry


class Namespace:
    """``from nncore import nn``: every registered class by short name, or ``nn["dist:Class"]``.

    >>> from nncore import nn
    >>> nn.Linear(3, 2)
    nn.Linear(3 -> 2)
    """

    _name = "nn"
    _holds = "classes"

    def __getattr__(self, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        return registry().resolve(name, self._name)

    def __getitem__(self, name: str) -> type:
        return registry().resolve(name, self._name)

    def __dir__(self) -> builtins.list[str]:
        kinds = NAMESPACES[self._name]
        return sorted(n for n, es in registry().by_name.items() if any(e.kind in kinds for e in es))

    def __repr__(self) -> str:
        kinds = NAMESPACES[self._name]
        reg = registry()
        entries = [e for e in reg.entries.values() if e.kind in kinds]
        plugins = {e.distribution for e in entries}
        return f"<nncore.{self._name}: {len(entries)} {self._holds} from {len(plugins)} plugins>"


class OptimNamespace(Namespace):
    """``from nncore import optim``: torch/optim's functions and classes from the registry.

    ``optim.sgd(feval, params, config, state)`` is the ``sgd`` that an installed plugin
    (nn-optim) registers with kind ``optimizer``; ``optim["nn-optim:adam"]`` names a provider.
    """

    _name = "optim"
    _holds = "optimisers and helpers"

    def __getattr__(self, name: str) -> Any:
        return super().__getattr__(name)

    def __getitem__(self, name: str) -> Any:
        return super().__getitem__(name)


nn = Namespace()
optim = OptimNamespace()
