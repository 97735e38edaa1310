"""Floating dtypes modules convert to, including Torch's type names."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InputTypeError

Dtype = Any  # anything np.dtype() accepts, plus Torch's 'torch.FloatTensor' names

_TORCH_TYPE_NAMES = {
    "torch.FloatTensor": np.float32,
    "torch.DoubleTensor": np.float64,
    "float": np.float32,
    "double": np.float64,
}


def as_dtype(dtype: Dtype) -> np.dtype:
    """Turn ``np.float32``, ``"float32"`` or ``"torch.FloatTensor"`` into a floating np.dtype."""
    resolved = np.dtype(_TORCH_TYPE_NAMES.get(dtype, dtype) if isinstance(dtype, str) else dtype)
    if resolved.kind != "f":
        raise InputTypeError(f"module dtype must be a floating type, got {resolved}")
    return resolved
