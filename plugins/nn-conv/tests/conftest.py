"""Fixtures of nn-conv's tests."""

from __future__ import annotations

import pytest
from nn_conv import _backend


@pytest.fixture(params=["compiled", "reference"])
def backend(request):
    """Run a test on the compiled kernels and on their numpy twins."""
    saved = _backend.ACTIVE
    if request.param == "compiled":
        if not _backend.is_compiled():
            pytest.skip("the extensions are not built")
    else:
        _backend.activate(_backend.REFERENCE)
    yield request.param
    _backend.activate(saved)
