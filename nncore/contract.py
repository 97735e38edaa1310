"""What every subclass's contract methods get for free: error location and Torch's state.

``Module.__init_subclass__`` wraps the methods named in :data:`LOCATED_METHODS` of every
subclass with :func:`located`, so no layer author writes either by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .errors import locate

#: the methods whose errors are prefixed with the module's name and path, in every subclass
LOCATED_METHODS = (
    "forward", "backward", "update_output", "update_grad_input",
    "acc_grad_parameters", "acc_update_grad_parameters",
)
STORED_RESULTS = {
    "forward": "output", "update_output": "output",
    "backward": "grad_input", "update_grad_input": "grad_input",
}


def located(method: Callable) -> Callable:
    """Wrap a module method so an exception leaving it records the module (see ``locate``).

    ``update_output`` and ``update_grad_input`` (and overridden ``forward``/``backward``) also
    store what they return in ``output`` and ``grad_input``, as torch/nn's state variables,
    whoever calls them.  The wrappers take the first argument by name so that the common call,
    one or two positional arguments, costs about 40 ns more than the bare method.
    """
    store = STORED_RESULTS.get(method.__name__)
    if store == "output":

        def wrapper(self: Any, input: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                result = method(self, input, *args, **kwargs)
            except Exception as error:
                locate(error, self)
                raise
            self.output = result
            return result

    elif store == "grad_input":

        def wrapper(self: Any, input: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                result = method(self, input, *args, **kwargs)
            except Exception as error:
                locate(error, self)
                raise
            self.grad_input = result
            return result

    else:

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            try:
                return method(self, *args, **kwargs)
            except Exception as error:
                locate(error, self)
                raise

    functools.update_wrapper(wrapper, method)
    wrapper._nncore_located = True  # type: ignore[attr-defined]
    return wrapper
