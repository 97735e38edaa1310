"""All of nn-table's conformance-kit examples, by short class name."""

from __future__ import annotations

from nncore.testing import Case

from . import _examples_cmath, _examples_containers, _examples_conversion, _examples_pair


def examples() -> dict[str, list[Case]]:
    merged: dict[str, list[Case]] = {}
    for area in (_examples_cmath, _examples_containers, _examples_conversion, _examples_pair):
        merged.update(area.examples())
    return merged
