"""docs/nngraph.md's examples run as doctests."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "nngraph.md"


@pytest.mark.skipif(not GUIDE.exists(), reason="the repository's docs are not alongside")
def test_user_guide_examples():
    result = doctest.testfile(
        str(GUIDE),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} doc examples failed"
