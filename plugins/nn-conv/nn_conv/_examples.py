"""All of nn-conv's conformance-kit examples, by short class name."""

from __future__ import annotations

from nncore.testing import Case

from . import _examples_kernels, _examples_numpy


def examples() -> dict[str, list[Case]]:
    return {**_examples_kernels.examples(), **_examples_numpy.examples()}
