"""The conformance kit over every class the registry finds, with every example it declares."""

from __future__ import annotations

import pytest

from nncore.testing import parametrize_with_checks, registered_cases

REGISTERED = registered_cases()


@parametrize_with_checks([case for _, case in REGISTERED if case is not None])
def test_conformance(case, check):
    check(case)


@pytest.mark.parametrize("qualified", sorted({q for q, _ in REGISTERED}))
def test_every_registered_class_has_an_example(qualified):
    cases = [case for name, case in REGISTERED if name == qualified and case is not None]
    assert cases, f"{qualified} is registered but its plugin gives no conformance example"
