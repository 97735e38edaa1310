"""Conformance-kit examples for nn-basic's shape and reduction layers."""

from __future__ import annotations

from nncore.testing import Case


def examples() -> dict[str, list[Case]]:
    return {}
