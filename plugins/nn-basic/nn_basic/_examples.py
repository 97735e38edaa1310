"""All of nn-basic's conformance-kit examples, by short class name."""

from __future__ import annotations

from nncore.testing import Case

from . import (
    _examples_containers,
    _examples_criteria,
    _examples_shape,
    _examples_simple,
    _examples_transfer,
)


def examples() -> dict[str, list[Case]]:
    merged: dict[str, list[Case]] = {}
    for area in (
        _examples_containers, _examples_criteria, _examples_shape, _examples_simple,
        _examples_transfer,
    ):
        merged.update(area.examples())
    return merged
