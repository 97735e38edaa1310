"""nn-conv's registration with nncore: names and lazy references only, never the kernels."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

from . import _names_extensions, _names_kernels, _names_numpy


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("nn_conv", "module", _names_kernels.NAMES) + specs(
        "nn_conv", "module", _names_numpy.NAMES
    )


@hookimpl
def nncore_examples() -> str:
    return "nn_conv._examples:examples"


@hookimpl
def nncore_backend() -> str:
    """Which kernels nn-conv would use, decided without importing the extensions."""
    import importlib.util
    import os

    if os.environ.get("NNCORE_NO_EXTENSIONS", "") not in ("", "0"):
        return "numpy reference (NNCORE_NO_EXTENSIONS is set)"
    for name in _names_extensions.EXTENSIONS:
        if importlib.util.find_spec(f"nn_conv.{name}") is None:
            return f"numpy reference (compiled kernels not built: nn_conv.{name})"
    return "compiled (Cython)"
