"""The checks of the conformance kit: plain ``check_*(case)`` functions raising AssertionError.

Every check works on fresh deep copies of the case's module and re-seeds ``nncore.random``
before each forward, so stochastic modules (Dropout) draw the same numbers in every evaluation
and can be differentiated numerically.  The kit never names a module class: what applies to a
module is decided from what it declares (parameters, ``Criterion``, ``Case.batched``, ...).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import random as nnrandom
from .._location import repr_line
from .._module import Module
from .case import Case
from .construction import check_constructor_arguments
from .hostile import (
    assert_clear_error,
    check_backward_before_forward,
    check_empty_batch,
    check_grad_output_shape,
    check_input_dtypes,
    check_mixed_float,
    check_non_finite,
    check_same_dtype_conversion,
    check_wrong_shapes,
)
from .tables import is_differentiable, is_table, leaves, map_leaves, map_leaves2, structure

SEED = 20161
Check = Callable[[Case], None]


# ----------------------------------------------------------------------------- helpers
def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(SEED + salt)


def _run(module: Module, input: Any, target: Any = None) -> Any:
    """One seeded evaluation on a copy of ``input`` (in-place modules must not change the
    kit's arrays): the output of a module, or the loss of a criterion."""
    nnrandom.manual_seed(SEED)
    if target is None:
        return module.forward(_copy(input))
    return module.forward(_copy(input), _copy(target))  # type: ignore[call-arg]


def _copy(value: Any) -> Any:
    return copy.deepcopy(value)


def _dot(a: Any, b: Any) -> float:
    """Sum over leaves of ``sum(a * b)``: the scalar whose gradient backward computes."""
    return float(
        sum(
            np.sum(np.asarray(x) * np.asarray(y))
            for x, y in zip(leaves(a), leaves(b), strict=False)
        )
    )


def _assert_close(actual: Any, expected: Any, rtol: float, atol: float, what: str) -> None:
    def compare(a: Any, e: Any) -> None:
        a_arr, e_arr = np.asarray(a), np.asarray(e)
        if a_arr.shape != e_arr.shape:
            raise AssertionError(f"{what}: shape {a_arr.shape} != expected {e_arr.shape}")
        np.testing.assert_allclose(a_arr, e_arr, rtol=rtol, atol=atol, err_msg=what)

    map_leaves2(compare, actual, expected)


def _prepare(case: Case, dtype: Any = np.float64) -> tuple[Module, Any, Any]:
    """A fresh module converted to ``dtype``, and the case's input and target in that dtype."""
    module = case.fresh_module().type(dtype)
    input = _cast(case.make_input(_rng()), dtype)
    target = _cast(case.make_target(_rng(1), input), dtype) if case.is_criterion else None
    return module, input, target


def _cast(value: Any, dtype: Any) -> Any:
    return map_leaves(lambda leaf: leaf.astype(dtype) if is_differentiable(leaf) else leaf, value)


def _backward(
    case: Case, module: Module, input: Any, target: Any, grad_output: Any, scale: float = 1.0
) -> Any:
    if case.is_criterion:
        return module.backward(_copy(input), _copy(target))
    return module.backward(_copy(input), _copy(grad_output), scale)


def _objective(case: Case, module: Module, input: Any, target: Any, grad_output: Any) -> float:
    """The scalar a finite difference differentiates: the loss, or <output, grad_output>."""
    result = _run(module, input, target)
    return float(result) if case.is_criterion else _dot(result, grad_output)


def numeric_gradient(fn: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``fn()`` with respect to every element ``a`` of
    ``array``: ``(fn() with a + eps - fn() with a - eps) / (2 * eps)``.  ``fn`` must read
    ``array``, which is changed in place and restored."""
    gradient = np.zeros(array.shape)
    # index ``array`` itself: ``reshape(-1)`` would copy a non-contiguous (transposed) input
    for j in np.ndindex(array.shape):
        original = array[j]
        array[j] = original + eps
        plus = fn()
        array[j] = original - eps
        minus = fn()
        array[j] = original
        gradient[j] = (plus - minus) / (2 * eps)
    return gradient


def _assert_differences(
    case: Case,
    module: Module,
    input: Any,
    target: Any,
    grad_output: Any,
    array: np.ndarray,
    analytic: np.ndarray,
    what: str,
) -> None:
    """``analytic``, the gradient of the objective with respect to ``array``, matches its
    central differences."""
    numeric = numeric_gradient(
        lambda: _objective(case, module, input, target, grad_output), array, case.eps
    )
    _assert_close(
        analytic, numeric, case.rtol, case.atol, f"{what} differs from finite differences"
    )


def _grad_output(case: Case, module: Module, input: Any) -> Any:
    if case.is_criterion:
        return None
    return case.make_grad_output(_rng(2), _run(module, input), module.dtype)


def _forwarded(case: Case) -> tuple[Module, Any, Any, Any]:
    """The prepared module after a forward on the input, its gradients zeroed: the module, the
    input, the target and the grad_output to go backward with."""
    module, input, target = _prepare(case)
    grad_output = _grad_output(case, module, input)
    _run(module, input, target)
    module.zero_grad_parameters()
    return module, input, target, grad_output


def _param_values(module: Module) -> list[np.ndarray]:
    return [p.copy() for p in module.parameters()[0]]


# ----------------------------------------------------------------------------- checks
def check_forward(case: Case) -> None:
    """The output is finite, repeatable, and the input is left unchanged (unless in place)."""
    module, input, target = _prepare(case)
    original = _copy(input)
    nnrandom.manual_seed(SEED)
    first = _copy(module.forward(input) if target is None else module.forward(input, target))  # type: ignore[call-arg]
    second = _run(module, original, target)
    for leaf in leaves(first):
        assert np.all(np.isfinite(leaf)), f"non-finite output {leaf}"
    _assert_close(second, first, 0, 0, "a second forward on the same input differs")
    if not getattr(module, "inplace", False):
        _assert_close(input, original, 0, 0, "forward changed its input")


def check_input_jacobian(case: Case) -> None:
    """backward's grad_input matches central differences, for every floating input leaf."""
    module, input, target, grad_output = _forwarded(case)
    grad_input = _backward(case, module, input, target, grad_output)
    if is_table(input):
        assert is_table(grad_input) and structure(grad_input) == structure(input), (
            f"grad_input {structure(grad_input)} must have the structure of input "
            f"{structure(input)}"
        )
    for k, (leaf, grad_leaf) in enumerate(zip(leaves(input), leaves(grad_input), strict=False)):
        if not is_differentiable(leaf):
            continue
        analytic = np.array(grad_leaf, dtype=np.float64, copy=True)
        what = f"grad_input (input leaf {k})"
        _assert_differences(case, module, input, target, grad_output, leaf, analytic, what)


def check_parameter_jacobian(case: Case) -> None:
    """Accumulated parameter gradients match central differences, for every parameter."""
    module, input, target, grad_output = _forwarded(case)
    _backward(case, module, input, target, grad_output)
    params, grads = module.parameters()
    analytic = [g.copy() for g in grads]
    for k, (param, grad) in enumerate(zip(params, analytic, strict=False)):
        what = f"gradient of parameter {k} {param.shape}"
        _assert_differences(case, module, input, target, grad_output, param, grad, what)


def check_backward_scale(case: Case) -> None:
    """backward(..., scale) accumulates exactly ``scale`` times the gradient, twice -> twice."""
    module, input, target, grad_output = _forwarded(case)
    module.backward(input, grad_output, 1.0)
    once = [g.copy() for g in module.parameters()[1]]
    module.zero_grad_parameters()
    module.backward(input, grad_output, 0.5)
    module.backward(input, grad_output, 1.5)
    for k, (g, g1) in enumerate(zip(module.parameters()[1], once, strict=False)):
        _assert_close(g, 2 * g1, 1e-7, 1e-9, f"gradient {k} does not scale and accumulate")


def check_acc_update(case: Case) -> None:
    """acc_update_grad_parameters(lr) equals zero_grad + acc_grad_parameters + update_parameters."""
    a, input, target = _prepare(case)
    b = copy.deepcopy(a)
    grad_output = _grad_output(case, a, input)
    lr = 0.1
    _run(a, input, target)
    a.zero_grad_parameters()
    a.backward(input, grad_output)
    a.update_parameters(lr)
    _run(b, input, target)
    b.update_grad_input(input, grad_output)
    grads_before = [g.copy() for g in b.parameters()[1]]
    b.acc_update_grad_parameters(input, grad_output, lr)
    for k, (pa, pb) in enumerate(zip(*[m.parameters()[0] for m in (a, b)], strict=False)):
        _assert_close(pb, pa, 1e-7, 1e-9, f"parameter {k} after acc_update_grad_parameters")
    for k, (g, old) in enumerate(zip(b.parameters()[1], grads_before, strict=False)):
        _assert_close(g, old, 0, 0, f"acc_update_grad_parameters changed gradient {k}")


def check_float32(case: Case) -> None:
    """float() computes in float32 close to float64; double() converts back."""
    m64, x64, t64 = _prepare(case)
    y64 = _copy(_run(m64, x64, t64))
    m32, x32, t32 = _prepare(case, np.float32)
    y32 = _run(m32, x32, t32)
    for p in m32.parameters()[0]:
        assert p.dtype == np.float32, f"parameter dtype {p.dtype} after float()"
    if case.is_criterion:
        assert np.isfinite(y32)
    else:
        for leaf in leaves(y32):
            if isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f":
                assert leaf.dtype == np.float32, f"output dtype {leaf.dtype} for float32 input"
    scale = max([float(np.max(np.abs(leaf))) for leaf in leaves(y64) if np.size(leaf)] + [1.0])
    _assert_close(y32, y64, 1e-3, 1e-4 * scale, "float32 output differs from float64")
    grad_output = _grad_output(case, m32, x32)
    grad_input = _backward(case, m32, x32, t32, grad_output)
    for leaf, x in zip(leaves(grad_input), leaves(x32), strict=False):
        if is_differentiable(x):
            assert np.asarray(leaf).dtype == np.float32, f"grad_input dtype {leaf.dtype}"
    m32.double()
    for p in m32.parameters()[0]:
        assert p.dtype == np.float64, f"parameter dtype {p.dtype} after double()"
    _assert_close(_run(m32, x64, t64), y64, 1e-4, 1e-5 * scale, "double() after float()")


def check_clone_share(case: Case) -> None:
    """clone() is an independent equal copy; clone(*names) shares those parameters."""
    module, input, target = _prepare(case)
    expected = _copy(_run(module, input, target))
    twin = module.clone()
    _assert_close(_run(twin, _copy(input), target), expected, 0, 0, "clone's output differs")
    params, _ = module.parameters()
    for p in twin.parameters()[0]:
        assert not any(np.shares_memory(p, q) for q in params), "clone() shares memory"
        p += 1.0
    _assert_close(
        _run(module, _copy(input), target),
        expected,
        0,
        0,
        "changing a clone's parameters changed the original",
    )
    names = sorted({name for m in module.list_modules() for name, _, _ in m.own_parameters()})
    if names:
        shared = module.clone(*names)
        for p in module.parameters()[0]:
            p *= 0.5
        _assert_close(
            _run(shared, _copy(input), target),
            _run(module, _copy(input), target),
            0,
            0,
            f"clone{tuple(names)} does not share parameters",
        )


def check_config(case: Case) -> None:
    """``type(m).from_config(m.config())`` rebuilds the module; with its arrays copied, outputs
    agree."""
    module, input, target = _prepare(case)
    if module.children():
        return  # children are structure, not configuration: rebuilding them is serialization's job
    rebuilt = type(module).from_config(module.config())
    assert repr(rebuilt) == repr(module), f"rebuilt repr {rebuilt!r} != {module!r}"
    for name in module.array_names():
        value = getattr(module, name, None)
        if isinstance(value, np.ndarray):
            setattr(rebuilt, name, value.copy())
    rebuilt.train = module.train
    _assert_close(
        _run(rebuilt, _copy(input), target),
        _run(module, input, target),
        0,
        0,
        "rebuilt module's output differs",
    )


def check_batch(case: Case) -> None:
    """On a batch, output and grad_input equal those of each example alone."""
    if not case.batched:
        return
    module, input, target = _prepare(case)
    grad_output = _grad_output(case, module, input)
    output = _copy(_run(module, input, target))
    grad_input = _copy(_backward(case, module, input, target, grad_output))
    batch = len(leaves(input)[0])
    for i in range(batch):

        def pick(value: Any, i: int = i) -> Any:
            return map_leaves(lambda leaf: leaf[i], value)

        single = _copy(_run(module, pick(input), None if target is None else pick(target)))
        _assert_close(single, pick(output), 1e-9, 1e-10, f"example {i} alone vs in a batch")
        if not case.is_criterion:
            single_grad = _backward(case, module, pick(input), None, pick(grad_output))
            _assert_close(
                single_grad,
                pick(grad_input),
                1e-9,
                1e-10,
                f"grad_input of example {i} alone vs in a batch",
            )


def check_bad_input(case: Case) -> None:
    """Bad input raises a clear error naming the module; the module still works afterwards."""
    module, input, target = _prepare(case)
    expected = _copy(_run(copy.deepcopy(module), input, target))
    for bad in case.default_bad_inputs():
        bad_input, bad_target = bad if case.is_criterion else (bad, None)
        try:
            if case.is_criterion:
                module.forward(bad_input, bad_target)  # type: ignore[call-arg]
            else:
                module.forward(bad_input)
        except (MemoryError, SystemError, RecursionError) as error:
            raise AssertionError(f"bad input {bad!r:.60} crashed: {error!r}") from error
        except Exception as error:
            assert_clear_error(error, module, f"bad input {bad!r:.60}")
        else:
            raise AssertionError(f"no error for bad input {bad!r:.60}")
        _assert_close(
            _run(module, _copy(input), target),
            expected,
            0,
            0,
            "the module is not usable after bad input",
        )


def check_get_parameters(case: Case) -> None:
    """get_parameters flattens every parameter once, keeps values, and is safe to call twice."""
    module, input, target = _prepare(case)
    expected = _copy(_run(module, input, target))
    params, _ = module.parameters()
    flat, grad_flat = module.get_parameters()
    assert flat.shape == grad_flat.shape == (sum(p.size for p in params),)
    again = module.get_parameters()
    assert again[0] is flat and again[1] is grad_flat, "second get_parameters gave new vectors"
    _assert_close(_run(module, _copy(input), target), expected, 0, 0, "flattening changed output")
    for p in module.parameters()[0]:
        assert np.shares_memory(p, flat), "a parameter is not a view of the flat vector"


def check_state_and_mode(case: Case) -> None:
    """clear_state keeps results; evaluate()/training() switch every module; forward still runs."""
    module, input, target = _prepare(case)
    expected = _copy(_run(module, input, target))
    module.clear_state()
    _assert_close(_run(module, _copy(input), target), expected, 0, 0, "output after clear_state")
    module.evaluate()
    assert not any(m.train for m in module.list_modules())
    _run(module, _copy(input), target)
    module.training()
    assert all(m.train for m in module.list_modules())
    assert repr(module).startswith("nn."), f"repr {repr_line(module)!r} should start with 'nn.'"


def check_save_load(case: Case) -> None:
    """save then load gives a module with the same outputs and gradients (registered classes)."""
    import tempfile
    from pathlib import Path

    from .. import load, save

    module, input, target = _prepare(case)
    module.train = case.module.train
    grad_output = _grad_output(case, module, input)
    expected = _copy(_run(module, input, target))
    expected_grad = _copy(_backward(case, module, input, target, grad_output))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "module.nncore"
        save(module, path)
        loaded = load(path)
    assert type(loaded) is type(module) and repr(loaded) == repr(module)
    _assert_close(_run(loaded, _copy(input), target), expected, 0, 0, "output after load")
    _assert_close(
        _backward(case, loaded, input, target, grad_output),
        expected_grad,
        0,
        0,
        "grad_input after load",
    )
    for a, b in zip(loaded.parameters()[0], module.parameters()[0], strict=False):
        assert a.dtype == b.dtype and a.shape == b.shape


def _registered(module: Module) -> bool:
    from .._registry import registry

    return all(any(":" in n for n in registry().names_of(type(m))) for m in module.list_modules())


MODULE_CHECKS: tuple[Check, ...] = (
    check_forward,
    check_input_jacobian,
    check_parameter_jacobian,
    check_backward_scale,
    check_acc_update,
    check_float32,
    check_clone_share,
    check_config,
    check_constructor_arguments,
    check_batch,
    check_bad_input,
    check_get_parameters,
    check_state_and_mode,
    check_save_load,
    check_same_dtype_conversion,
    check_input_dtypes,
    check_mixed_float,
    check_empty_batch,
    check_non_finite,
    check_backward_before_forward,
    check_grad_output_shape,
    check_wrong_shapes,
)
CRITERION_CHECKS: tuple[Check, ...] = (
    check_forward,
    check_input_jacobian,
    check_float32,
    check_clone_share,
    check_config,
    check_constructor_arguments,
    check_bad_input,
    check_state_and_mode,
    check_save_load,
    check_input_dtypes,
    check_mixed_float,
    check_empty_batch,
    check_non_finite,
    check_wrong_shapes,
)


def checks_for(case: Case) -> Iterator[Check]:
    """The checks that apply to a case, decided by what its module declares."""
    registered = _registered(case.module)
    if case.is_criterion:
        yield from (c for c in CRITERION_CHECKS if registered or c is not check_save_load)
        return
    has_parameters = bool(case.module.parameters()[0])
    for check in MODULE_CHECKS:
        if not has_parameters and check in (
            check_parameter_jacobian,
            check_backward_scale,
            check_acc_update,
            check_get_parameters,
            check_same_dtype_conversion,
        ):
            continue
        if check in (check_batch, check_empty_batch) and not case.batched:
            continue
        if check is check_save_load and not registered:
            continue
        yield check
