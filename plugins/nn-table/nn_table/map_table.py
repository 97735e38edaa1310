"""MapTable: one module applied to every element of the input table."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Module, StateError, indent, nn

from ._branches import Branches
from ._cases import normal


class MapTable(Branches):
    """``y[i] = m(x[i])`` for every element of the input table (torch/nn ``MapTable``).

    The module is cloned as needed, one clone per input element.  With ``shared`` (the default)
    the clones share the module's parameters and their gradients, so the network has the
    parameters of one module: ``get_parameters`` lists them once and the gradients of all
    elements accumulate into them.  ``resize(n)`` sets the number of clones; ``clear_state()``
    drops them.

    >>> import numpy as np
    >>> from nncore import nn
    >>> map = MapTable(nn.Linear(3, 2))
    >>> [y.shape for y in map.forward([np.ones(3), np.ones((4, 3))])]
    [(2,), (4, 2)]
    >>> map.get(1).weight is map.get(0).weight
    True
    """

    def __init__(self, module: Module | None = None, shared: bool = True) -> None:
        super().__init__()
        self.shared = shared
        if module is not None:
            self.add(module)

    @property
    def module(self) -> Module | None:
        """The module every element goes through (the first child)."""
        return self.modules[0] if self.modules else None

    def add(self, module: Module) -> MapTable:
        if self.modules:
            raise StateError(f"MapTable holds a single module, already has {self.modules[0]!r}")
        super().add(module)
        return self

    def branches(self, inputs: list[Any]) -> list[Module]:
        if self.module is None:
            raise StateError("MapTable has no module to apply: call add(module) first")
        self._extend(len(inputs))
        return self.modules[: len(inputs)]

    def _extend(self, count: int) -> None:
        module = self.module
        assert module is not None
        # every declared parameter name below the module, so nested containers share too
        names = sorted({n for m in module.list_modules() for n in m.parameter_names})
        while len(self.modules) < count:
            self.modules.append(module.clone(*names) if self.shared else module.clone())

    def resize(self, count: int) -> MapTable:
        """Keep exactly ``count`` children (the module and ``count - 1`` clones)."""
        self._extend(count)
        del self.modules[max(count, 1) :]
        return self

    def clear_state(self) -> MapTable:
        del self.modules[1:]
        super().clear_state()
        return self

    def set_child(self, name: str, module: Module) -> None:
        index = int(name)
        if index == len(self.modules):  # loading restores the clones one by one
            self.modules.append(module)
        else:
            self.modules[index] = module

    def config(self) -> dict:
        config = super().config()
        config.pop("module", None)
        return config

    def __repr__(self) -> str:
        head = Module.__repr__(self)
        if self.module is None:
            return head + " { }"
        return f"{head} {{\n  {indent(repr(self.module), '  ')}\n}}"


def examples() -> list[Case]:
    """The conformance kit's cases for MapTable."""
    return [
        Case(MapTable(nn.Linear(3, 2)), input=normal((4, 3), (4, 3), (4, 3)), batched=True),
        Case(MapTable(nn.Sequential(nn.Linear(3, 3), nn.Tanh())), input=normal((3,), (3,))),
        Case(MapTable(nn.Linear(2, 2), shared=False), input=normal((3, 2), (3, 2)), batched=True),
    ]
