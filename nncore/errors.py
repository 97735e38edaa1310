"""Exception classes raised by nncore and its plugins.

Every error a module raises because of its input says which module (its path in the
network), what it expected and what it got.  Plugins raise these classes (or any other
exception); ``Module.forward`` and ``backward`` add the location on the way out, see
:func:`locate`.
"""

from __future__ import annotations

import sys
from types import FrameType, TracebackType
from typing import Any


class NNCoreError(Exception):
    """Base class of every exception nncore defines.

    ``where`` is set when the error leaves a module's ``forward`` or ``backward``: the module
    and its path in the network (``"nn.Linear(3 -> 2) at '1' in Sequential"``).  The message
    starts with it.
    """

    where: str | None = None

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.where}: {message}" if self.where else message


class InputError(NNCoreError, ValueError):
    """An input, target or grad_output is not what the module accepts."""


class ShapeError(InputError):
    """An array has the wrong number of dimensions or the wrong size."""


class InputTypeError(NNCoreError, TypeError):
    """An input is of the wrong type (e.g. a list where an array is expected)."""


class IndexOutOfRangeError(NNCoreError, IndexError):
    """An index (class target, lookup id, unpooling index) lies outside its valid range."""


class StateError(NNCoreError, RuntimeError):
    """A method was called in a state that does not allow it (e.g. backward before forward)."""


class NaNError(NNCoreError, FloatingPointError):
    """A NaN appeared in an input, output, gradient or parameter that was checked for one.

    Raised by NaN-checking modules (torch/nn's ``NaN`` decorator) with where the NaN was found
    (``"expected no NaN, got NaN in grad_output at index (0, 2)"``).  A ``FloatingPointError``,
    so code already catching numpy's floating-point errors catches it too.
    """


class RegistryError(NNCoreError, LookupError):
    """A registry lookup failed."""


class UnknownNameError(RegistryError, AttributeError):
    """No installed provider registers this name."""


class AmbiguousNameError(RegistryError):
    """Several providers register this short name and none is preferred."""


class PluginError(NNCoreError, RuntimeError):
    """A plugin failed to load (raised only in strict mode; otherwise recorded)."""


class LoadError(NNCoreError, ValueError):
    """A file could not be loaded (corrupt, truncated, malicious or from a missing provider)."""


class SaveError(NNCoreError, ValueError):
    """A module cannot be saved (an unregistered class or an unsupported config value)."""


class ParameterLayoutError(NNCoreError, ValueError):
    """Parameters cannot be flattened, shared or carried over (dtype or shape mismatch)."""


class MissingGradientError(StateError):
    """A module that defines no ``update_grad_input`` was asked for the gradient of its input."""


#: the code of every method whose exceptions are located (``Module.forward``, ``backward``, ...),
#: filled in by the classes that define them
ENTRY_POINTS: set[Any] = set()


def locate(error: BaseException, module: Any) -> None:
    """Record which module ``error`` came from and where that module sits in the network.

    Called by ``Module.forward``/``backward`` when ``error`` leaves them.  The outermost such call
    on the stack does the work, once.  The modules whose methods the error passed through are
    read from the traceback (below) and from the calling frames (above, such as a container's
    own ``backward``); the error is attributed to the deepest of them reached from ``module``
    through the container protocol, so a container that calls its children's ``update_*``
    methods directly names the child, and a module's private helper modules are not named.
    nncore's errors carry the result in ``where`` (their message starts with it); other
    exceptions get it as a note (Python 3.11+) or in front of their message (3.10).
    """
    if _called_from_entry_point():
        return
    callers, below = _callers(), _modules_in(error.__traceback__) or [module]
    if callers and callers[-1] is below[0]:
        callers.pop()
    where = _describe(callers + below, len(callers))
    if isinstance(error, NNCoreError):
        if error.where is None:
            error.where = where
    elif hasattr(error, "add_note"):
        error.add_note(f"(raised in {where})")
    elif error.args and isinstance(error.args[0], str):
        error.args = (f"{where}: {error.args[0]}",) + tuple(error.args[1:])


def _called_from_entry_point() -> bool:
    """True when a located method is still running further up: that call will locate."""
    frame: FrameType | None = sys._getframe(3)  # above this, locate and the located method
    while frame is not None:
        if frame.f_code in ENTRY_POINTS:
            return True
        frame = frame.f_back
    return False


def _module_of(frame: FrameType) -> Any:
    from .module import Module  # errors.py is imported by module.py: resolved at call time

    candidate = frame.f_locals.get("self") if frame.f_code.co_argcount else None
    return candidate if isinstance(candidate, Module) else None


def _collapsed(frames: Any) -> list[Any]:
    found: list[Any] = []
    for frame in frames:
        module = _module_of(frame)
        if module is not None and (not found or found[-1] is not module):
            found.append(module)
    return found


def _modules_in(traceback: TracebackType | None) -> list[Any]:
    """The modules whose methods the error left, outermost first."""
    frames = []
    while traceback is not None:
        frames.append(traceback.tb_frame)
        traceback = traceback.tb_next
    return _collapsed(frames)


def _callers() -> list[Any]:
    """The modules whose methods are running above the located call, outermost first."""
    frames = []
    frame: FrameType | None = sys._getframe(3)  # above _callers, locate and the located method
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return _collapsed(reversed(frames))


def _child_name(parent: Any, child: Any) -> str | None:
    for name, candidate in parent.named_children():
        if candidate is child:
            return name
    return None


def _describe(chain: list[Any], entry: int) -> str:
    """``"nn.Linear(3 -> 2) at '1.0' in Sequential"``: the deepest module of ``chain`` reached
    from ``chain[entry]`` through children, and its path from the outermost such container."""
    names: list[str] = []
    inner = entry
    while inner + 1 < len(chain):
        name = _child_name(chain[inner], chain[inner + 1])
        if name is None:
            break
        names.append(name)
        inner += 1
    outer = entry
    while outer > 0:
        name = _child_name(chain[outer - 1], chain[outer])
        if name is None:
            break
        names.insert(0, name)
        outer -= 1
    where = repr_line(chain[inner])
    if names:
        where += f" at '{'.'.join(names)}' in {type(chain[outer]).__name__}"
    return where


def repr_line(module: Any) -> str:
    """The first line of a module's repr (containers print a tree)."""
    try:
        return repr(module).splitlines()[0].rstrip(" {")
    except Exception:  # a broken __repr__ must not hide the real error
        return type(module).__name__
