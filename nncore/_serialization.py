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
import math
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

from . import _atomic_file as atomic_file
from ._module import Module
from ._parameters import memory_key
from .errors import LoadError, NNCoreError, SaveError

FORMAT = "nncore/1"
METADATA_KEY = "nncore"
#: A file pays for the memory its modules allocate.  Before any module is built, each integer of
#: its config may not exceed this (or the file's element count, if larger), and the product of a
#: config's integers (what a constructor such as ``Linear(n, m)`` allocates) may not exceed
#: ``ELEMENTS_PER_FILE_ELEMENT`` times the file's element count, or ``SMALL_PRODUCT``.
SMALL_INT = 1 << 20
SMALL_PRODUCT = 1 << 24
ELEMENTS_PER_FILE_ELEMENT = 16
MAX_MODULES = 100_000
#: containers nested deeper than this are refused (forward, repr and save recurse through them)
MAX_DEPTH = 100
#: the dtypes a module may compute in, and those a config may name
MODULE_DTYPES = ("float32", "float64")
CONFIG_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
)


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

    def module(self, module: Module, depth: int = 0) -> int:
        """Describe ``module`` (and, first, its children); return its id."""
        if id(module) in self.module_ids:
            return self.module_ids[id(module)]
        if len(self.module_ids) >= MAX_MODULES:
            raise SaveError(f"expected at most {MAX_MODULES} modules, got more")
        if depth > MAX_DEPTH:
            raise SaveError(
                f"expected containers nested at most {MAX_DEPTH} deep (nncore.load refuses "
                "deeper files), got more"
            )
        self.module_ids[id(module)] = index = len(self.records)
        record: dict[str, Any] = {}
        self.records.append(record)
        children = [
            [name, self.module(child, depth + 1)] for name, child in module.named_children()
        ]
        record.update(
            {
                "class": _qualified_name(module),
                "config": self.value(module.config(), type(module).__name__, depth + 1),
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

    def value(self, value: Any, where: str, depth: int) -> Any:
        """A JSON-ready encoding of a config value."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return {"__array__": self.tensor(value)}
        if isinstance(value, Module):
            return {"__module__": self.module(value, depth)}
        if isinstance(value, (np.dtype, type)) and _is_dtype(value):
            return {"__dtype__": np.dtype(value).name}
        if isinstance(value, list):
            return [self.value(v, where, depth) for v in value]
        if isinstance(value, tuple):
            return {"__tuple__": [self.value(v, where, depth) for v in value]}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"__dict__": {k: self.value(v, where, depth) for k, v in value.items()}}
        raise SaveError(f"{where}: cannot save a config value of type {type(value).__name__}")


def _is_dtype(value: Any) -> bool:
    try:
        return np.dtype(value).kind in "biuf"
    except TypeError:
        return False


def _qualified_name(module: Module) -> str:
    from ._registry import registry

    names = [n for n in registry().names_of(type(module)) if ":" in n]
    if not names:
        raise SaveError(
            f"{type(module).__module__}.{type(module).__qualname__} is not registered by any "
            "installed plugin; only registered classes can be saved (see docs/plugin-authors.md)"
        )
    return names[0]


def save(module: Module, path: str | os.PathLike) -> None:
    """Write ``module`` (its whole network) to ``path`` atomically, in the safetensors format.

    An interrupted save never leaves a truncated file, nor a temporary one (see
    ``nncore._atomic_file``); the file gets the permissions the user's umask gives.
    """
    writer = _Writer()
    root = writer.module(module)
    description = {"format": FORMAT, "root": root, "modules": writer.records}
    metadata = {METADATA_KEY: json.dumps(description, allow_nan=True)}
    with atomic_file.replacing(Path(path)) as file:
        _write_safetensors(file, writer.tensors, metadata)


#: numpy dtype -> safetensors dtype code
_CODES = {
    "bool": "BOOL",
    "uint8": "U8",
    "int8": "I8",
    "uint16": "U16",
    "int16": "I16",
    "uint32": "U32",
    "int32": "I32",
    "uint64": "U64",
    "int64": "I64",
    "float16": "F16",
    "float32": "F32",
    "float64": "F64",
}


def _write_safetensors(file: Any, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> None:
    """The safetensors format, streamed (the library's writer needs a path and a copy in memory):
    an 8-byte little-endian header length, the JSON header, then each tensor's bytes in order."""
    header: dict[str, Any] = {"__metadata__": metadata}
    offset = 0
    for name, array in tensors.items():
        if array.dtype.name not in _CODES:
            raise SaveError(f"cannot save an array of dtype {array.dtype}")
        header[name] = {
            "dtype": _CODES[array.dtype.name],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    file.write(len(text).to_bytes(8, "little"))
    file.write(text)
    for array in tensors.values():
        file.write(np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).data)


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

    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise LoadError(f"{path}: cannot be read ({error.strerror})") from error
    if not stat.S_ISREG(mode):
        raise LoadError(f"{path}: expected a regular file, got a {_kind_of(mode)}")
    size = os.stat(path).st_size
    with safe_open(str(path), framework="np") as handle:
        metadata = handle.metadata() or {}
        if METADATA_KEY not in metadata:
            raise LoadError(f"{path}: a safetensors file without nncore metadata")
        declared = sum(
            math.prod(handle.get_slice(name).get_shape()) * _itemsize(handle, name)
            for name in handle.keys()
        )
        if declared > size:
            raise LoadError(f"{path}: its tensors declare {declared} bytes, the file has {size}")
        description = json.loads(metadata[METADATA_KEY])
        tensors = {name: handle.get_tensor(name) for name in handle.keys()}
    return _Reader(description, tensors, str(path)).build()


def _itemsize(handle: Any, name: str) -> int:
    code = handle.get_slice(name).get_dtype()
    return {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1}.get(
        code, int("".join(c for c in code if c.isdigit()) or 8) // 8
    )


def _kind_of(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return kind
    return "special file"


class _Reader:
    def __init__(self, description: Any, tensors: dict[str, np.ndarray], where: str) -> None:
        self.where = where
        self.tensors = tensors
        elements = sum(int(t.size) for t in tensors.values())
        self.element_budget = max(SMALL_INT, elements)
        self.product_budget = max(SMALL_PRODUCT, ELEMENTS_PER_FILE_ELEMENT * elements)
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
        order = self._order()
        for index in order:  # every record is checked before anything is built
            self._check_budget(_expect(self.records[index], dict, "module"))
        for index in order:
            self.built[index] = self._module(index, self.records[index])
        return self.built[self.root]

    def _check_budget(self, record: dict[str, Any]) -> None:
        """Refuse a config whose sizes would make a constructor allocate more than the file
        justifies (``Linear(10**6, 10**6)`` in a file of a few bytes).

        Every integer anywhere in the config is capped; the sizes a constructor allocates from
        (its integer arguments, and lists or tuples of integers such as ``View(2, 3)``'s) are
        multiplied.  Structure (a graph's node lists) is not a size.
        """
        stack = [record.get("config")]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack.extend(v for k, v in value.items() if k != "__module__")
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, int) and abs(value) > self.element_budget:
                raise LoadError(
                    f"{self.where}: {record.get('class')!r} config value {value} is larger "
                    "than the file's data"
                )
        product, arguments = 1, _unwrapped(record.get("config"))
        for argument in arguments.values() if isinstance(arguments, dict) else []:
            sizes = _unwrapped(argument)
            for size in sizes if isinstance(sizes, list) else [sizes]:
                if _is_int(size):
                    product = min(product * max(size, 1), self.product_budget + 1)
        if product > self.product_budget:
            raise LoadError(
                f"{self.where}: building {record.get('class')!r} needs more memory than the "
                f"file's data justifies: its config implies more than {self.product_budget} "
                "elements"
            )

    def _order(self) -> list[int]:
        """Module ids, children before parents; a cycle, a dangling reference or nesting deeper
        than ``MAX_DEPTH`` is an error."""
        order: list[int] = []
        state: dict[int, str] = {}
        stack: list[tuple[int, bool, int]] = [(self._id(self.root), False, 0)]
        while stack:
            index, done, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise LoadError(
                    f"{self.where}: expected containers nested at most {MAX_DEPTH} deep, got more"
                )
            if done:
                state[index] = "done"
                order.append(index)
                continue
            if state.get(index) == "done":
                continue
            if state.get(index) == "open":
                raise LoadError(f"{self.where}: the module structure has a cycle through {index}")
            state[index] = "open"
            stack.append((index, True, depth))
            for child in self._references(self.records[index]):
                if state.get(child) == "open":
                    raise LoadError(
                        f"{self.where}: the module structure has a cycle through {child}"
                    )
                if state.get(child) != "done":
                    stack.append((child, False, depth + 1))
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
        from ._registry import registry

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
        dtype = _expect(record.get("dtype", "float64"), str, "dtype")
        if dtype not in MODULE_DTYPES:
            raise LoadError(
                f"{self.where}: {qualified} expected a dtype in {MODULE_DTYPES}, got {dtype!r:.40}"
            )
        module._dtype = np.dtype(dtype)
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
            if list(param.shape) != shape or dtype not in MODULE_DTYPES:
                raise LoadError(f"{self.where}: {qualified}.{name} does not match its parameter")
            if group not in self.grads:
                self.grads[group] = np.zeros(param.shape, dtype=np.dtype(dtype))
            shared = self.grads[group]
            if shared.shape != param.shape or shared.dtype != np.dtype(dtype):
                raise LoadError(
                    f"{self.where}: {qualified}.{name} {param.shape} {dtype} shares its gradient "
                    f"with a parameter of another shape or dtype ({shared.shape} {shared.dtype})"
                )
            setattr(module, name, shared)

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
                name = _expect(inner, str, "dtype")
                if name not in CONFIG_DTYPES:
                    raise LoadError(
                        f"{self.where}: {where} expected a dtype in {CONFIG_DTYPES}, got "
                        f"{name!r:.40}"
                    )
                return np.dtype(name)
            if tag == "__tuple__":
                return tuple(self._value(v, where) for v in _expect(inner, list, "tuple"))
            if tag == "__dict__":
                return {
                    str(k): self._value(v, where) for k, v in _expect(inner, dict, "dict").items()
                }
        raise LoadError(f"{self.where}: {where} has an unreadable config value {value!r:.100}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unwrapped(value: Any) -> Any:
    """A config value as saved, without its tag: ``{"__dict__": d}`` -> ``d``, tuples -> lists."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag in ("__dict__", "__tuple__"):
            return inner
    return value if isinstance(value, (dict, list)) or _is_int(value) else {}


def _expect(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LoadError(f"expected {what} to be a {kind.__name__}, got {type(value).__name__}")
    return value
