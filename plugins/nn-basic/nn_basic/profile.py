"""Profile: a decorator timing the forward and backward passes of the wrapped module."""

from __future__ import annotations

import time
from typing import Any

from nncore.plugin import Case, Module

from .decorator import Decorator
from .linear import Linear


class Profile(Decorator):
    """Times every ``update_output`` and ``update_grad_input`` of the wrapped module and prints
    ``"<name> took <s> seconds for <n> forward passes"`` every ``print_interval`` calls of each
    (torch/nn ``Profile``).

    ``timings`` keeps, for ``"forward"`` and ``"backward"``, the number of calls and the total
    seconds since the module was built; the printed figure covers the last interval.

    >>> import numpy as np
    >>> from nncore import nn
    >>> p = Profile(nn.Identity(), print_interval=2, name="id")
    >>> _ = p.forward(np.zeros(3)); p.timings["forward"][0]
    1
    """

    def __init__(self, module: Module, print_interval: int = 100, name: str | None = None) -> None:
        super().__init__(module)
        self.print_interval = print_interval
        self.name = type(module).__name__ if name is None else name
        self.timings: dict[str, list[float]] = {"forward": [0, 0.0], "backward": [0, 0.0]}
        self._interval: dict[str, float] = {"forward": 0.0, "backward": 0.0}

    def _record(self, kind: str, seconds: float) -> None:
        record = self.timings[kind]
        record[0] += 1
        record[1] += seconds
        self._interval[kind] += seconds
        if record[0] % self.print_interval == 0:
            print(
                f"{self.name} took {self._interval[kind]:.3f} seconds for "
                f"{self.print_interval} {kind} passes"
            )
            self._interval[kind] = 0.0

    def update_output(self, input: Any) -> Any:
        start = time.perf_counter()
        output = self.module.forward(input)
        self._record("forward", time.perf_counter() - start)
        return output

    def update_grad_input(self, input: Any, grad_output: Any) -> Any:
        start = time.perf_counter()
        grad_input = self.module.update_grad_input(input, grad_output)
        self._record("backward", time.perf_counter() - start)
        return grad_input


def examples() -> list[Case]:
    """The conformance kit's cases for Profile."""
    return [
        Case(Profile(Linear(4, 3), print_interval=10**5), input_shape=(5, 4), batched=True),
    ]
