"""The kit's checks of a module in use: a repeatable forward that leaves its input alone, batch
against single examples, a clear error for bad input, ``clear_state`` and train/eval."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .. import random as nnrandom
from .._location import repr_line
from ._evaluation import SEED, _assert_close, _backward, _copy, _grad_output, _prepare, _run
from .case import Case
from .hostile import assert_clear_error
from .tables import leaves, map_leaves


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
