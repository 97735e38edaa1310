"""Contiguous: makes the input and the gradient C-contiguous, copying only when needed."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, expect_array


class Contiguous(Module):
    """``y = x`` in C order, ``dx = dy`` in C order (torch/nn ``Contiguous``).

    An array already contiguous is passed on as it is; a strided view (a transpose, a slice)
    is copied.

    >>> import numpy as np
    >>> x = np.zeros((2, 3))
    >>> Contiguous().forward(x) is x, Contiguous().forward(x.T).flags.c_contiguous
    (True, True)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def update_output(self, input: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(expect_array(input))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(expect_array(grad_output, "grad_output"))


def examples() -> list[Case]:
    """The conformance kit's cases for Contiguous."""
    return [
        Case(Contiguous(), input=lambda rng: rng.standard_normal((4, 3)).T, batched=True),
    ]
