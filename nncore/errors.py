"""Exception classes raised by nncore and its plugins.

Every error a module raises because of its input says which module (its path in the
network), what it expected and what it got.  Plugins raise these classes (or any other
exception); ``Module.forward`` and ``backward`` add the location on the way out (see
``nncore._location``).
"""

from __future__ import annotations


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


class ArgumentError(NNCoreError, ValueError):
    """A constructor argument outside the range its class declares (a size that must be
    positive); raised before ``__init__`` runs, naming the class."""


class ArgumentTypeError(ArgumentError, TypeError):
    """A constructor argument of a type its annotation does not name (a string for an
    ``int``); raised before ``__init__`` runs, naming the class."""


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
