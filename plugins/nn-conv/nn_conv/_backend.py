"""Which kernels nn-conv runs: the compiled extension, or its pure-numpy twin.

``NNCORE_NO_EXTENSIONS=1`` in the environment, or an extension that fails to import, selects
``nn_conv._reference``.  The kernel functions are re-exported here under stable names, so
other code in the package (and its tests) call ``_backend.im2col(...)`` without caring which
implementation is active:

``im2col``, ``col2im``, ``conv2d_gemm_forward``, ``conv2d_gemm_backward_input``,
``conv2d_gemm_backward_weight``, ``columns_to_batch``, ``batch_to_columns``, ``max_pool2d``,
``max_pool2d_backward``, ``avg_pool2d``, ``avg_pool2d_backward``, ``embedding_forward``,
``embedding_backward``, ``embedding_renorm``, ``winograd_input``, ``winograd_output``,
``winograd_grad_output`` (signatures and layouts: ``_kernels.pyx``).

>>> ACTIVE in ("compiled (Cython)", "numpy reference")
True
"""

from __future__ import annotations

import os
from types import ModuleType

from . import _reference

COMPILED = "compiled (Cython)"
REFERENCE = "numpy reference"


def _load() -> tuple[ModuleType, str, str | None]:
    if os.environ.get("NNCORE_NO_EXTENSIONS", "") not in ("", "0"):
        return _reference, REFERENCE, "NNCORE_NO_EXTENSIONS is set"
    try:
        from . import _kernels
    except ImportError as error:
        return _reference, REFERENCE, f"extension failed to import: {error}"
    return _kernels, COMPILED, None


NAMES = (
    "im2col",
    "col2im",
    "conv2d_gemm_forward",
    "conv2d_gemm_backward_input",
    "conv2d_gemm_backward_weight",
    "columns_to_batch",
    "batch_to_columns",
    "max_pool2d",
    "max_pool2d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
    "embedding_forward",
    "embedding_backward",
    "embedding_renorm",
    "winograd_input",
    "winograd_output",
    "winograd_grad_output",
)


def activate(module: ModuleType, description: str) -> None:
    """Route every kernel name of this module to ``module``'s functions (tests, benchmarks).

    Layers look the kernels up here at call time, so this switches them all at once.
    """
    global kernels, ACTIVE
    kernels, ACTIVE = module, description
    globals().update({name: getattr(module, name) for name in NAMES})


def is_compiled() -> bool:
    """True when the compiled extension is in use."""
    return ACTIVE == COMPILED


#: the module whose functions are used, its description, and why the reference was chosen
kernels, ACTIVE, REASON = _load()
conv2d_gemm_forward = conv2d_gemm_backward_input = conv2d_gemm_backward_weight = None
im2col = col2im = columns_to_batch = batch_to_columns = max_pool2d = max_pool2d_backward = None
avg_pool2d = avg_pool2d_backward = embedding_forward = embedding_backward = embedding_renorm = None
winograd_input = winograd_output = winograd_grad_output = None
activate(kernels, ACTIVE)
