"""Constructor arguments, checked before ``__init__`` runs.

``Module.__new__`` checks every argument given by name or position against the constructor's
annotation, and against the range its class declares for it in ``argument_ranges``, so a wrong
argument is one clear error naming the class rather than whatever the constructor's arithmetic
makes of it (``nn.Linear(0, 2)`` dividing by zero, ``nn.Linear('3', 2)`` a numpy error):

>>> from nncore import nn
>>> nn.Linear("3", 2)
Traceback (most recent call last):
...
nncore.errors.ArgumentTypeError: nn.Linear: expected input_size to be an int, got '3' (a str)
>>> nn.Linear(0, 2)
Traceback (most recent call last):
...
nncore.errors.ArgumentError: nn.Linear: expected input_size > 0, got 0

What an annotation says (``from __future__ import annotations`` or not):

- ``int`` takes an integer (numpy's too) and not a bool; ``float`` a real number, not a bool;
  ``bool`` a bool (numpy's too); ``str`` a string; a union of those and ``None`` any of them;
- any other union that admits no string (``int | tuple[int, ...]``, ``float | np.ndarray``)
  refuses a string and takes anything else;
- anything else (``Any``, ``Module``, ``Sequence[int]``, a missing annotation) is not checked.
  Neither is ``*args``.
"""

from __future__ import annotations

import inspect
import numbers
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validation import describe
from .errors import ArgumentError, ArgumentTypeError

if TYPE_CHECKING:
    from ._module import Module


@dataclass(frozen=True)
class Range:
    """Where a numeric constructor argument must lie: above ``low`` and below ``high`` (either
    bound may be missing), each bound included unless ``low_open``/``high_open``.

    >>> Range(0, 1, high_open=True).describe("p")
    '0 <= p < 1'
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def __contains__(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_open else value <= self.high)

    def describe(self, name: str) -> str:
        """``"0 <= p < 1"``, ``"input_size > 0"``."""
        below = "<" if self.low_open else "<="
        above = "<" if self.high_open else "<="
        if self.low is not None and self.high is not None:
            return f"{_number(self.low)} {below} {name} {above} {_number(self.high)}"
        if self.low is not None:
            return f"{name} {'>' if self.low_open else '>='} {_number(self.low)}"
        if self.high is not None:
            return f"{name} {above} {_number(self.high)}"
        return name


#: a size, a count, a kernel or a stride: ``argument_ranges = {"input_size": POSITIVE}``
POSITIVE = Range(0, low_open=True)
#: a padding, an offset
NON_NEGATIVE = Range(0)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ----------------------------------------------------------------------------- annotations
_NONE = type(None)
_SIMPLE: dict[str, type] = {"int": int, "float": float, "bool": bool, "str": str, "None": _NONE}
#: annotations (or their outer names) that never admit a string
_NOT_STRINGS = re.compile(
    r"(int|float|bool|None|complex|slice|(tuple|list|dict|set|frozenset)(\[.*\])?"
    r"|(np|numpy)\.(ndarray|integer|floating|number)(\[.*\])?)"
)


def _parts(annotation: Any) -> list[Any] | None:
    """The members of a union annotation (one member if it is no union), or None if there is
    no annotation."""
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        text = annotation.strip()
        optional = re.fullmatch(r"(?:typing\.)?Optional\[(.*)\]", text)
        if optional:
            text = optional.group(1) + " | None"
        return _split_union(text)
    if annotation is None:
        return [_NONE]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


def _split_union(text: str) -> list[str]:
    """``"int | tuple[int | None, ...]"`` -> ``["int", "tuple[int | None, ...]"]``."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char == "["
        depth -= char == "]"
        if char == "|" and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [part.removeprefix("builtins.") for part in parts]


def simple_types(annotation: Any) -> tuple[type, ...] | None:
    """The types of an annotation made only of ``int``, ``float``, ``bool``, ``str`` and
    ``None``; None for any other annotation."""
    parts = _parts(annotation)
    if parts is None:
        return None
    found = []
    for part in parts:
        simple = _SIMPLE.get(part) if isinstance(part, str) else part
        if simple not in (int, float, bool, str, _NONE):
            return None
        found.append(simple)
    return tuple(found)


def admits_strings(annotation: Any) -> bool:
    """False where the annotation names only types that are no strings (``int``,
    ``int | tuple[int, ...]``, ``np.ndarray | None``); True where a string may be meant
    (``str``, ``Any``, ``Sequence[int]``, a name nncore does not know, no annotation)."""
    parts = _parts(annotation)
    if parts is None:
        return True
    for part in parts:
        if isinstance(part, str):
            if not _NOT_STRINGS.fullmatch(part):
                return True
        elif part is str or not isinstance(part, type) or issubclass(str, part):
            return True
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _accepts(kind: type, value: Any) -> bool:
    if kind is int:
        return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if kind is float:
        return _is_number(value)
    if kind is bool:
        return isinstance(value, (bool, np.bool_))
    if kind is _NONE:
        return value is None
    return isinstance(value, kind)


_SPELLED = {int: "an int", float: "a real number", bool: "a bool", str: "a str", _NONE: "None"}


# ----------------------------------------------------------------------------- the check
#: the exact types that pass a simple annotation's check at once (the common case, kept cheap:
#: every module built goes through here)
_AT_ONCE: dict[type, tuple[type, ...]] = {
    int: (int,),
    float: (float, int),
    bool: (bool,),
    str: (str,),
    _NONE: (_NONE,),
}


@dataclass
class _Plan:
    """What to check for one class: each named parameter's check, and the ranges."""

    positional: list[str]  # the parameters positional arguments fill, in order
    checks: dict[str, tuple[tuple[type, ...] | None, str | None]]
    ranges: dict[str, Range]
    at_once: dict[str, frozenset[type]]  # per parameter, the types that need no further look

    def check(self, cls: type, name: str, value: Any) -> None:
        kind = type(value)
        check = self.checks.get(name)
        if check is not None and kind not in self.at_once.get(name, ()):
            simple, spelled = check
            if simple is not None and not any(_accepts(kind, value) for kind in simple):
                expected = " or ".join(dict.fromkeys(_SPELLED[kind] for kind in simple))
                raise ArgumentTypeError(
                    f"nn.{cls.__name__}: expected {name} to be {expected}, got "
                    f"{value!r:.40} ({describe(value)})"
                )
            if simple is None and isinstance(value, str):
                raise ArgumentTypeError(
                    f"nn.{cls.__name__}: expected {name} to be {spelled}, got {value!r:.40} (a str)"
                )
        bounds = self.ranges.get(name)
        if (
            bounds is not None
            and (kind is int or kind is float or _is_number(value))
            and float(value) not in bounds
        ):
            raise ArgumentError(f"nn.{cls.__name__}: expected {bounds.describe(name)}, got {value}")


def declared_ranges(cls: type) -> dict[str, Range]:
    """``argument_ranges`` of ``cls`` and its bases (a subclass's entry wins)."""
    ranges: dict[str, Range] = {}
    for klass in reversed(cls.__mro__):
        declared = klass.__dict__.get("argument_ranges")
        if isinstance(declared, Mapping):
            ranges.update(declared)
    return ranges


def _plan(cls: type[Module]) -> _Plan:
    """The class's plan, made on its first construction and kept on the class."""
    plan = cls.__dict__.get("_argument_plan")
    if plan is not None:
        return plan
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    positional, checks = [], {}
    for parameter in parameters:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.kind is not parameter.KEYWORD_ONLY:
            positional.append(parameter.name)
        annotation = parameter.annotation
        spelled = annotation if isinstance(annotation, str) else None
        if spelled is None and annotation is not inspect.Parameter.empty:
            spelled = getattr(annotation, "__name__", None) or str(annotation)
        simple = simple_types(annotation)
        if simple is not None or not admits_strings(annotation):
            checks[parameter.name] = (simple, spelled)
    names = {p.name for p in parameters}
    ranges = {n: r for n, r in declared_ranges(cls).items() if n in names}
    at_once = {
        name: frozenset(t for kind in simple for t in _AT_ONCE[kind])
        for name, (simple, _) in checks.items()
        if simple is not None
    }
    plan = _Plan(positional, checks, ranges, at_once)
    cls._argument_plan = plan  # type: ignore[attr-defined]
    return plan


def check_arguments(cls: type[Module], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise ArgumentTypeError or ArgumentError for the first argument its annotation or its
    declared range refuses.  Arguments the constructor does not take are left to it."""
    plan = _plan(cls)
    if not plan.checks and not plan.ranges:
        return
    for name, value in zip(plan.positional, args):  # noqa: B905 - *args go past the names
        plan.check(cls, name, value)
    for name, value in kwargs.items():
        plan.check(cls, name, value)
