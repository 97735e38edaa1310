"""``nncore.save``: a tree of modules and values to one safetensors file, written atomically
(see ``_file_format``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from . import _atomic_file as atomic_file
from . import _value_tree as value_tree
from ._class_names import LOCAL, saved_name
from ._file_format import FORMAT, MAX_DEPTH, MAX_MODULES, METADATA_KEY
from ._module import Module
from ._parameters import memory_key
from .errors import SaveError


class _Writer:
    def __init__(self) -> None:
        self.tensors: dict[str, np.ndarray] = {}
        self.tensor_keys: dict[tuple, str] = {}
        self.grad_keys: dict[tuple, str] = {}
        self.module_ids: dict[int, int] = {}
        self.records: list[dict[str, Any]] = []
        self.local_classes: dict[str, type] = {}

    def tensor(self, array: np.ndarray) -> str:
        key = memory_key(array)
        if key not in self.tensor_keys:
            name = f"t{len(self.tensor_keys)}"
            self.tensor_keys[key] = name
            self.tensors[name] = np.asarray(array, order="C")  # ascontiguousarray makes 0-d 1-d
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
        config = value_tree.encode(
            module.config(),
            self.tensor,
            lambda inner: self.module(inner, depth + 1),
            f"{type(module).__name__}.config()",
            config=True,
        )
        record.update(
            {
                "class": self.class_name(type(module)),
                "config": config,
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

    def class_name(self, cls: type[Module]) -> str:
        """``saved_name(cls)``; two local classes of one name are refused, since a loader finds
        a local class by its name alone."""
        name = saved_name(cls)
        other = self.local_classes.setdefault(name, cls) if name.startswith(LOCAL) else cls
        if other is not cls:
            raise SaveError(
                f"expected the classes no plugin registers to have distinct names, got two named "
                f"{cls.__name__!r} ({other.__module__}.{other.__qualname__} and "
                f"{cls.__module__}.{cls.__qualname__}): rename one"
            )
        return name


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` to ``path`` atomically, in the safetensors format.

    ``obj`` is a module (its whole network), or a tree: a dict (string keys), list or tuple of
    modules, numpy arrays, scalars and dtypes, None, bools, numbers and strings, nested at most
    100 deep (see ``nncore._value_tree``).  ``nncore.load`` gives back the same tree: arrays bit
    for bit, tuples as tuples, and what was shared anywhere in the tree (a module, a parameter,
    an array) shared again.  A class that no plugin registers is saved by its name and loaded
    only when the loader trusts it (``nncore.load(path, classes=[...])``).

    An interrupted save never leaves a truncated file, nor a temporary one (see
    ``nncore._atomic_file``); the file gets the permissions the user's umask gives.
    """
    writer = _Writer()
    tree = value_tree.encode(obj, writer.tensor, writer.module)
    description = {"format": FORMAT, "modules": writer.records, "tree": tree}
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
