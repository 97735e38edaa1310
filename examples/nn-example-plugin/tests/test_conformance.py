"""The conformance kit over every example; every registered class has examples."""

from __future__ import annotations

from nn_example_plugin._examples import examples

from nncore.testing import parametrize_with_checks, registered_cases


@parametrize_with_checks([case for cases in examples().values() for case in cases])
def test_conformance(case, check):
    check(case)


def test_every_registered_class_has_examples():
    found = registered_cases("nn-example-plugin")
    assert {name for name, _ in found} == {"nn-example-plugin:Swish", "nn-example-plugin:Linear"}
    assert [name for name, case in found if case is None] == []
