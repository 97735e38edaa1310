"""The conformance kit must fail modules that break the contract (each check can fail)."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import Criterion, Module, nn
from nncore.plugin import expect_float, expect_ndim, expect_same_shape, expect_size
from nncore.random import generator
from nncore.testing import Case, check_case, parametrize_with_checks, run_checks


class Scale(Module):
    """``y = w * x`` with a vector parameter; a correct module the mutants below break."""

    parameter_names = ("weight",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.weight = np.empty(size)
        self.grad_weight = np.zeros(size)
        self.reset()

    def reset(self, stdv=None):
        self.weight[...] = generator().uniform(-1, 1, self.weight.shape)
        return self

    def update_output(self, input):
        expect_size(expect_ndim(expect_float(input), (1, 2)), -1, self.weight.size)
        return input * self.weight

    def update_grad_input(self, input, grad_output):
        return grad_output * self.weight

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * (grad_output * input).reshape(-1, self.weight.size).sum(0)


class WrongGradInput(Scale):
    def update_grad_input(self, input, grad_output):
        return grad_output * self.weight * 1.01


class WrongParameterGrad(Scale):
    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += scale * grad_output.reshape(-1, self.weight.size).sum(0)


class Overwrites(Scale):
    """Sets the gradient instead of accumulating it."""

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight[...] = scale * (grad_output * input).reshape(-1, self.weight.size).sum(0)


class NoValidation(Scale):
    def update_output(self, input):
        return np.asarray(input, dtype=float) * self.weight if not isinstance(input, str) else 0


class MutatesInput(Scale):
    def update_output(self, input):
        input *= 1.0 + 1e-3
        return input * self.weight


class BreaksOnBadInput(Scale):
    """Changes its parameters before validating: bad input leaves it damaged."""

    def update_output(self, input):
        self.weight += 1.0
        return super().update_output(input)


class IgnoresDtype(Scale):
    def update_output(self, input):
        return super().update_output(input).astype(np.float64)


class BatchDependent(Scale):
    def update_output(self, input):
        out = super().update_output(input)
        return out - out.mean() if input.ndim == 2 else out


class AddsInItsInputDtype(Scale):
    """Declares it takes any dtype, then adds in the input's: bool ``x + x`` is logical or."""

    accepts = "any"

    def update_output(self, input):
        return (input + input) * self.weight


class DividesByTheBatch(Scale):
    def update_output(self, input):
        return super().update_output(input) * (1 / len(input)) * len(input)


class RefusesNaNRawly(Scale):
    def update_output(self, input):
        if np.isnan(input).any():
            raise ValueError("nan")
        return super().update_output(input)


class NeedsAFeature(Module):
    """Takes any number of features but none: the maximum of nothing is a raw numpy error."""

    def update_output(self, input):
        return input - np.max(expect_float(input), axis=-1, keepdims=True)

    def update_grad_input(self, input, grad_output):
        return grad_output - grad_output.sum(axis=-1, keepdims=True) * (
            input == input.max(axis=-1, keepdims=True)
        )


class ReadsMemoryInOrder(Scale):
    """Reads its input's memory as if it were C-ordered, as a careless compiled kernel would."""

    def update_output(self, input):
        x = expect_float(input)
        in_memory_order = np.frombuffer(x.tobytes(order="A"), x.dtype)
        return in_memory_order.reshape(x.shape) * self.weight


class ReadsWeightAsContiguous(Scale):
    """Reads its weight's memory as if it were contiguous."""

    def update_output(self, input):
        weight = np.lib.stride_tricks.as_strided(self.weight, strides=(self.weight.itemsize,))
        return expect_float(input) * weight


class OwnForward(Scale):
    """Calls its own update_output, skipping the dtype policy."""

    def forward(self, input):
        self.output = self.update_output(input)
        return self.output


class OwnBackward(Scale):
    """Skips the checks backward makes on grad_output."""

    def backward(self, input, grad_output, scale=1.0):
        self.acc_grad_parameters(input, grad_output, scale)
        self.grad_input = self.update_grad_input(input, grad_output)
        return self.grad_input


class CopiesOnEveryConversion(Scale):
    def type(self, dtype):
        self.weight = self.weight.astype(dtype)
        self.grad_weight = self.grad_weight.astype(dtype)
        self._dtype = np.dtype(dtype)
        return self


class Unannotated(Scale):
    """Takes its size unannotated, so nothing checks it: ``Unannotated("4")`` fails in numpy."""

    def __init__(self, size):
        super().__init__(size)


class HalfLoss(Criterion):
    def update_output(self, input, target):
        expect_same_shape(target, expect_float(input), "target", "input")
        return float(np.sum((input - target) ** 2))

    def update_grad_input(self, input, target):
        return input - target  # the true gradient is 2 * (input - target)


def case_of(module, **options):
    return Case(module, input_shape=(3, 4), batched=True, **options)


def failed(case):
    return {r.check for r in run_checks(case) if r.status == "failed"}


def test_a_correct_module_passes_every_check():
    check_case(case_of(Scale(4)))


@pytest.mark.parametrize(
    "module, expected",
    [
        (WrongGradInput(4), "check_input_jacobian"),
        (WrongParameterGrad(4), "check_parameter_jacobian"),
        (Overwrites(4), "check_backward_scale"),
        (NoValidation(4), "check_bad_input"),
        (MutatesInput(4), "check_forward"),
        (BreaksOnBadInput(4), "check_bad_input"),
        (IgnoresDtype(4), "check_float32"),
        (BatchDependent(4), "check_batch"),
        (AddsInItsInputDtype(4), "check_input_dtypes"),
        (DividesByTheBatch(4), "check_empty_batch"),
        (RefusesNaNRawly(4), "check_non_finite"),
        (NeedsAFeature(), "check_wrong_shapes"),
        (ReadsMemoryInOrder(4), "check_memory_layouts"),
        (ReadsWeightAsContiguous(4), "check_memory_layouts"),
        (OwnForward(4), "check_mixed_float"),
        (OwnBackward(4), "check_backward_before_forward"),
        (OwnBackward(4), "check_grad_output_shape"),
        (CopiesOnEveryConversion(4), "check_same_dtype_conversion"),
        (Unannotated(4), "check_constructor_arguments"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Module) else v,
)
def test_each_broken_module_fails_its_check(module, expected):
    assert expected in failed(case_of(module))


def test_a_wrong_criterion_gradient_fails():
    case = Case(HalfLoss(), input_shape=(3, 2), target=lambda rng, x: rng.standard_normal(x.shape))
    assert failed(case) == {"check_input_jacobian"}


def test_check_case_lists_every_failure():
    with pytest.raises(AssertionError, match="check_input_jacobian"):
        check_case(case_of(WrongGradInput(4)))


def test_skip_is_reported_with_its_reason():
    case = case_of(WrongGradInput(4), skip={"check_input_jacobian": "known"})
    skipped = [r for r in run_checks(case) if r.status == "skipped"]
    assert [(r.check, r.message) for r in skipped] == [("check_input_jacobian", "known")]


@parametrize_with_checks([case_of(Scale(4))], expected_failed_checks={})
def test_third_party_style(case, check):
    check(case)


@parametrize_with_checks(
    [case_of(WrongGradInput(4))],
    expected_failed_checks={"check_input_jacobian": "the gradient is deliberately 1 % off"},
)
def test_expected_failures_are_strict_xfails(case, check):
    check(case)


def test_case_requires_a_module_and_an_input():
    with pytest.raises(TypeError, match="Module instance"):
        Case(object(), input_shape=(2,))
    with pytest.raises(TypeError, match="input"):
        Case(Scale(2))


def test_the_layout_check_keeps_shared_parameters_shared():
    # the check rebinds parameters to strided arrays of the same values: a parameter shared by
    # two modules must stay one array, or the network's parameters are no longer the same
    from nncore.testing.checks import check_memory_layouts

    first = Scale(4)
    tied = nn.Sequential().add(first).add(first.clone("weight", "grad_weight"))
    check_memory_layouts(Case(tied, input_shape=(3, 4), batched=True))
