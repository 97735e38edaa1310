"""What ``backward`` checks about ``grad_output``, and the gradient of a module that has none.

``grad_output`` must match the output of the last forward: same table structure, same shapes.
Its arrays follow the module's input dtype policy (integers are cast, the other floating dtype is
refused).  A module that defines no ``update_grad_input`` gives a :class:`MissingGradient`: fine
as the gradient of a network's input, an error naming it wherever a module needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._dtypes import accept
from .errors import MissingGradientError, ShapeError, StateError

if TYPE_CHECKING:
    from ._module import Module


class _NoOutput(np.ndarray):
    """The type of :data:`NO_OUTPUT`: copies of a module keep the very same marker."""

    def __copy__(self) -> _NoOutput:
        return self

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> _NoOutput:
        return self

    def __reduce__(self) -> str:
        return "NO_OUTPUT"  # pickled by reference to this module's constant


_ndarray = np.ndarray  # (one global lookup instead of two in the per-call loop below)

#: ``output`` and ``grad_input`` of a module that has not run forward (an empty, read-only array)
NO_OUTPUT: np.ndarray = np.empty(0).view(_NoOutput)
NO_OUTPUT.flags.writeable = False


class MissingGradient:
    """The input gradient of a module that does not implement ``update_grad_input``.

    torch/nn's default ``updateGradInput`` returns an empty gradient, which is fine for the first
    module of a network (char-rnn's ``OneHot``: nothing needs the gradient of the data).  It is
    passed on unchanged by modules that only hand gradients back (a graph's input ``Identity``);
    where a module does use it, any arithmetic or attribute of this value raises
    :class:`MissingGradientError` naming the module that has no gradient to give and what to
    implement.
    """

    __array_ufunc__ = None  # numpy defers to the operators below, which raise

    def __init__(self, module: Module) -> None:
        self.module = module

    def error(self) -> MissingGradientError:
        name = type(self.module).__name__
        return MissingGradientError(
            f"expected a gradient from {name}, got none: {name} defines no update_grad_input, "
            f"so it can only be the first module of a network; implement "
            f"{name}.update_grad_input(input, grad_output) to put modules before it"
        )

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error()

    def __getattr__(self, name: str) -> Any:  # .shape, .reshape, ...: a use of the gradient
        if name.startswith("__"):
            raise AttributeError(name)
        raise self.error()

    __array__ = __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = _refuse
    __matmul__ = __rmatmul__ = __truediv__ = __rtruediv__ = __neg__ = __getitem__ = _refuse

    def __repr__(self) -> str:
        return f"MissingGradient({type(self.module).__name__})"


def accept_backward(module: Module, input: Any, grad_output: Any) -> tuple[Any, Any]:
    """``(input, grad_output)`` as ``backward`` computes on them: the cheap common case (arrays
    of the module's dtype, ``grad_output`` shaped like the output) costs a few comparisons."""
    output, dtype = module.output, module._dtype
    if (
        type(grad_output) is not np.ndarray
        or grad_output.dtype is not dtype
        or type(output) is not np.ndarray  # NO_OUTPUT's type is not np.ndarray either
        or grad_output.shape != output.shape
    ):
        grad_output = check_grad_output(module, grad_output)
    if type(input) is not np.ndarray or input.dtype is not dtype:
        input = accept(input, module.accepts, dtype)
    return input, grad_output


def check_grad_output(module: Module, grad_output: Any) -> Any:
    """``grad_output`` after checking it against ``module.output`` and applying the dtype policy.

    Raises StateError when there is no output to differentiate (backward before forward) and
    ShapeError when the structure or a shape differs from the output's.
    """
    output = module.output
    if type(output) is list and _arrays_like(output, grad_output, module._dtype):
        return grad_output  # a table of arrays as the output's: the per-call case of a table
    if output is NO_OUTPUT:
        raise StateError(
            "expected forward before backward: there is no output to take the gradient of "
            "(forward was not called, or clear_state() dropped its output)"
        )
    _compare(output, grad_output, "grad_output")
    policy = "float" if module.accepts != "any" else "any"
    return accept(grad_output, policy, module.dtype, "grad_output")


def _arrays_like(output: list[Any], grad: Any, dtype: np.dtype) -> bool:
    """Whether ``grad`` is a list of arrays of ``dtype`` with the shapes of ``output``'s arrays
    (one loop: what :func:`_compare` and the dtype policy would find, at a fraction of the
    cost)."""
    if type(grad) is not list or len(grad) != len(output):
        return False
    # a loop is cheaper than all(); the lengths are equal, and zip's strict=True alone would
    # double the cost of the loop for a table of two
    for out, g in zip(output, grad):  # noqa: B905
        if (
            type(g) is not _ndarray
            or type(out) is not _ndarray
            or g.dtype is not dtype
            or g.shape != out.shape
        ):
            return False
    return True


def _compare(output: Any, grad: Any, what: str) -> None:
    if isinstance(grad, MissingGradient):
        return  # passed on as it is (an Identity before it); any use of it raises
    if isinstance(output, np.ndarray):
        if not isinstance(grad, np.ndarray):
            if grad is None or np.isscalar(grad):
                return  # a module that takes none or a scalar says so itself
            raise ShapeError(
                f"expected {what} to be an array of shape {output.shape} (the output's), got "
                f"{type(grad).__name__}"
            )
        if grad.shape != output.shape:
            raise ShapeError(
                f"expected {what} of shape {output.shape} (the shape of the output of the last "
                f"forward), got shape {grad.shape}"
            )
    elif isinstance(output, list) and grad is not None:
        if not isinstance(grad, list):
            raise ShapeError(
                f"expected {what} to be a table of {len(output)} elements like the output, got "
                f"{type(grad).__name__}"
            )
        if len(grad) != len(output):
            raise ShapeError(
                f"expected {what} to be a table of {len(output)} elements like the output, got "
                f"one of {len(grad)}"
            )
        for k, (out, g) in enumerate(zip(output, grad, strict=True)):
            _compare(out, g, f"{what}[{k}]")
