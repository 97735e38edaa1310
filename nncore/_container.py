"""``Container``: a helper base class for modules holding an ordered list of children.

The core never needs it: anything that implements ``named_children`` and ``set_child`` is a
container to nncore.  It gives plugin authors torch/nn's ``add``/``get``/``size``/``insert``/
``remove`` over ``self.modules`` and the tree printers torch/nn uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ._module import Module
from ._validation import expect_index
from .errors import InputTypeError


class Container(Module):
    """A module whose children are the list ``self.modules`` (torch/nn ``nn.Container``)."""

    #: a container hands its input on as it is: each child applies its own dtype policy
    accepts = "any"

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        self.modules: list[Module] = []
        for module in modules:
            self.add(module)

    def add(self, module: Module) -> Container:
        """Append a child and return self (so calls chain as in torch/nn)."""
        if not isinstance(module, Module):
            raise InputTypeError(
                f"{type(self).__name__}.add expects a Module, got {type(module).__name__}"
            )
        self.modules.append(module)
        return self

    def insert(self, module: Module, index: int | None = None) -> Container:
        """Insert a child before position ``index`` (default: at the end)."""
        if not isinstance(module, Module):
            raise InputTypeError(
                f"{type(self).__name__}.insert expects a Module, got {type(module).__name__}"
            )
        n = len(self.modules)
        position = n if index is None else expect_index(index, n + 1, self._positions("insert"))
        self.modules.insert(position, module)
        return self

    def remove(self, index: int = -1) -> Module:
        """Remove and return the child at ``index`` (default: the last)."""
        return self.modules.pop(expect_index(index, len(self.modules), self._positions("remove")))

    def get(self, index: int) -> Module:
        """The child at ``index`` (0-based; negative counts from the end)."""
        return self.modules[expect_index(index, len(self.modules), self._positions("get"))]

    def size(self) -> int:
        """The number of children."""
        return len(self.modules)

    def __len__(self) -> int:
        return len(self.modules)

    def __getitem__(self, index: int) -> Module:
        if isinstance(index, slice):
            return self.modules[index]  # a list, as list slicing gives
        return self.modules[expect_index(index, len(self.modules), self._positions("[]"))]

    def _positions(self, method: str) -> str:
        """``"Sequential.get: 1 child"``: the start of an index error's message."""
        n = len(self.modules)
        call = f"{type(self).__name__}[]" if method == "[]" else f"{type(self).__name__}.{method}"
        return f"{call} on {n} {'child' if n == 1 else 'children'}"

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((str(i), m) for i, m in enumerate(self.modules))

    named_children.lists_children = True  # type: ignore[attr-defined]  # see named_modules

    def set_child(self, name: str, module: Module) -> None:
        """Replace child ``name``; the name one past the last child appends (used by loading)."""
        index = int(name)
        if index == len(self.modules):
            self.add(module)
        else:
            self.modules[index] = module

    def config(self) -> dict:
        """Constructor arguments other than the children (those are structure, not config)."""
        config = super().config()
        config.pop("modules", None)
        return config

    def __repr__(self) -> str:
        return format_branches(self, self.modules)


def indent(text: str, prefix: str) -> str:
    """Indent every line of ``text`` but the first by ``prefix``."""
    return text.replace("\n", "\n" + prefix)


def format_chain(container: Module, children: Iterable[Module]) -> str:
    """Torch's Sequential tree: ``[input -> (0) -> (1) -> output]`` then one line per child."""
    children = list(children)
    head = Module.__repr__(container)
    arrows = "".join(f"({i}) -> " for i in range(len(children)))
    lines = [f"{head} {{", f"  [input -> {arrows}output]"]
    lines += [f"  ({i}): {indent(repr(child), '  ')}" for i, child in enumerate(children)]
    return "\n".join(lines + ["}"])


def format_branches(container: Module, children: Iterable[Module]) -> str:
    """Torch's Concat/Parallel tree: every child on its own branch from input to output."""
    children = list(children)
    head = Module.__repr__(container)
    lines = [f"{head} {{", "  input"]
    for i, child in enumerate(children):
        last = i == len(children) - 1
        pad = "       " if last else "  |    "
        lines.append(f"  |`-> ({i}): {indent(repr(child), pad)}")
    lines += ["   ... -> output", "}"]
    return "\n".join(lines)
