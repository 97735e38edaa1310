"""The examples in docs/*.md run and print what they show."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[1] / "docs"


@pytest.mark.parametrize("name", ["saving.md", "functional.md", "index.md"])
def test_examples_in_docs(name, tmp_path):
    import numpy as np

    from nncore import nn

    result = doctest.testfile(
        str(DOCS / name),
        module_relative=False,
        globs={"tmp": tmp_path, "np": np, "nn": nn},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0 and result.failed == 0
