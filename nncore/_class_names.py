"""How a saved file names a module's class, and how a loader finds that class again.

A class a plugin registers is named by its qualified name (``"nn-basic:Linear"``) and looked up
in the registry.  A class no plugin registers (one a script defines, such as char-rnn's
``OneHot``) is named ``"<local>:OneHot"``; a loader finds it only among the classes its caller
trusts (``nncore.load(path, classes=[OneHot])``), by that name.  Nothing named in a file is ever
imported: ``"<local>"`` is no distribution (distribution names start with a letter or digit),
and the registry only loads what installed plugins declare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ._module import Module
from .errors import InputError, InputTypeError, LoadError

#: the distribution part of the name of a class that no plugin registers
LOCAL = "<local>"


def saved_name(cls: type[Module]) -> str:
    """The name a file gives ``cls``: its qualified name, or ``"<local>:<class name>"``."""
    from ._registry import registry

    names = [n for n in registry().names_of(cls) if ":" in n]
    return names[0] if names else f"{LOCAL}:{cls.__name__}"


def trusted_by_name(classes: Iterable[type[Module]]) -> dict[str, type[Module]]:
    """The classes a caller trusts, by the name a file gives them; anything but distinct
    Module subclasses is refused."""
    trusted: dict[str, type[Module]] = {}
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, Module)):
            raise InputTypeError(
                f"nncore.load(classes=...) expected Module subclasses, got {cls!r:.80}"
            )
        if trusted.get(cls.__name__, cls) is not cls:
            raise InputError(
                f"nncore.load(classes=...) expected classes of distinct names, got two named "
                f"{cls.__name__!r} ({trusted[cls.__name__].__module__} and {cls.__module__})"
            )
        trusted[cls.__name__] = cls
    return trusted


def resolve(name: str, trusted: Mapping[str, type[Module]], where: str) -> type[Module]:
    """The class a file names ``name``: from ``trusted`` for a local name, else the registry."""
    from ._registry import registry

    distribution, _, class_name = name.partition(":")
    if not class_name:
        raise LoadError(f"{where}: class {name!r:.100} is not a qualified name")
    if distribution != LOCAL:
        cls: type[Module] = registry().entry(name, "nn").load()
        return cls
    if class_name not in trusted:
        raise LoadError(
            f"{where}: class {class_name!r:.100} was defined outside any plugin when saved; "
            "nncore.load builds it only when trusted: "
            f"nncore.load(path, classes=[{class_name:.100}])"
        )
    return trusted[class_name]
