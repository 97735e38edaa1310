"""Checks that nothing goes silently wrong: dtypes, empty batches, non-finite values, misuse.

Each check feeds a module something a real program will sooner or later feed it and accepts
exactly two outcomes: the right answer, or a clear error (an nncore error that names the module
and says what it expected).  A raw numpy exception, a crash or a plausible wrong number fails.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import numpy as np

from .. import random as nnrandom
from .._module import Module
from ..errors import InputTypeError, NNCoreError, ShapeError, StateError
from ._evaluation import SEED, _rng
from .case import Case
from .tables import is_differentiable, is_table, leaves, map_leaves


@contextmanager
def _quiet() -> Iterator[None]:
    """Hostile values make numpy warn (overflow, mean of nothing): the results are checked."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def message_of(error: BaseException) -> str:
    """What a user reads: the message and any notes added on the way out."""
    return "\n".join([str(error), *getattr(error, "__notes__", ())])


def assert_clear_error(error: BaseException, module: Module, what: str) -> None:
    """``error`` is an nncore error naming ``module`` and saying what was expected."""
    message = message_of(error)
    name = type(module).__name__
    assert isinstance(error, NNCoreError), (
        f"{what} raised {type(error).__name__} ({message!r}), not a clear nncore error"
    )
    assert name in message, f"{what}: the error does not name {name}: {message!r}"
    assert "expected" in message.lower(), f"{what}: the error does not say what was expected"


def _prepared(case: Case) -> tuple[Module, Any, Any]:
    module = case.fresh_module()
    input = map_leaves(
        lambda leaf: leaf.astype(module.dtype) if is_differentiable(leaf) else leaf,
        case.make_input(_rng()),
    )
    target = case.make_target(_rng(1), input) if case.is_criterion else None
    if target is not None:
        target = map_leaves(
            lambda leaf: leaf.astype(module.dtype) if is_differentiable(leaf) else leaf, target
        )
    return module, input, target


def _forward(module: Module, input: Any, target: Any, case: Case) -> Any:
    nnrandom.manual_seed(SEED)
    value = copy.deepcopy(input)
    if case.is_criterion:
        return module.forward(value, copy.deepcopy(target))  # type: ignore[call-arg]
    return module.forward(value)


def _backward(module: Module, input: Any, target: Any, grad_output: Any, case: Case) -> Any:
    value = copy.deepcopy(input)
    if case.is_criterion:
        return module.backward(value, copy.deepcopy(target))
    return module.backward(value, copy.deepcopy(grad_output))


def _grad_like(output: Any, dtype: np.dtype) -> Any:
    rng = _rng(2)
    return map_leaves(lambda leaf: rng.standard_normal(np.shape(leaf)).astype(dtype), output)


def _same(actual: Any, expected: Any, what: str) -> None:
    for a, e in zip(leaves(actual), leaves(expected), strict=True):
        if isinstance(e, np.ndarray) or isinstance(a, np.ndarray):
            assert np.shape(a) == np.shape(e), f"{what}: shape {np.shape(a)} != {np.shape(e)}"
        # a module that only moves values may hand a float16 input's gradient back in float16
        tolerance = 1e-3 if getattr(a, "dtype", None) == np.float16 else 1e-6
        np.testing.assert_allclose(
            np.asarray(a, dtype=np.float64),
            np.asarray(e, dtype=np.float64),
            rtol=tolerance,
            atol=tolerance,
            equal_nan=True,
            err_msg=what,
        )


# ----------------------------------------------------------------------------- dtypes
#: how a floating input becomes each kind of array users pass by accident
INPUT_KINDS = {
    "int64": lambda x: np.round(2 * x).astype(np.int64),
    "uint8": lambda x: np.clip(np.round(2 * np.abs(x)), 0, 255).astype(np.uint8),
    "bool": lambda x: x > 0,
    "float16": lambda x: x.astype(np.float16),
}


def check_input_dtypes(case: Case) -> None:
    """Integer, uint8, bool and float16 inputs (and criteria's targets) give the result of the
    same values cast to the module's dtype (values and gradients), or a clear error."""
    module, input, target = _prepared(case)
    for kind, make in INPUT_KINDS.items():
        if any(is_differentiable(leaf) for leaf in leaves(input)):
            odd = _with_floats(input, make)
            _compare_cast(
                case,
                module,
                (odd, target),
                (_cast_floats(odd, input, module), target),
                f"a {kind} input",
            )
        if case.is_criterion and any(is_differentiable(leaf) for leaf in leaves(target)):
            odd = _with_floats(target, make)
            _compare_cast(
                case,
                module,
                (input, odd),
                (input, _cast_floats(odd, target, module)),
                f"a {kind} target",
            )


def _compare_cast(
    case: Case, module: Module, odd: tuple[Any, Any], cast: tuple[Any, Any], what: str
) -> None:
    """Forward and backward on ``odd`` (input, target) agree with ``cast``, or raise clearly."""
    reference = copy.deepcopy(module)
    try:
        with _quiet():
            expected = copy.deepcopy(_forward(reference, *cast, case))
    except Exception:
        return  # the cast values are not valid either: nothing to compare
    trial = copy.deepcopy(module)
    try:
        with _quiet():
            actual = copy.deepcopy(_forward(trial, *odd, case))
    except Exception as error:
        assert_clear_error(error, trial, what)
        return
    _same(actual, expected, f"output for {what} vs the same values cast")
    grad_output = None if case.is_criterion else _grad_like(expected, module.dtype)
    try:
        with _quiet():
            expected_grad = _backward(reference, cast[0], cast[1], grad_output, case)
    except Exception:
        return
    with _quiet():
        actual_grad = _backward(trial, odd[0], odd[1], grad_output, case)
    _same_grad_input(actual_grad, expected_grad, cast[0], f"{what} vs the same values cast")


def _strided(array: np.ndarray) -> np.ndarray:
    """The same values in every other element of a wider array (a slice such as ``x[:, ::2]``)."""
    if not array.ndim:
        return array
    wide = np.zeros(array.shape[:-1] + (2 * array.shape[-1],), array.dtype)
    wide[..., ::2] = array
    return wide[..., ::2]


#: memory layouts numpy programs hand over all the time, by how the checks name them
LAYOUTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "a Fortran-ordered": np.asfortranarray,
    "a strided": _strided,
}


def check_memory_layouts(case: Case) -> None:
    """Fortran-ordered and strided inputs (numpy's transposes and slices), with a gradient laid
    out alike and parameters rebound to arrays laid out alike (``m.weight = w.T``), give the
    results of the same values in C order: output, input gradient and parameter gradients.  A
    compiled kernel that reads memory as if it were contiguous fails."""
    module, input, target = _prepared(case)
    if not any(is_differentiable(leaf) and leaf.ndim for leaf in leaves(input)):
        return
    reference = copy.deepcopy(module)
    try:
        with _quiet():
            expected = copy.deepcopy(_forward(reference, input, target, case))
            grad_output = None if case.is_criterion else _grad_like(expected, module.dtype)
            expected_grad = copy.deepcopy(_backward(reference, input, target, grad_output, case))
    except Exception:
        return  # the case itself does not compute: check_forward says why
    for layout, lay in LAYOUTS.items():
        what = f"{layout} input and parameters"
        trial = copy.deepcopy(module)
        laid: dict[int, np.ndarray] = {}  # one new array per parameter: sharing is kept
        for part in trial.list_modules():
            for name, param, _ in list(part.own_parameters()):
                setattr(part, name, laid.setdefault(id(param), lay(param)))
        # (no deep copies here: a copy of a strided array is contiguous again)
        odd, odd_target = _with_floats(input, lay), _with_floats(target, lay)
        nnrandom.manual_seed(SEED)
        with _quiet():
            if case.is_criterion:
                actual = trial.forward(odd, odd_target)  # type: ignore[call-arg]
            else:
                actual = trial.forward(odd)
            _same(actual, expected, f"output for {what}")
            if case.is_criterion:
                actual_grad = trial.backward(_with_floats(input, lay), odd_target)
            else:
                actual_grad = trial.backward(
                    _with_floats(input, lay), _with_floats(grad_output, lay)
                )
        _same_grad_input(actual_grad, expected_grad, input, what)
        for got, want in zip(trial.parameters()[1], reference.parameters()[1], strict=True):
            _same(got, want, f"parameter gradient for {what}")


def _same_grad_input(actual: Any, expected: Any, input: Any, what: str) -> None:
    """The input gradients agree for every element of ``input`` that has values (not ids)."""
    pairs = zip(leaves(actual), leaves(expected), leaves(input), strict=False)
    for got, want, original in pairs:
        if is_differentiable(original):
            _same(got, want, f"grad_input for {what}")


def _with_floats(value: Any, make: Callable[[np.ndarray], np.ndarray]) -> Any:
    """``value`` with ``make`` applied to every floating leaf."""
    return map_leaves(lambda leaf: make(leaf) if is_differentiable(leaf) else leaf, value)


def _cast_floats(odd: Any, original: Any, module: Module) -> Any:
    """``odd`` with every leaf that was floating in ``original`` cast to the module's dtype."""
    if is_table(original):
        return [_cast_floats(o, x, module) for o, x in zip(odd, original, strict=True)]
    return odd.astype(module.dtype) if is_differentiable(original) else odd


def check_mixed_float(case: Case) -> None:
    """An input of the other floating dtype is refused with the cast that fixes it, where the
    module computes in its own dtype (``accepts = "float"``)."""
    if "float" not in _policies(case.module):
        return
    module, input, target = _prepared(case)
    other = np.float64 if module.dtype == np.float32 else np.float32
    odd = map_leaves(lambda leaf: leaf.astype(other) if is_differentiable(leaf) else leaf, input)
    if odd is input or not any(is_differentiable(leaf) for leaf in leaves(input)):
        return
    try:
        _forward(module, odd, target, case)
    except InputTypeError as error:
        assert "astype" in message_of(error), f"the error does not say how to cast: {error}"
        assert_clear_error(error, module, f"a {np.dtype(other).name} input")
    except Exception as error:
        assert_clear_error(error, module, f"a {np.dtype(other).name} input")
    else:
        raise AssertionError(
            f"a {np.dtype(other).name} input to a {module.dtype} module computed silently"
        )


def _policies(module: Module) -> set[str]:
    policy = module.accepts
    return set(policy) if isinstance(policy, tuple) else {policy}


# ----------------------------------------------------------------------------- sizes and values
def check_empty_batch(case: Case) -> None:
    """A batch of no examples gives an empty result (and gradient) or a clear error."""
    if not case.batched:
        return
    module, input, target = _prepared(case)
    empty = map_leaves(lambda leaf: leaf[:0] if isinstance(leaf, np.ndarray) else leaf, input)
    if target is not None:
        target = map_leaves(lambda leaf: leaf[:0] if isinstance(leaf, np.ndarray) else leaf, target)
    try:
        with _quiet():
            output = _forward(module, empty, target, case)
    except Exception as error:
        assert_clear_error(error, module, "an empty batch")
        return
    if not case.is_criterion:
        for leaf in leaves(output):
            if isinstance(leaf, np.ndarray) and leaf.ndim:
                assert leaf.shape[0] == 0, f"an empty batch gave an output of shape {leaf.shape}"
    grad_output = None if case.is_criterion else _grad_like(output, module.dtype)
    try:
        with _quiet():
            grad_input = _backward(module, empty, target, grad_output, case)
    except Exception as error:
        assert_clear_error(error, module, "backward on an empty batch")
        return
    for got, x in zip(leaves(grad_input), leaves(empty), strict=False):
        if is_differentiable(x):
            assert np.shape(got) == x.shape, (
                f"grad_input of an empty batch has shape {np.shape(got)}, expected {x.shape}"
            )


def check_non_finite(case: Case) -> None:
    """-inf and NaN in the input (one element, or -inf everywhere) flow through forward and
    backward, or give a clear error; never a raw exception."""
    module, input, target = _prepared(case)
    spots = [leaf for leaf in leaves(input) if is_differentiable(leaf) and leaf.size]
    if not spots:
        return
    for value, everywhere in ((-np.inf, False), (np.nan, False), (-np.inf, True)):
        odd = copy.deepcopy(input)
        for leaf in leaves(odd):
            if is_differentiable(leaf) and leaf.size:
                if everywhere:
                    leaf.fill(value)
                else:
                    leaf.flat[leaf.size // 2] = value
                    break
        what = f"an input {'of' if everywhere else 'holding'} {value}"
        _assert_computed_or_refused(case, module, odd, target, what)


def _assert_computed_or_refused(
    case: Case, module: Module, odd: Any, target: Any, what: str
) -> None:
    """Forward, then backward with a gradient shaped like the output, of a copy of ``module``
    on ``odd``: they compute, or raise a clear error about ``what`` (never a raw one)."""
    trial = copy.deepcopy(module)
    try:
        with _quiet():
            output = _forward(trial, odd, target, case)
            if not case.is_criterion:
                trial.backward(copy.deepcopy(odd), _grad_like(output, module.dtype))
    except Exception as error:
        assert_clear_error(error, trial, what)


def _reshaped(input: Any, batched: bool) -> dict[str, Any]:
    """Inputs of shapes a module may not take: one more dimension, one less, a longer last one,
    and each dimension but the batch's of size 0 (in every array that has it)."""
    first = next((leaf for leaf in leaves(input) if is_differentiable(leaf) and leaf.ndim), None)
    if first is None:
        return {}

    def change(fn: Any) -> Any:
        return (
            map_leaves(lambda leaf: fn(leaf) if leaf is first else leaf, input)
            if is_table(input)
            else fn(input)
        )

    shapes = {
        "one more dimension": change(lambda x: np.stack([x, x])),
        "a longer last dimension": change(lambda x: np.concatenate([x, x[..., :1]], axis=-1)),
    }
    if first.ndim > 1:
        shapes["one dimension less"] = change(lambda x: x[0])
    for axis in range(1 if batched else 0, first.ndim):  # (an empty batch: check_empty_batch)
        shapes[f"dimension {axis} of size 0"] = map_leaves(partial(_emptied, axis=axis), input)
    return shapes


def _emptied(leaf: Any, axis: int) -> Any:
    """``leaf`` cut to size 0 along ``axis`` when it is an array of values that has it."""
    if is_differentiable(leaf) and leaf.ndim > axis:
        return leaf[(slice(None),) * axis + (slice(0, 0),)]
    return leaf


def check_wrong_shapes(case: Case) -> None:
    """Inputs of other shapes are computed or refused with a clear error, never a raw one
    (forward, then backward with a gradient shaped like the output)."""
    module, input, target = _prepared(case)
    for what, odd in _reshaped(input, case.batched).items():
        _assert_computed_or_refused(case, module, odd, target, f"an input with {what}")


# ----------------------------------------------------------------------------- misuse
def check_backward_before_forward(case: Case) -> None:
    """backward on a module that has not run forward is a StateError naming the module."""
    module, input, target = _prepared(case)
    output = _forward(copy.deepcopy(module), input, target, case)
    grad_output = _grad_like(output, module.dtype)
    try:
        module.backward(copy.deepcopy(input), grad_output)
    except StateError as error:
        assert_clear_error(error, module, "backward before forward")
    else:
        raise AssertionError("backward before forward did not raise StateError")


def check_grad_output_shape(case: Case) -> None:
    """A grad_output whose shape differs from the output's is a ShapeError naming the module."""
    module, input, target = _prepared(case)
    output = _forward(module, input, target, case)
    if not isinstance(output, np.ndarray):
        return
    wrong = np.zeros(output.shape + (2,), dtype=module.dtype)
    try:
        module.backward(copy.deepcopy(input), wrong)
    except ShapeError as error:
        assert_clear_error(error, module, "a grad_output of the wrong shape")
    else:
        raise AssertionError(
            f"a grad_output of shape {wrong.shape} for an output of shape "
            f"{output.shape} was accepted"
        )


def check_same_dtype_conversion(case: Case) -> None:
    """Converting to the dtype a module has copies nothing: the flat vectors stay its storage.
    Converting to the other dtype leaves no usable stale vector behind."""
    module, _, _ = _prepared(case)
    flat, grads = module.get_parameters()
    arrays = [
        id(getattr(m, n))
        for m in module.list_modules()
        for n in m.array_names()
        if isinstance(getattr(m, n, None), np.ndarray)
    ]
    module.type(module.dtype)
    if module.dtype == np.float32:
        module.float()
    else:
        module.double()
    again = [
        id(getattr(m, n))
        for m in module.list_modules()
        for n in m.array_names()
        if isinstance(getattr(m, n, None), np.ndarray)
    ]
    assert again == arrays, "converting to the dtype the module has replaced arrays"
    new_flat, new_grads = module.get_parameters()
    assert new_flat is flat and new_grads is grads, "same-dtype conversion re-flattened"
    for p in module.parameters()[0]:
        assert np.shares_memory(p, flat), "a parameter is no longer a view of the flat vector"
    params = module.parameters()[0]
    module.type(np.float32 if module.dtype == np.float64 else np.float64)
    if all(p is q for p, q in zip(params, module.parameters()[0], strict=True)):
        return  # nothing converted (the parameters keep their dtype, as DontCast's do)
    assert not flat.flags.writeable, "a flat vector of replaced parameters is still writeable"
    try:
        flat -= 1
    except ValueError:
        pass
    else:
        raise AssertionError("an update through a stale flat vector was allowed")
    fresh, _ = module.get_parameters()
    assert fresh is not flat and fresh.dtype == module.parameters()[0][0].dtype
