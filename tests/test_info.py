"""Class descriptions and the generated docs/modules.md."""

from __future__ import annotations

from pathlib import Path

import pytest

import nncore
from nncore.cli.info import info, modules_markdown


def test_info_describes_a_class():
    described = info("Linear")
    assert described.qualified == "nn-basic:Linear" and described.kind == "module"
    assert described.signature == "(input_size, output_size, bias=True)"
    assert "Affine map" in described.summary
    assert "nn-basic:Linear" in str(described)
    with pytest.raises(nncore.UnknownNameError):
        info("NoSuchLayer")


def test_docs_modules_md_is_generated_from_the_registry():
    path = Path(__file__).parents[1] / "docs" / "modules.md"
    assert path.read_text() == modules_markdown(), (
        "docs/modules.md is stale: run `python -m nncore.cli.info > docs/modules.md`"
    )


def test_every_registered_first_party_class_is_documented():
    table = modules_markdown()
    for entry in nncore.registry().list():
        if entry.distribution in {"nn-basic", "nn-table", "nn-conv", "nn-graph", "nn-optim"}:
            assert f"| `{entry.name}` |" in table
            assert info(entry.qualified).summary, f"{entry.qualified} has no docstring summary"
