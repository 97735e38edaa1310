"""Saving and loading networks: tensors in safetensors, architecture as JSON in its metadata.

A file holds every distinct array once (shared parameters stay shared) and a JSON description
of the module graph: for each module its qualified class name (``"nn-basic:Linear"``), its
``config()``, its children (by the container protocol), its training flag, dtype, and which
tensor each declared array is.  Loading never executes code from the file and never
unpickles: classes come only from the registry, constructors get only JSON values and arrays.
Every problem with a file, whatever its cause, is a :class:`~nncore.errors.LoadError`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import LoadError, NNCoreError, SaveError
from .memory import address_space_limit
from .module import Module
from .parameters import memory_key

FORMAT = "nncore/1"
METADATA_KEY = "nncore"
#: integers in a loaded config may not exceed this unless the file holds as many elements: a
#: crafted config cannot make a constructor allocate memory the file does not pay for
SMALL_INT = 1 << 20
MAX_MODULES = 100_000
#: address space a load may use beyond twice the file's tensors (Linux: enforced by RLIMIT_AS)
LOAD_MEMORY_SLACK = 1 << 30


# ------------------------------------------------------------------------------------- saving
class _Writer:
    def __init__(self) -> None:
        self.tensors: dict[str, np.ndarray] = {}
        self.tensor_keys: dict[tuple, str] = {}
        self.grad_keys: dict[tuple, str] = {}
        self.module_ids: dict[int, int] = {}
        self.records: list[dict[str, Any]] = []

    def tensor(self, array: np.ndarray) -> str:
        key = memory_key(array)
        if key not in self.tensor_keys:
            name = f"t{len(self.tensor_keys)}"
            self.tensor_keys[key] = name
            self.tensors[name] = np.ascontiguousarray(array)
        return self.tensor_keys[key]

    def module(self, module: Module) -> int:
        """Describe ``module`` (and, first, its children); return its id."""
        if id(module) in self.module_ids:
            return self.module_ids[id(module)]
        if len(self.module_ids) >= MAX_MODULES:
            raise SaveError(f"more than {MAX_MODULES} modules")
        self.module_ids[id(module)] = index = len(self.records)
        record: dict[str, Any] = {}
        self.records.append(record)
        children = [[name, self.module(child)] for name, child in module.named_children()]
        record.update(
            {
                "class": _qualified_name(module),
                "config": self.value(module.config(), type(module).__name__),
                "children": children,
                "train": bool(module.train),
                "dtype": module.dtype.name,
                "arrays": {},
                "grads": {},
            }
        )
        for name in module.parameter_names + module.buffer_names:
            value = getattr(module, name, None)
            if isinstance(value, np.ndarray):
                record["arrays"][name] = self.tensor(value)
        for name in module.parameter_names:
            grad = getattr(module, "grad_" + name, None)
            if isinstance(grad, np.ndarray):
                key = memory_key(grad)
                group = self.grad_keys.setdefault(key, f"g{len(self.grad_keys)}")
                record["grads"]["grad_" + name] = [group, list(grad.shape), grad.dtype.name]
        return index

    def value(self, value: Any, where: str) -> Any:
        """A JSON-ready encoding of a config value."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return {"__array__": self.tensor(value)}
        if isinstance(value, Module):
            return {"__module__": self.module(value)}
        if isinstance(value, (np.dtype, type)) and _is_dtype(value):
            return {"__dtype__": np.dtype(value).name}
        if isinstance(value, list):
            return [self.value(v, where) for v in value]
        if isinstance(value, tuple):
            return {"__tuple__": [self.value(v, where) for v in value]}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"__dict__": {k: self.value(v, where) for k, v in value.items()}}
        raise SaveError(f"{where}: cannot save a config value of type {type(value).__name__}")


def _is_dtype(value: Any) -> bool:
    try:
        return np.dtype(value).kind in "biuf"
    except TypeError:
        return False


def _qualified_name(module: Module) -> str:
    from .registry import registry

    names = [n for n in registry().names_of(type(module)) if ":" in n]
    if not names:
        raise SaveError(
            f"{type(module).__module__}.{type(module).__qualname__} is not registered by any "
            "installed plugin; only registered classes can be saved (see docs/plugin-authors.md)"
        )
    return names[0]


def save(module: Module, path: str | os.PathLike) -> None:
    """Write ``module`` (its whole network) to ``path`` atomically, in the safetensors format.

    The file is written to a temporary name beside ``path`` and renamed over it, so an
    interrupted save never leaves a truncated file.
    """
    from safetensors.numpy import save_file

    writer = _Writer()
    root = writer.module(module)
    description = {"format": FORMAT, "root": root, "modules": writer.records}
    metadata = {METADATA_KEY: json.dumps(description, allow_nan=True)}
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    os.close(handle)
    try:
        save_file(writer.tensors, temporary, metadata=metadata)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------ loading
def load(path: str | os.PathLike) -> Module:
    """Read a network written by :func:`save`.  Any problem with the file is a LoadError."""
    try:
        return _load(Path(path))
    except LoadError:
        raise
    except NNCoreError as error:  # e.g. an unknown class: keep the registry's explanation
        raise LoadError(f"{path}: {error}") from error
    except (Exception, RecursionError) as error:
        raise LoadError(
            f"{path}: not a valid nncore file ({type(error).__name__}: {error})"
        ) from error


def _load(path: Path) -> Module:
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as handle:
        metadata = handle.metadata() or {}
        if METADATA_KEY not in metadata:
            raise LoadError(f"{path}: a safetensors file without nncore metadata")
        description = json.loads(metadata[METADATA_KEY])
        tensors = {name: handle.get_tensor(name) for name in handle.keys()}
    return _Reader(description, tensors, str(path)).build()


class _Reader:
    def __init__(self, description: Any, tensors: dict[str, np.ndarray], where: str) -> None:
        self.where = where
        self.tensors = tensors
        self.element_budget = max(SMALL_INT, sum(int(t.size) for t in tensors.values()))
        if not isinstance(description, dict) or description.get("format") != FORMAT:
            raise LoadError(f"{where}: unknown format (expected {FORMAT!r})")
        self.records = _expect(description.get("modules"), list, "modules")
        if not 0 < len(self.records) <= MAX_MODULES:
            raise LoadError(
                f"{where}: expected 1 to {MAX_MODULES} modules, got {len(self.records)}"
            )
        self.root = _expect(description.get("root"), int, "root")
        self.built: dict[int, Module] = {}
        self.grads: dict[str, np.ndarray] = {}

    def build(self) -> Module:
        tensor_bytes = sum(int(t.nbytes) for t in self.tensors.values())
        try:
            with address_space_limit(2 * tensor_bytes + LOAD_MEMORY_SLACK):
                for index in self._order():
                    record = _expect(self.records[index], dict, "module")
                    self.built[index] = self._module(index, record)
        except MemoryError as error:
            raise LoadError(
                f"{self.where}: building the modules needs more memory than the file's data "
                "justifies (a huge declared size?)"
            ) from error
        return self.built[self.root]

    def _order(self) -> list[int]:
        """Module ids, children before parents; a cycle or a dangling reference is an error."""
        order: list[int] = []
        state: dict[int, str] = {}
        stack: list[tuple[int, bool]] = [(self._id(self.root), False)]
        while stack:
            index, done = stack.pop()
            if done:
                state[index] = "done"
                order.append(index)
                continue
            if state.get(index) == "done":
                continue
            if state.get(index) == "open":
                raise LoadError(f"{self.where}: the module structure has a cycle through {index}")
            state[index] = "open"
            stack.append((index, True))
            for child in self._references(self.records[index]):
                if state.get(child) == "open":
                    raise LoadError(
                        f"{self.where}: the module structure has a cycle through {child}"
                    )
                if state.get(child) != "done":
                    stack.append((child, False))
        return order

    def _references(self, record: Any) -> list[int]:
        record = _expect(record, dict, "module")
        found = [
            self._id(_expect(pair, list, "child")[1])
            for pair in _expect(record.get("children", []), list, "children")
        ]
        stack = [record.get("config")]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                if "__module__" in value:
                    found.append(self._id(value["__module__"]))
                else:
                    stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
        return found

    def _id(self, value: Any) -> int:
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value < len(self.records)
        ):
            raise LoadError(f"{self.where}: reference to module {value!r} does not exist")
        return value

    def _module(self, index: int, record: dict[str, Any]) -> Module:
        from .registry import registry

        qualified = _expect(record.get("class"), str, "class")
        if ":" not in qualified:
            raise LoadError(f"{self.where}: class {qualified!r} is not a qualified name")
        cls: type[Module] = registry().entry(qualified).load()
        config = _expect(self._value(record.get("config", {}), qualified), dict, "config")
        try:
            module = cls.from_config(config)
        except MemoryError:
            raise
        except Exception as error:
            raise LoadError(
                f"{self.where}: {qualified}(**{config!r:.200}) failed: {error}"
            ) from error
        current = dict(module.named_children())
        for pair in record.get("children", []):
            name, child = _expect(pair[0], str, "child name"), self.built[pair[1]]
            if current.get(name) is not child:
                module.set_child(name, child)
        if [n for n, _ in module.named_children()] != [p[0] for p in record.get("children", [])]:
            raise LoadError(f"{self.where}: {qualified} did not take the saved children")
        self._arrays(module, qualified, _expect(record.get("arrays", {}), dict, "arrays"))
        self._grads(module, qualified, _expect(record.get("grads", {}), dict, "grads"))
        module.train = bool(record.get("train", True))
        module._dtype = np.dtype(_expect(record.get("dtype", "float64"), str, "dtype"))
        return module

    def _arrays(self, module: Module, qualified: str, arrays: dict[str, Any]) -> None:
        declared = set(module.parameter_names + module.buffer_names)
        for name, key in arrays.items():
            if name not in declared:
                raise LoadError(f"{self.where}: {qualified} declares no array {name!r}")
            tensor = self._tensor(key)
            current = getattr(module, name, None)
            if not isinstance(current, np.ndarray) or current.shape != tensor.shape:
                expected = getattr(current, "shape", None)
                raise LoadError(
                    f"{self.where}: {qualified}.{name} expected shape {expected}, "
                    f"the file has {tensor.shape}"
                )
            if tensor.dtype.kind != current.dtype.kind:
                raise LoadError(
                    f"{self.where}: {qualified}.{name} expected a {current.dtype.kind!r} array, "
                    f"the file has {tensor.dtype}"
                )
            setattr(module, name, tensor)

    def _grads(self, module: Module, qualified: str, grads: dict[str, Any]) -> None:
        for name, spec in grads.items():
            if not name.startswith("grad_") or name[5:] not in module.parameter_names:
                raise LoadError(f"{self.where}: {qualified} has no gradient {name!r}")
            group, shape, dtype = _expect(spec, list, "gradient")
            param = getattr(module, name[5:])
            if list(param.shape) != shape or np.dtype(dtype).kind != "f":
                raise LoadError(f"{self.where}: {qualified}.{name} does not match its parameter")
            if group not in self.grads:
                self.grads[group] = np.zeros(param.shape, dtype=np.dtype(dtype))
            setattr(module, name, self.grads[group])

    def _tensor(self, key: Any) -> np.ndarray:
        if not isinstance(key, str) or key not in self.tensors:
            raise LoadError(f"{self.where}: tensor {key!r} is not in the file")
        return self.tensors[key]

    def _value(self, value: Any, where: str) -> Any:
        if isinstance(value, bool) or value is None or isinstance(value, (float, str)):
            return value
        if isinstance(value, int):
            if abs(value) > self.element_budget:
                raise LoadError(
                    f"{self.where}: {where} config value {value} is larger than the file's data"
                )
            return value
        if isinstance(value, list):
            return [self._value(v, where) for v in value]
        if isinstance(value, dict) and len(value) == 1:
            ((tag, inner),) = value.items()
            if tag == "__array__":
                return self._tensor(inner).copy()
            if tag == "__module__":
                return self.built[self._id(inner)]
            if tag == "__dtype__":
                return np.dtype(_expect(inner, str, "dtype"))
            if tag == "__tuple__":
                return tuple(self._value(v, where) for v in _expect(inner, list, "tuple"))
            if tag == "__dict__":
                return {
                    str(k): self._value(v, where) for k, v in _expect(inner, dict, "dict").items()
                }
        raise LoadError(f"{self.where}: {where} has an unreadable config value {value!r:.100}")


def _expect(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LoadError(f"expected {what} to be a {kind.__name__}, got {type(value).__name__}")
    return value
