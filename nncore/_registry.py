"""Discovery of layer plugins through entry points, and name resolution.

Each distribution with an entry point in the ``nncore`` group is loaded in isolation: a plugin
whose import raises, whose entry point names nothing, or whose hook raises is recorded (with its
distribution and version) and skipped; the others keep working.  ``NNCORE_STRICT=1`` turns such
failures into errors.  ``NNCORE_DISABLE_PLUGINS=dist1,dist2`` (or :func:`disable_plugin`)
skips plugins by distribution name.  ``NNCORE_PREFER=Linear=nn-basic,...`` pins providers.
"""

from __future__ import annotations

import builtins
import contextlib
import fnmatch
import io
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import importlib_metadata
import pluggy

from . import _hook_results as results
from . import _hooks as hooks
from . import _names, hookspecs
from ._entries import Entry, PluginRecord, canonical, import_ref, lock
from .errors import PluginError, RegistryError, UnknownNameError
from .hookspecs import ClassSpec

GROUP = "nncore"
#: a plugin whose registration takes longer than this is shown with its time by ``nncore plugins``
SLOW_IMPORT_SECONDS = 1.0


class Registry:
    """The classes every installed, enabled plugin provides."""

    def __init__(
        self,
        entry_points: Iterable[Any] | None = None,
        disabled: Iterable[str] | None = None,
        strict: bool | None = None,
        preferred: dict[str, str] | None = None,
    ) -> None:
        if strict is None:
            strict = os.environ.get("NNCORE_STRICT", "") not in ("", "0")
        if disabled is None:
            disabled = [d for d in os.environ.get("NNCORE_DISABLE_PLUGINS", "").split(",") if d]
        if preferred is None:
            preferred = {**_names.project_preferences(), **_names.environment_preferences()}
        self.strict = strict
        self.disabled = {canonical(d) for d in disabled}
        self.preferred = {name: canonical(dist) for name, dist in preferred.items()}
        self.plugins: dict[str, PluginRecord] = {}
        self.entries: dict[str, Entry] = {}
        self.by_name: dict[str, list[Entry]] = {}
        self._names_of_class: dict[type, tuple[str, ...]] = {}
        self._examples: dict[str, Any] = {}
        self._call_handlers_installed = False
        self.manager = pluggy.PluginManager(GROUP)
        self.manager.add_hookspecs(hookspecs)
        if entry_points is None:
            entry_points = importlib_metadata.entry_points(group=GROUP)
        for entry_point in entry_points:
            self._load_plugin(entry_point)

    # ----------------------------------------------------------------- loading
    def _load_plugin(self, entry_point: Any) -> None:
        dist = getattr(entry_point, "dist", None)
        distribution = canonical(dist.name if dist is not None else entry_point.name)
        if distribution in self.plugins:  # the same distribution seen twice on sys.path
            return
        version = dist.version if dist is not None else "unknown"
        record = PluginRecord(distribution, version, entry_point.value)
        self.plugins[distribution] = record
        if distribution in self.disabled:
            record.status = "disabled"
            return
        started = time.perf_counter()
        try:
            # what a plugin prints while it loads is not the program's output (nor the CLI's)
            with contextlib.redirect_stdout(io.StringIO()):
                plugin = entry_point.load()
                self.manager.register(plugin, name=distribution)
                specs = self._call(plugin, record, "nncore_classes", results.class_specs) or []
                record.backend = self._call(plugin, record, "nncore_backend", results.one_line)
                record.call_handler_ref = self._call(
                    plugin, record, "nncore_call_handler", results.reference
                )
                record.data_parallel_ref = self._call(
                    plugin, record, "nncore_data_parallel", results.reference
                )
                owned = results.top_level_packages(dist)
                for spec in specs:
                    self._add(record, spec, owned)
                if self.strict:  # every reference is imported and checked now, not at first use
                    for entry in list(self.entries.values()):
                        if entry.distribution == distribution:
                            entry.load()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit too: a plugin can break only itself
            self._fail(record, f"{type(error).__name__}: {error}", error)
        finally:
            record.load_seconds = time.perf_counter() - started

    def _call(
        self, plugin: Any, record: PluginRecord, hook: str, valid: Callable[[Any], Any]
    ) -> Any:
        """This plugin's result for ``hook`` (or None), checked by ``valid``."""
        others = [p for p in self.manager.get_plugins() if p is not plugin]
        results = self.manager.subset_hook_caller(hook, remove_plugins=others)()
        if not results:
            return None
        try:
            return valid(results[0])
        except (TypeError, ValueError) as error:
            raise RegistryError(
                f"the {hook} hook of {record.distribution} returned {results[0]!r:.80}: {error}"
            ) from None

    def _add(self, record: PluginRecord, spec: ClassSpec, owned: set[str] | None) -> None:
        package = spec.ref.partition(":")[0].split(".")[0]
        if owned is not None and package not in owned:
            raise RegistryError(
                f"{record.distribution} registers {spec.name} as {spec.ref!r}, a class of the "
                f"package {package!r}, which {record.distribution} does not provide: a plugin "
                "registers only its own classes"
            )
        entry = Entry(spec.name, record.distribution, record.version, spec.ref, spec.kind)
        if entry.qualified in self.entries:
            raise RegistryError(f"{entry.qualified} is registered twice")
        self.entries[entry.qualified] = entry
        self.by_name.setdefault(spec.name, []).append(entry)
        record.class_count += 1

    def _fail(self, record: PluginRecord, message: str, error: BaseException) -> None:
        record.status = "failed"
        record.errors.append(message)
        for qualified in [
            q for q, e in self.entries.items() if e.distribution == record.distribution
        ]:
            entry = self.entries.pop(qualified)
            self.by_name[entry.name].remove(entry)
            if not self.by_name[entry.name]:
                del self.by_name[entry.name]
        record.class_count = 0
        if self.strict:
            raise PluginError(
                f"plugin {record.distribution} {record.version} ({record.entry_point}) failed: "
                f"{message}"
            ) from error

    # ----------------------------------------------------------------- lookup
    def entry(self, name: str, namespace: str | None = None) -> Entry:
        """The entry for a short or qualified name (see :meth:`resolve`); with a namespace
        (``"nn"``, ``"optim"``), only an entry of that namespace's kinds."""
        if ":" in name:
            distribution, _, short = name.partition(":")
            qualified = f"{canonical(distribution)}:{short}"
            if qualified in self.entries:
                found = self.entries[qualified]
                if namespace is not None and found.kind not in _names.NAMESPACES[namespace]:
                    raise UnknownNameError(_names.wrong_namespace(found, namespace))
                return found
            raise UnknownNameError(self._unknown_message(short, canonical(distribution)))
        return _names.resolve(self, name, namespace)

    def resolve(self, name: str, namespace: str | None = None) -> Any:
        """The class for ``"Linear"`` or ``"nn-basic:Linear"`` (or the function, for an
        optimiser), imported on first use."""
        return self.entry(name, namespace).load()

    def _unknown_message(self, name: str, distribution: str | None) -> str:
        return _names.unknown_message(self, name, distribution)

    def prefer(self, name: str, distribution: str) -> None:
        """Make the short ``name`` mean ``distribution``'s class (over the catalogue, and where
        several distributions register it)."""
        self.preferred[name] = canonical(distribution)

    def list(
        self,
        pattern: str = "*",
        provider: str | None = None,
        exclude: str | Iterable[str] | None = None,
        kind: str | None = None,
    ) -> list[Entry]:
        """Entries whose short or qualified name matches ``pattern`` (wildcards), sorted."""
        excludes = [exclude] if isinstance(exclude, str) else list(exclude or ())
        found = []
        for entry in self.entries.values():
            names = (entry.name, entry.qualified)
            if not any(fnmatch.fnmatchcase(n, pattern) for n in names):
                continue
            if provider is not None and not fnmatch.fnmatchcase(
                entry.distribution, canonical(provider)
            ):
                continue
            if any(fnmatch.fnmatchcase(n, x) for x in excludes for n in names):
                continue
            if kind is not None and entry.kind != kind:
                continue
            found.append(entry)
        return sorted(found, key=lambda e: (e.name, e.distribution))

    # ----------------------------------------------------------------- classes to names
    def names_of(self, cls: type) -> tuple[str, ...]:
        """The names a class answers to: its registered short and qualified names, else its own."""
        if cls not in self._names_of_class:
            names = [cls.__name__]
            for entry in self.entries.values():
                if entry.is_imported():
                    try:
                        registered = entry.load()
                    except RegistryError:
                        continue
                    if registered is cls:
                        names += [entry.name, entry.qualified]
            self._names_of_class[cls] = tuple(dict.fromkeys(names))
        return self._names_of_class[cls]

    def name_matcher(self, pattern: str) -> Callable[[Any], bool]:
        """A predicate matching modules whose class names match ``pattern`` (wildcards)."""
        verdicts: dict[type, bool] = {}  # the names of a class are fixed: match each class once

        def match(module: Any) -> bool:
            cls = type(module)
            verdict = verdicts.get(cls)
            if verdict is None:
                verdict = verdicts[cls] = any(
                    fnmatch.fnmatchcase(n, pattern) for n in self.names_of(cls)
                )
            return verdict

        return match

    # ----------------------------------------------------------------- call handlers
    def install_call_handlers(self) -> None:
        """Import and run every loaded plugin's ``nncore_call_handler`` reference, once.

        A reference that fails is recorded on its plugin (an error in strict mode); the other
        plugins' handlers are still installed.
        """
        if self._call_handlers_installed:
            return
        self._call_handlers_installed = True
        for record in self.plugins.values():
            if record.status != "loaded" or record.call_handler_ref is None:
                continue
            try:
                import_ref(record.call_handler_ref, f"call handler of {record.distribution}")()
            except Exception as error:
                record.errors.append(f"call handler: {type(error).__name__}: {error}")
                if self.strict:
                    raise PluginError(
                        f"plugin {record.distribution} {record.version}: call handler "
                        f"{record.call_handler_ref!r} failed: {error}"
                    ) from error

    # ----------------------------------------------------------------- data parallelism
    def data_parallel(self) -> Any:
        """The data-parallel wrapper class a plugin provides (``nncore_data_parallel``).

        Raises RegistryError, saying what to install, when no loaded plugin provides one, or
        naming the candidates when several do.
        """
        refs = {
            record.distribution: record.data_parallel_ref
            for record in self.plugins.values()
            if record.status == "loaded" and record.data_parallel_ref is not None
        }
        if not refs:
            raise RegistryError(
                "no installed plugin provides data-parallel training; install nn-parallel "
                "(pip install nn-parallel), which brings mpi4py and Open MPI"
            )
        if len(refs) > 1:
            raise RegistryError(
                f"several plugins provide data-parallel training: {', '.join(sorted(refs))}; "
                "disable all but one with NNCORE_DISABLE_PLUGINS"
            )
        ((distribution, ref),) = refs.items()
        return import_ref(ref, f"data-parallel wrapper of {distribution}")

    # ----------------------------------------------------------------- conformance examples
    def examples(self, entry: Entry) -> builtins.list[Any]:
        """The conformance cases of a registered class or optimiser: those of ``examples()``, in
        the module that defines it, that cover it (a ``Case`` whose module is an instance of
        exactly that class, an ``OptimizerCase`` of that function)."""
        if entry.qualified not in self._examples:
            cls = entry.load()
            factory = getattr(sys.modules[entry.module_name], "examples", None)
            cases = factory() if callable(factory) else []
            module = getattr(cls, "__module__", entry.module_name)
            if not isinstance(cases, (list, tuple)) or not all(
                callable(getattr(c, "covers", None)) for c in cases
            ):
                raise RegistryError(
                    f"{entry.distribution}: {module}.examples() returned {cases!r:.80}, expected "
                    "a list of nncore.plugin.Case (or OptimizerCase)"
                )
            self._examples[entry.qualified] = [c for c in cases if c.covers(cls)]
        return self._examples[entry.qualified]


_registry: Registry | None = None


def registry() -> Registry:
    """The process-wide registry, built on first use (once, whatever the threads)."""
    global _registry
    current = _registry
    if current is None:
        with lock:
            if _registry is None:
                _registry = Registry()
            current = _registry
    return current


def reload(**options: Any) -> Registry:
    """Rebuild the registry (after installing a plugin, or with other ``Registry`` options)."""
    global _registry
    with lock:
        _registry = Registry(**options)
        return _registry


def disable_plugin(*distributions: str) -> Registry:
    """Rebuild the registry with these distributions (and those already disabled) skipped."""
    current = registry()
    return reload(
        disabled=current.disabled | {canonical(d) for d in distributions},
        preferred=current.preferred,
        strict=current.strict,
    )


hooks.install(
    name_matcher=lambda pattern: registry().name_matcher(pattern),
    load_call_handlers=lambda: registry().install_call_handlers(),
)


def prefer(name: str, distribution: str) -> None:
    """Make a short name mean one distribution's class, for this process:
    ``nncore.prefer("Linear", "my-layers")`` (``NNCORE_PREFER`` and ``[tool.nncore.prefer]`` in
    a project's pyproject.toml do the same persistently)."""
    registry().prefer(name, distribution)
