"""Constructor arguments are checked before ``__init__`` runs: annotations and declared ranges."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import nncore
from nncore import ArgumentError, ArgumentTypeError, Module, nn
from nncore.plugin import MODULE_KINDS, NON_NEGATIVE, POSITIVE, Range
from nncore.testing import Case, run_checks


def test_a_string_where_a_number_is_expected_names_the_class():
    with pytest.raises(ArgumentTypeError) as error:
        nn.Linear("3", 2)
    assert str(error.value) == "nn.Linear: expected input_size to be an int, got '3' (a str)"
    assert isinstance(error.value, TypeError)  # what Python raises for a wrong type
    with pytest.raises(ArgumentTypeError, match="nn.Dropout: expected p to be a real number"):
        nn.Dropout("0.5")
    with pytest.raises(ArgumentTypeError, match=r"nn.CMul: expected size to be int \| tuple"):
        nn.CMul("3")  # int | tuple[int, ...]: no string


def test_a_size_that_must_be_positive_names_the_class():
    with pytest.raises(ArgumentError) as error:
        nn.Linear(0, 2)  # was a ZeroDivisionError from reset()
    assert str(error.value) == "nn.Linear: expected input_size > 0, got 0"
    assert isinstance(error.value, ValueError)
    with pytest.raises(ArgumentError, match="nn.SpatialConvolution: expected kw > 0, got -1"):
        nn.SpatialConvolution(1, 2, -1, 3)
    with pytest.raises(ArgumentError, match="nn.TemporalConvolution: expected dw > 0"):
        nn.TemporalConvolution(4, 2, 3, dw=0)  # a range declared by their common base class


def test_ints_bools_and_reals_are_told_apart():
    assert nn.Linear(np.int64(3), 2).weight.shape == (2, 3)  # numpy's integers are ints
    assert nn.Dropout(np.float32(0.25)).p == pytest.approx(0.25)
    assert nn.Dropout(0).p == 0  # an int is a real number
    with pytest.raises(ArgumentTypeError, match="expected input_size to be an int, got True"):
        nn.Linear(True, 2)
    with pytest.raises(ArgumentTypeError, match=r"expected input_size to be an int, got 3.0 \("):
        nn.Linear(3.0, 2)
    with pytest.raises(ArgumentTypeError, match="expected bias to be a bool, got 1 "):
        nn.Linear(3, 2, bias=1)
    with pytest.raises(ArgumentTypeError, match="expected p to be a real number, got False"):
        nn.Dropout(False)
    assert nn.Linear(3, 2, np.bool_(False)).bias is None


class Gate(Module):
    """No ``from __future__ import annotations`` semantics needed: real types work too."""

    argument_ranges = {"size": POSITIVE, "rate": Range(0, 1, high_open=True)}

    def __init__(self, size: int, rate: float = 0.5, name: str | None = None, *extra: int):
        super().__init__()
        self.size, self.rate, self.name = size, rate, name


Gate.__init__.__annotations__ = {"size": int, "rate": float, "name": str | None, "extra": int}


class WideGate(Gate):
    argument_ranges = {"padding": NON_NEGATIVE}

    def __init__(self, size: int, rate: float = 0.5, padding: int = 0):
        super().__init__(size, rate)
        self.padding = padding


def test_annotations_as_types_ranges_of_subclasses_and_what_is_left_alone():
    with pytest.raises(ArgumentError, match=r"nn.Gate: expected 0 <= rate < 1, got 1"):
        Gate(3, rate=1)
    with pytest.raises(ArgumentTypeError, match="nn.Gate: expected name to be a str or None"):
        Gate(3, 0.5, 7)
    assert Gate(3, 0.5, None, "not checked").name is None  # *args are the constructor's
    with pytest.raises(ArgumentError, match="nn.WideGate: expected size > 0"):
        WideGate(0)  # the base's ranges apply to the subclass's parameters of the same name
    with pytest.raises(ArgumentError, match="nn.WideGate: expected padding >= 0, got -1"):
        WideGate(2, padding=-1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Gate(3, colour="red")  # not a parameter: Python's own error, from __init__
    copy = Gate(3).clone()  # copies are made without arguments
    assert copy.size == 3


def test_every_registered_size_that_must_be_positive_is_refused_clearly():
    """0 and -1 for an int parameter: built, or refused, never a division by zero or numpy's
    complaint about negative dimensions from inside a constructor."""
    raw = []
    registry = nncore.registry()
    for entry in registry.list():
        cases = registry.examples(entry)
        if not cases or entry.kind not in MODULE_KINDS:
            continue
        cls, config = entry.load(), cases[0].module.config()
        for name, parameter in list(inspect.signature(cls.__init__).parameters.items())[1:]:
            if parameter.annotation not in ("int", "int | None") or parameter.kind in (
                parameter.VAR_POSITIONAL,
                parameter.VAR_KEYWORD,
            ):
                continue
            for bad in (0, -1):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        cls.from_config({**config, name: bad})
                except (ArithmeticError, ValueError) as error:
                    text = str(error)
                    if isinstance(error, ArithmeticError) or any(
                        raw_numpy in text
                        for raw_numpy in ("negative dimensions", "math domain error")
                    ):
                        raw.append(f"{entry.qualified}({name}={bad}): {error!r}")
    assert raw == []


def test_the_kit_checks_that_a_string_for_a_number_is_refused():
    results = {r.check: r for r in run_checks(Case(nn.Linear(3, 2), input_shape=(3,)))}
    assert results["check_constructor_arguments"].status == "passed"
