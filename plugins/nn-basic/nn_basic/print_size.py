"""PrintSize: prints the shapes passing through, for debugging."""

from __future__ import annotations

from typing import Any

from nncore.plugin import Case, Module

from ._reduce import shape_of


class PrintSize(Module):
    """``y = x`` and ``dx = dy``, printing their shapes (torch/nn ``PrintSize``).

    Tables print the nested list of their arrays' shapes.

    >>> import numpy as np
    >>> _ = PrintSize("conv1").forward(np.zeros((2, 3)))
    conv1:input
        (2, 3)
    """

    accepts = "any"  # moves values around: any dtype passes as given

    def __init__(self, prefix: str = "PrintSize") -> None:
        super().__init__()
        self.prefix = prefix

    def update_output(self, input: Any) -> Any:
        print(f"{self.prefix}:input\n    {shape_of(input)}")
        return input

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        print(f"{self.prefix}:gradOutput\n    {shape_of(grad_output)}")
        return grad_output

    def extra_repr(self) -> str:
        return self.prefix


def examples() -> list[Case]:
    """The conformance kit's cases for PrintSize."""
    return [Case(PrintSize("shape"), input_shape=(2, 3), batched=True, bad_inputs=[])]
