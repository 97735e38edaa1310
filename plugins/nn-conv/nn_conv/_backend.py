"""Which kernels nn-conv runs: the compiled extension, or its pure-numpy twin.

``NNCORE_NO_EXTENSIONS=1`` in the environment, or an extension that fails to import, selects
``nn_conv._reference``.  The kernel functions are re-exported here under stable names, so
other code in the package (and its tests) call ``_backend.im2col(...)`` without caring which
implementation is active:

``im2col``, ``col2im``, ``columns_to_batch``, ``batch_to_columns``, ``max_pool2d``,
``max_pool2d_backward``, ``avg_pool2d``, ``avg_pool2d_backward``, ``embedding_forward``,
``embedding_backward``, ``embedding_renorm`` (signatures and layouts: ``_kernels.pyx``).

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


#: the module whose functions are used, its description, and why the reference was chosen
kernels, ACTIVE, REASON = _load()

im2col = kernels.im2col
col2im = kernels.col2im
columns_to_batch = kernels.columns_to_batch
batch_to_columns = kernels.batch_to_columns
max_pool2d = kernels.max_pool2d
max_pool2d_backward = kernels.max_pool2d_backward
avg_pool2d = kernels.avg_pool2d
avg_pool2d_backward = kernels.avg_pool2d_backward
embedding_forward = kernels.embedding_forward
embedding_backward = kernels.embedding_backward
embedding_renorm = kernels.embedding_renorm


def is_compiled() -> bool:
    """True when the compiled extension is in use."""
    return ACTIVE == COMPILED
