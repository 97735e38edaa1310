"""Which kernels nn-conv runs: the compiled extensions, or their pure-numpy twins.

Each kernel family is one compiled module with a numpy twin beside it, same names and same
signatures (``_plugin.FAMILIES``): ``_im2col`` (``_im2col_numpy``), column packing
and layout swaps of the GEMM convolutions; ``_per_example_conv``, the convolutions that take
one example at a time; ``_pooling``; ``_embedding``; ``_winograd``, the F(2x2, 3x3)
transforms.  ``NNCORE_NO_EXTENSIONS=1`` in the environment, or a compiled module that fails to
import, selects the numpy twins of every family.  The kernels are re-exported here under
stable names, so other code in the package (and its tests) calls ``_backend.im2col(...)``
without caring which implementation is active.  ``team`` is the compiled team of threads
(``_team``), or None with the numpy twins: then every call runs in its caller.

>>> ACTIVE in (COMPILED, REFERENCE)
True
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from ._plugin import FAMILIES

if TYPE_CHECKING:
    # the kernel names :func:`activate` binds; the compiled kernels have their twins' signatures
    from ._embedding_numpy import embedding_backward as embedding_backward
    from ._embedding_numpy import embedding_forward as embedding_forward
    from ._embedding_numpy import embedding_renorm as embedding_renorm
    from ._im2col_numpy import batch_to_columns as batch_to_columns
    from ._im2col_numpy import col2im as col2im
    from ._im2col_numpy import columns_to_batch as columns_to_batch
    from ._im2col_numpy import im2col as im2col
    from ._per_example_conv_numpy import conv2d_gemm_backward_input as conv2d_gemm_backward_input
    from ._per_example_conv_numpy import conv2d_gemm_backward_weight as conv2d_gemm_backward_weight
    from ._per_example_conv_numpy import conv2d_gemm_forward as conv2d_gemm_forward
    from ._pooling_numpy import avg_pool2d as avg_pool2d
    from ._pooling_numpy import avg_pool2d_backward as avg_pool2d_backward
    from ._pooling_numpy import max_pool2d as max_pool2d
    from ._pooling_numpy import max_pool2d_backward as max_pool2d_backward
    from ._winograd_numpy import winograd_grad_output as winograd_grad_output
    from ._winograd_numpy import winograd_input as winograd_input
    from ._winograd_numpy import winograd_output as winograd_output

COMPILED = "compiled (Cython)"
REFERENCE = "numpy reference"


def compiled_modules() -> list[ModuleType]:
    """The compiled module of every kernel family (ImportError when one is not built)."""
    return [importlib.import_module(f"{__package__}.{family}") for family in FAMILIES]


def numpy_modules() -> list[ModuleType]:
    """The numpy twin of every kernel family."""
    return [importlib.import_module(f"{__package__}.{family}_numpy") for family in FAMILIES]


def _load() -> tuple[str, str | None, ModuleType | None]:
    """The kernels to start with, why the numpy twins were chosen, and the team of threads."""
    if os.environ.get("NNCORE_NO_EXTENSIONS", "") not in ("", "0"):
        return REFERENCE, "NNCORE_NO_EXTENSIONS is set", None
    try:
        compiled_modules()
        team = importlib.import_module(f"{__package__}._team")
    except ImportError as error:
        return REFERENCE, f"extension failed to import: {error}", None
    return COMPILED, None, team


def in_c_order(array: np.ndarray, write: Callable[[np.ndarray], None]) -> None:
    """``write(array)`` in place, through a C-ordered copy copied back when ``array`` is laid
    out otherwise (a transposed or strided parameter): the compiled kernels write C order."""
    target = np.ascontiguousarray(array)
    write(target)
    if target is not array:
        array[...] = target


def activate(description: str) -> None:
    """Route every kernel name of this module to the compiled modules (``COMPILED``) or to
    their numpy twins (``REFERENCE``): for tests and benchmarks.

    Layers look the kernels up here at call time, so this switches them all at once.
    """
    global ACTIVE
    modules = compiled_modules() if description == COMPILED else numpy_modules()
    for module, names in zip(modules, FAMILIES.values(), strict=True):
        globals().update({name: getattr(module, name) for name in names})
    ACTIVE = description


def is_compiled() -> bool:
    """True when the compiled kernels are in use."""
    return ACTIVE == COMPILED


#: which kernels are in use, why the numpy twins were chosen (None: they were not), and the
#: compiled team of threads (None without the extensions)
ACTIVE, REASON, team = _load()
activate(ACTIVE)
