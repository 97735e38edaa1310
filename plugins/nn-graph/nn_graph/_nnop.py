"""``nnop``: Parameters and an operation-only wrapper for every parameterized registered class."""

from __future__ import annotations

from typing import Any

from nncore.plugin import RegistryError, UnknownNameError, registry

from .op import Op
from .parameters import Parameters


class OpClass:
    """``nnop.Linear``: calling it builds ``Op("nn-basic:Linear", *args, **kwargs)``."""

    def __init__(self, qualified: str) -> None:
        self.qualified = qualified

    def __call__(self, *args: Any, **kwargs: Any) -> Op:
        return Op(self.qualified, *args, **kwargs)

    def __repr__(self) -> str:
        return f"nnop[{self.qualified!r}]"


class Namespace:
    """``nnop.Linear(10, 5)``, ``nnop["nn-conv:SpatialConvolution"](3, 8, 3, 3)``, ``Parameters``.

    Wrappers are made on demand from the registry: any installed class that declares
    parameters has one.  :meth:`available` lists them (importing every registered class).

    >>> nnop.Linear
    nnop['nn-basic:Linear']
    >>> nnop.Linear(4, 2)
    nn.Op(Linear(4 -> 2))
    """

    Parameters = Parameters

    def __getattr__(self, name: str) -> OpClass:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> OpClass:
        entry = registry().entry(name)
        if entry.kind == "container":
            raise UnknownNameError(
                f"nnop.{name}: {entry.qualified} is a container; an op takes "
                "the parameters of a module without children"
            )
        if not getattr(entry.load(), "parameter_names", ()):
            raise UnknownNameError(
                f"nnop.{name}: {entry.qualified} has no parameters, so it has "
                f"no operation-only form (use nn.{entry.name} directly)"
            )
        return OpClass(entry.qualified)

    def available(self) -> list[str]:
        """Qualified names of every registered module class (not container) with parameters."""
        found = []
        for entry in registry().list(kind="module"):
            try:
                cls = entry.load()
            except RegistryError:
                continue
            if getattr(cls, "parameter_names", ()) and cls is not Parameters:
                found.append(entry.qualified)
        return sorted(found)

    def __dir__(self) -> list[str]:
        return ["Parameters"] + sorted({q.partition(":")[2] for q in self.available()})

    def __repr__(self) -> str:
        return "<nnop: operation-only wrappers of the registered classes with parameters>"


nnop = Namespace()
