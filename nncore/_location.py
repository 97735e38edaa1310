"""Where an error happened: the module that raised it and its path in the network.

``Module.forward`` and ``backward`` (and the other methods registered here as entry points) call
:func:`locate` when an exception leaves them.  The modules the exception passed through are read
from the traceback and from the calling frames, so no method is wrapped and nothing is recorded
while all goes well.
"""

from __future__ import annotations

import sys
from types import FrameType, TracebackType
from typing import Any

from .errors import NNCoreError

#: the code of every method whose exceptions are located (``Module.forward``, ``backward``, ...)
_ENTRY_POINTS: set[Any] = set()
#: the class whose methods' frames are read (``Module``), given by :func:`register`
_MODULE_CLASS: type = type(None)


def register(cls: type, *methods: Any) -> None:
    """Make ``methods`` entry points, and frames of ``cls`` instances' methods part of paths
    (``Module`` registers itself and its subclasses' entry points)."""
    global _MODULE_CLASS
    if _MODULE_CLASS is type(None):
        _MODULE_CLASS = cls
    _ENTRY_POINTS.update(method.__code__ for method in methods)


def locate(error: BaseException, module: Any) -> None:
    """Record which module ``error`` came from and where that module sits in the network.

    Called by ``Module.forward``/``backward`` when ``error`` leaves them.  The outermost such call
    on the stack does the work, once.  The modules whose methods the error passed through are
    read from the traceback (below) and from the calling frames (above, such as a container's
    own ``backward``); the error is attributed to the deepest of them reached from ``module``
    through the container protocol, so a container that calls its children's ``update_*``
    methods directly names the child, and a module's private helper modules are not named.
    nncore's errors carry the result in ``where`` (their message starts with it); other
    exceptions get it as a note (:func:`add_note`).
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
    else:
        add_note(error, f"(raised in {where})")


def add_note(error: BaseException, note: str) -> None:
    """``error.add_note(note)`` (PEP 678); on Python 3.10, which shows no notes, the note is
    also appended to a string message so that it is seen."""
    if hasattr(error, "add_note"):
        error.add_note(note)
        return
    error.__notes__ = [*getattr(error, "__notes__", ()), note]  # type: ignore[attr-defined]
    if error.args and isinstance(error.args[0], str):
        error.args = (f"{error.args[0]}\n{note}",) + tuple(error.args[1:])


def _called_from_entry_point() -> bool:
    """True when a located method is still running further up: that call will locate."""
    frame: FrameType | None = sys._getframe(3)  # above this, locate and the located method
    while frame is not None:
        if frame.f_code in _ENTRY_POINTS:
            return True
        frame = frame.f_back
    return False


def _module_of(frame: FrameType) -> Any:
    candidate = frame.f_locals.get("self") if frame.f_code.co_argcount else None
    return candidate if isinstance(candidate, _MODULE_CLASS) else None


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
