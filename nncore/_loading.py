"""``nncore.load``: a saved tree from a file, never running code from it (see ``_file_format``).

Every module record is checked before any module is built: references, nesting depth, the
sizes a configuration implies against the file's own data, dtypes against allow lists.  Any
problem with a file, whatever its cause, is a :class:`~nncore.errors.LoadError`.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import _class_names as class_names
from . import _value_tree as value_tree
from ._file_format import (
    ELEMENTS_PER_FILE_ELEMENT,
    MAX_DEPTH,
    MAX_MODULES,
    METADATA_KEY,
    MODULE_DTYPES,
    READABLE_FORMATS,
    SMALL_INT,
    SMALL_PRODUCT,
)
from ._module import Module
from .errors import LoadError, NNCoreError


def load(path: str | os.PathLike, classes: Iterable[type[Module]] = ()) -> Any:
    """Read what :func:`save` wrote: a network (a ``Module``), or the tree of modules and
    values that was saved.  Any problem with the file is a LoadError.

    A module class that no plugin registers (one a script defines) is built only when it is
    among ``classes``, matched by class name; nothing named in the file is ever imported.
    """
    trusted = class_names.trusted_by_name(classes)
    try:
        return _load(Path(path), trusted)
    except LoadError:
        raise
    except NNCoreError as error:  # e.g. an unknown class: keep the registry's explanation
        raise LoadError(f"{path}: {error}") from error
    except (Exception, RecursionError) as error:
        raise LoadError(
            f"{path}: not a valid nncore file ({type(error).__name__}: {error})"
        ) from error


def _load(path: Path, trusted: Mapping[str, type[Module]]) -> Any:
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
        try:
            description = json.loads(metadata[METADATA_KEY])
        except RecursionError as error:
            raise LoadError(
                f"{path}: expected a description nested at most {MAX_DEPTH} deep, got one "
                "deeper than the JSON reader follows"
            ) from error
        tensors = {name: handle.get_tensor(name) for name in handle.keys()}
    records, tree = _layout(description, str(path))
    modules = _Reader(records, tensors, str(path), trusted).build()
    return value_tree.decode(tree, tensors.get, modules, str(path))


def _layout(description: Any, where: str) -> tuple[Any, Any]:
    """The module records and the tree of a description in any readable format."""
    version = description.get("format") if isinstance(description, dict) else None
    if version not in READABLE_FORMATS:
        raise LoadError(
            f"{where}: unknown format {version!r:.40} (expected one of {READABLE_FORMATS})"
        )
    if version == "nncore/1":  # one network, or a dict of values
        if "tree" in description:
            return [], description["tree"]
        return description.get("modules"), {"__module__": description.get("root")}
    return description.get("modules"), description.get("tree")


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
    """Builds every module record of a file, sharing what the records share."""

    def __init__(
        self,
        records: Any,
        tensors: dict[str, np.ndarray],
        where: str,
        trusted: Mapping[str, type[Module]],
    ) -> None:
        self.where = where
        self.tensors = tensors
        self.trusted = trusted
        elements = sum(int(t.size) for t in tensors.values())
        self.element_budget = max(SMALL_INT, elements)
        self.product_budget = max(SMALL_PRODUCT, ELEMENTS_PER_FILE_ELEMENT * elements)
        self.records = _expect(records, list, "modules")
        if len(self.records) > MAX_MODULES:
            raise LoadError(
                f"{where}: expected at most {MAX_MODULES} modules, got {len(self.records)}"
            )
        self.built: dict[int, Module] = {}
        self.grads: dict[str, np.ndarray] = {}
        #: the copy of a tensor that configs get: one per tensor, so that a config naming a
        #: tensor a million times costs one copy (saved configs named one array once per tensor)
        self.config_arrays: dict[str, np.ndarray] = {}

    def build(self) -> dict[int, Module]:
        """Every module of the file, by id."""
        order = self._order()
        classes = {}
        for index in order:  # every record is checked before anything is built
            record = _expect(self.records[index], dict, "module")
            name = _expect(record.get("class"), str, "class")
            classes[index] = class_names.resolve(name, self.trusted, self.where)
            self._check_budget(record, classes[index])
        for index in order:
            self.built[index] = self._module(classes[index], self.records[index])
        return self.built

    def _check_budget(self, record: dict[str, Any], cls: type[Module]) -> None:
        """Refuse a config whose sizes would make a constructor allocate more than the file
        justifies (``Linear(10**6, 10**6)`` in a file of a few bytes).

        Every integer anywhere in the config is capped; the sizes a constructor allocates from
        (its integer arguments, and lists or tuples of integers such as ``View(2, 3)``'s) are
        multiplied.  Structure is not a size: a container's integers (a graph's node ids and
        outputs, a Concat's dimension) place its children, which are checked themselves, so
        only the per-integer cap applies to them.
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
        container = cls.set_child is not Module.set_child  # see Module.set_child
        product, arguments = 1, {} if container else _unwrapped(record.get("config"))
        for argument in arguments.values() if isinstance(arguments, dict) else []:
            sizes = _unwrapped(argument)
            for size in sizes if isinstance(sizes, list) else [sizes]:
                if value_tree.is_int(size):
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
        height: dict[int, int] = {}  # of a module done: how deep the containers below it nest
        open_: set[int] = set()
        for root in range(len(self.records)):
            stack: list[tuple[int, bool]] = [(root, False)]
            while stack:
                index, done = stack.pop()
                if not done and index in height:  # reached again: done already
                    continue
                children = self._references(self.records[index])
                if done:
                    open_.discard(index)
                    height[index] = 1 + max((height[c] for c in children), default=-1)
                    if height[index] > MAX_DEPTH:
                        raise LoadError(
                            f"{self.where}: expected containers nested at most {MAX_DEPTH} "
                            "deep, got more"
                        )
                    order.append(index)
                    continue
                open_.add(index)
                stack.append((index, True))
                for child in children:
                    if child in open_:
                        raise LoadError(
                            f"{self.where}: the module structure has a cycle through {child}"
                        )
                    if child not in height:
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

    def _module(self, cls: type[Module], record: dict[str, Any]) -> Module:
        qualified = record["class"]
        where = f"{self.where}: {qualified}'s config"
        config = value_tree.decode(record.get("config", {}), self._config_array, self.built, where)
        config = _expect(config, dict, "config")
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

    def _config_array(self, name: str) -> np.ndarray | None:
        """The copy of a tensor that configs get (None if the file has no such tensor)."""
        if name not in self.config_arrays and name in self.tensors:
            self.config_arrays[name] = self.tensors[name].copy()
        return self.config_arrays.get(name)


def _unwrapped(value: Any) -> Any:
    """A config value as saved, without its tag: ``{"__dict__": d}`` -> ``d``, tuples -> lists."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag in ("__dict__", "__tuple__"):
            return inner
    return value if isinstance(value, (dict, list)) or value_tree.is_int(value) else {}


def _expect(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise LoadError(f"expected {what} to be a {kind.__name__}, got {type(value).__name__}")
    return value
