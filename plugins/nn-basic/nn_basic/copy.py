"""Copy: passes the input on, converted from one array type to another."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, expect_array

from ._reduce import numpy_dtype


class Copy(Module):
    """``y = x.astype(outtype)``, ``dx = dy.astype(intype)`` (torch/nn ``Copy``).

    ``intype`` and ``outtype`` are numpy dtypes or Torch names (``"torch.FloatTensor"``); left
    out, they follow the module's dtype, so ``float()`` makes both float32.  When the two are
    equal and ``force_copy`` is false the arrays pass through uncopied.  ``dont_cast`` pins
    left-out types to the dtype the module was built with.

    >>> import numpy as np
    >>> Copy("torch.LongTensor", "torch.FloatTensor").forward(np.array([1, 2])).dtype
    dtype('float32')
    >>> x = np.ones(3)
    >>> Copy().forward(x) is x, Copy(force_copy=True).forward(x) is x
    (True, False)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(
        self,
        intype: Any = None,
        outtype: Any = None,
        force_copy: bool = False,
        dont_cast: bool = False,
    ) -> None:
        super().__init__()
        pinned = self.dtype if dont_cast else None
        self.intype = pinned if intype is None else numpy_dtype(intype)
        self.outtype = pinned if outtype is None else numpy_dtype(outtype)
        self.force_copy = force_copy
        self.dont_cast = dont_cast

    def _types(self) -> tuple[np.dtype, np.dtype]:
        return (
            self.dtype if self.intype is None else self.intype,
            self.dtype if self.outtype is None else self.outtype,
        )

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_array(input)
        intype, outtype = self._types()
        if intype == outtype and not self.force_copy:
            return input
        return input.astype(outtype)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_array(grad_output, "grad_output")
        intype, outtype = self._types()
        if intype == outtype and not self.force_copy:
            return grad_output
        return grad_output.astype(intype)


def examples() -> list[Case]:
    """The conformance kit's cases for Copy."""
    return [
        Case(Copy(), input_shape=(3, 4), batched=True),
        Case(Copy(force_copy=True), input_shape=(2, 3)),
    ]
