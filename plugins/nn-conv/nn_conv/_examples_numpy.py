"""Conformance-kit examples for nn-conv's classes (numpy)."""

from __future__ import annotations

from nncore.testing import Case


def examples() -> dict[str, list[Case]]:
    return {}
