"""Exception classes raised by nncore and its plugins.

Every error a module raises because of its input says which module (its path in the
network), what it expected and what it got.  Plugins raise these classes (or any other
exception); containers prefix the location on the way out, see :func:`locate`.
"""

from __future__ import annotations

from typing import Any


class NNCoreError(Exception):
    """Base class of every exception nncore defines."""


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


def locate(error: BaseException, module: Any, child_name: str | None = None) -> None:
    """Record that ``error`` passed through ``module`` and rewrite its message.

    Called by ``Module.forward``/``backward`` (``child_name`` is None) and, on the way out, by
    every enclosing call, so the final message reads
    ``"Linear(3 -> 2) at '1.0' in Sequential: expected ..., got ..."``.  The first element of
    ``args`` is rewritten because ``add_note`` does not exist on Python 3.10.
    """
    trail = getattr(error, "_nncore_trail", None)
    if trail is None:
        trail = {"modules": [], "original": error.args[0] if error.args else ""}
        try:
            error._nncore_trail = trail  # type: ignore[attr-defined]
        except AttributeError:  # exceptions with __slots__: leave untouched
            return
    modules = trail["modules"]
    if modules and modules[-1] is module:
        return
    modules.append(module)
    path = _path_of(modules)
    where = repr_line(modules[0])
    if len(modules) > 1:
        where += f" at '{path}' in {type(modules[-1]).__name__}"
    message = f"{where}: {trail['original']}"
    error.args = (message,) + tuple(error.args[1:])


def _path_of(modules: list[Any]) -> str:
    """Join child names from the outermost module in ``modules`` down to the innermost."""
    names = []
    for child, parent in zip(modules, modules[1:], strict=False):
        for name, candidate in parent.named_children():
            if candidate is child:
                names.append(name)
                break
        else:
            names.append("?")
    return ".".join(reversed(names))


def repr_line(module: Any) -> str:
    """The first line of a module's repr (containers print a tree)."""
    try:
        return repr(module).splitlines()[0].rstrip(" {")
    except Exception:  # a broken __repr__ must not hide the real error
        return type(module).__name__
