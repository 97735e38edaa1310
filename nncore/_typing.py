"""``Inputs``: what ``Module`` is generic over, the arguments of its ``update_output``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # PEP 696's default (typing.ParamSpec has it from Python 3.13): a checker reads a bare
    # ``Module`` as ``Module[...]``, so ``class MyLayer(Module)`` and ``m: Module`` need no type
    # argument, even under ``--strict``
    from typing_extensions import ParamSpec

    Inputs = ParamSpec("Inputs", default=...)
else:
    from typing import ParamSpec

    Inputs = ParamSpec("Inputs")
