"""The conformance kit over every example (the optimiser's too); every registered name has
examples."""

from __future__ import annotations

from nncore.testing import parametrize_with_checks, registered_cases

CASES = registered_cases("nn-example-plugin")


@parametrize_with_checks([case for _, case in CASES if case is not None])
def test_conformance(case, check):
    check(case)


def test_every_registered_class_has_examples():
    assert {name for name, _ in CASES} == {
        "nn-example-plugin:Swish",
        "nn-example-plugin:Linear",
        "nn-example-plugin:signsgd",
    }
    assert [name for name, case in CASES if case is None] == []
