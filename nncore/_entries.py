"""What the registry records: a plugin distribution, and one registered class (imported lazily)."""

from __future__ import annotations

import importlib
import inspect
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import RegistryError
from .hookspecs import MODULE_KINDS

#: registries are built, rebuilt and their classes imported one thread at a time
lock = threading.RLock()


def canonical(distribution: str) -> str:
    """PEP 503 normalised distribution name (``nn_basic`` -> ``nn-basic``)."""
    return distribution.lower().replace("_", "-").replace(".", "-")


@dataclass
class PluginRecord:
    """What nncore knows about one plugin distribution."""

    distribution: str
    version: str
    entry_point: str
    status: str = "loaded"  # loaded | failed | disabled
    errors: list[str] = field(default_factory=list)
    class_count: int = 0
    backend: str | None = None
    call_handler_ref: str | None = None
    data_parallel_ref: str | None = None
    #: how long importing and registering the plugin took
    load_seconds: float = 0.0


@dataclass
class Entry:
    """One registered class: its names, provider and lazy reference."""

    name: str
    distribution: str
    version: str
    ref: str
    kind: str
    _cls: Any = None

    @property
    def qualified(self) -> str:
        """``"<distribution>:<Class>"``."""
        return f"{self.distribution}:{self.name}"

    @property
    def module_name(self) -> str:
        return self.ref.partition(":")[0]

    def load(self) -> Any:
        """Import and return the class or function (cached), checked against its kind: a
        ``Module`` subclass for the kinds of ``nncore.nn``, a function for ``optimizer``, a class
        or function for ``optim-helper``."""
        if self._cls is None:
            with lock:
                what = f"{self.qualified} (registered as {self.ref!r})"
                cls = import_ref(self.ref, what)
                expected = _mismatch(cls, self.kind)
                if expected:
                    raise RegistryError(
                        f"{what} is not {expected}, it is {cls!r:.80}: the plugin "
                        f"{self.distribution} registered something else"
                    )
                self._cls = cls
        return self._cls

    def is_imported(self) -> bool:
        return self._cls is not None or self.module_name in sys.modules


def _mismatch(value: Any, kind: str) -> str | None:
    """What a registered object of ``kind`` should have been, if ``value`` is not that."""
    if kind in MODULE_KINDS:
        if isinstance(value, type) and issubclass(value, _module_class()):
            return None
        return "an nncore Module class"
    if kind == "optimizer":
        if callable(value) and not isinstance(value, type):
            return None
        return "an optimisation function (opfunc, x, config=None, state=None)"
    return None if inspect.isclass(value) or callable(value) else "a class or function"


def _module_class() -> type:
    from ._module import Module  # the registry is imported by the core's package, not by module

    return Module


def import_ref(ref: str, what: str) -> Any:
    """Import ``"pkg.module:attr.path"``; failures become a RegistryError naming ``what``."""
    module_name, _, attribute = ref.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attribute.split(".") if attribute else ():
            target = getattr(target, part)
    except Exception as error:
        raise RegistryError(
            f"{what} could not be imported: {type(error).__name__}: {error}"
        ) from error
    return target
