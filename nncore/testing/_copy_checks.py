"""The kit's checks of a module's copies and conversions: float32 and back, clone and shared
clone, rebuilding from ``config()``, flattening by ``get_parameters``, save and load."""

from __future__ import annotations

import numpy as np

from ._evaluation import _assert_close, _backward, _copy, _grad_output, _prepare, _run
from .case import Case
from .tables import is_differentiable, leaves


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
