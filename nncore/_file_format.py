"""The file format of saved trees: tensors in safetensors, structure as JSON in its metadata.

A file holds every distinct array once (shared parameters stay shared) and a JSON description:
``"modules"``, a record for each module of the saved tree (its class name, ``"nn-basic:Linear"``
or ``"<local>:OneHot"``, its ``config()``, its children by the container protocol, its training
flag, dtype, and which tensor each declared array is), and ``"tree"``, what was saved, with
modules and arrays as references (see ``_value_tree``).  Loading never executes code from the
file and never unpickles: classes come only from the registry or the classes the caller
trusts, constructors get only JSON values and arrays.  Every problem with a file, whatever its
cause, is a :class:`~nncore.errors.LoadError`.

``FORMAT`` names the layout files are written in; a loader reads every format in
``READABLE_FORMATS`` and refuses any other.  ``"nncore/1"`` files hold either one network
(``"root"``, the id of its record, and ``"modules"``) or a dict of values (``"tree"``, no
modules).
"""

from __future__ import annotations

FORMAT = "nncore/2"
READABLE_FORMATS = ("nncore/1", FORMAT)
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
