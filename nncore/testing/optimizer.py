"""The kit for optimisers (registry kind ``optimizer``): the contract of torch/optim's functions.

An optimiser is a function ``optimizer(opfunc, x, config=None, state=None)``: it calls
``opfunc(x) -> (loss, gradient)``, updates the array ``x`` in place and returns
``(x, [loss, ...])``.  What it remembers between calls lives in the dict ``state`` (``config``
itself when no state is given, as in Torch), as data: numbers, strings, arrays, and lists and
dicts of those, so that ``nncore.save`` writes it and training resumes bit for bit after
``nncore.load``.  The checks run each case on a convex quadratic::

    from nncore.testing import OptimizerCase, parametrize_with_checks
    from my_optim import momentum_sgd

    @parametrize_with_checks([OptimizerCase(momentum_sgd, {"learning_rate": 0.1})])
    def test_conformance(case, check):
        check(case)
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import random as nnrandom
from ._evaluation import SEED

Optimizer = Callable[..., Any]
#: a configuration key no optimiser knows: the kit expects it to be refused
UNKNOWN_KEY = "no_such_option"


@dataclass
class OptimizerCase:
    """An optimisation function and the configuration the kit checks it with.

    Parameters
    ----------
    optimizer:
        The function, ``optimizer(opfunc, x, config=None, state=None) -> (x, [f, ...])``.
    config:
        Its configuration (the kit passes copies).
    steps:
        How many calls the descent check makes on the quadratic.
    dim:
        The number of parameters of the quadratic.
    skip:
        ``{check_name: reason}`` for checks that do not apply.
    name:
        Test id; defaults to the function's name and the configuration.
    """

    optimizer: Optimizer
    config: Mapping[str, Any] = field(default_factory=dict)
    steps: int = 20
    dim: int = 6
    skip: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None

    def __post_init__(self) -> None:
        if not callable(self.optimizer) or isinstance(self.optimizer, type):
            raise TypeError(f"OptimizerCase needs a function, got {self.optimizer!r:.60}")
        if self.name is None:
            options = ",".join(f"{k}={v}" for k, v in self.config.items())
            self.name = f"{getattr(self.optimizer, '__name__', 'optimizer')}({options})"

    def covers(self, target: Any) -> bool:
        """Whether this case checks ``target`` (the registered function)."""
        return self.optimizer is target

    def fresh_config(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.config))


def quadratic(dim: int, dtype: Any = np.float64) -> tuple[Callable[[np.ndarray], Any], np.ndarray]:
    """``(opfunc, x0)`` for ``f(x) = 1/2 sum(a * (x - c)**2)``, a convex quadratic with
    curvatures ``a`` from 1 to 4 and its minimum ``c`` away from the start ``x0 = 0``."""
    a = np.linspace(1.0, 4.0, dim).astype(dtype)
    c = np.linspace(0.5, 1.5, dim).astype(dtype)

    def opfunc(x: np.ndarray) -> tuple[float, np.ndarray]:
        diff = x - c
        return float(0.5 * np.sum(a * diff * diff)), a * diff

    return opfunc, np.zeros(dim, dtype)


def _steps(
    case: OptimizerCase,
    x: np.ndarray,
    config: dict[str, Any],
    state: dict[str, Any] | None,
    steps: int,
) -> list[Any]:
    opfunc, _ = quadratic(case.dim, x.dtype)
    results = []
    for _ in range(steps):
        results.append(case.optimizer(opfunc, x, config, state))
    return results


def check_optimizer_contract(case: OptimizerCase) -> None:
    """``(x, [f, ...])`` comes back with ``x`` the array given, updated in place, same dtype."""
    nnrandom.manual_seed(SEED)
    _, x = quadratic(case.dim)
    before = x.copy()
    (result,) = _steps(case, x, case.fresh_config(), {}, 1)
    assert isinstance(result, tuple) and len(result) >= 2, (
        f"expected (x, [f, ...]), got {result!r:.80}"
    )
    assert result[0] is x, "expected the array given as x back, updated in place"
    losses = result[1]
    assert isinstance(losses, list) and losses, f"expected a list of losses, got {losses!r:.80}"
    assert all(isinstance(f, float) for f in losses), f"expected floats, got {losses!r:.80}"
    assert x.dtype == np.float64 and not np.array_equal(x, before), "x did not change"


def check_optimizer_descends(case: OptimizerCase) -> None:
    """``steps`` calls on the convex quadratic lower its value."""
    nnrandom.manual_seed(SEED)
    opfunc, x = quadratic(case.dim)
    start = opfunc(x)[0]
    _steps(case, x, case.fresh_config(), {}, case.steps)
    end = opfunc(x)[0]
    assert np.isfinite(end) and end < start, f"f went from {start} to {end} in {case.steps} calls"


def check_optimizer_state_round_trip(case: OptimizerCase) -> None:
    """The state saved with ``nncore.save`` and read with ``nncore.load`` resumes bit for bit."""
    from .. import load, save

    nnrandom.manual_seed(SEED)
    _, x = quadratic(case.dim)
    config, state = case.fresh_config(), dict[str, Any]()
    _steps(case, x, config, state, 3)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.nncore"
        save(state, path)
        loaded = load(path)
    _assert_same(loaded, state, "state after load")
    resumed = x.copy()
    nnrandom.manual_seed(SEED + 1)  # both runs draw the same random numbers
    _steps(case, x, config, state, 3)
    nnrandom.manual_seed(SEED + 1)
    _steps(case, resumed, case.fresh_config(), loaded, 3)
    assert np.array_equal(x, resumed), "the run resumed from the loaded state took other steps"
    _assert_same(loaded, state, "state after resuming")


def check_optimizer_state_in_config(case: OptimizerCase) -> None:
    """Without a state, the state lives in ``config`` (Torch's ``optim.sgd(f, x, config)``);
    with one, ``config`` is left as it was."""
    nnrandom.manual_seed(SEED)
    _, x = quadratic(case.dim)
    config, state = case.fresh_config(), dict[str, Any]()
    _steps(case, x, config, state, 3)
    assert _same(config, case.fresh_config()), (
        "the optimiser changed config although a separate state was given"
    )
    nnrandom.manual_seed(SEED)
    _, y = quadratic(case.dim)
    together = case.fresh_config()
    _steps(case, y, together, None, 3)
    assert np.array_equal(x, y), "state=None (kept in config) took other steps than a state"
    for key, value in state.items():
        assert key in together, f"state key {key!r} was not kept in config when state=None"
        _assert_same(together[key], value, f"config[{key!r}]")


def check_optimizer_float32(case: OptimizerCase) -> None:
    """float32 parameters stay float32, and so do the arrays of the state."""
    nnrandom.manual_seed(SEED)
    _, x = quadratic(case.dim, np.float32)
    state: dict[str, Any] = {}
    (result,) = _steps(case, x, case.fresh_config(), state, 1)
    assert result[0] is x and x.dtype == np.float32 and np.all(np.isfinite(x))
    for key, value in _arrays(state):
        if value.dtype.kind == "f":
            assert value.dtype == np.float32, f"state {key} is {value.dtype}, expected float32"


def check_optimizer_unknown_option(case: OptimizerCase) -> None:
    """A configuration key the optimiser does not know is an error naming it."""
    _, x = quadratic(case.dim)
    config = {**case.fresh_config(), UNKNOWN_KEY: 1}
    try:
        _steps(case, x, config, {}, 1)
    except (ValueError, KeyError, TypeError) as error:
        assert UNKNOWN_KEY in str(error), f"the error does not name the key: {error}"
    else:
        raise AssertionError(f"an unknown configuration key {UNKNOWN_KEY!r} was accepted")


def _arrays(value: Any, where: str = "") -> list[tuple[str, np.ndarray]]:
    if isinstance(value, np.ndarray):
        return [(where, value)]
    if isinstance(value, dict):
        return [a for k, v in value.items() for a in _arrays(v, f"{where}.{k}")]
    if isinstance(value, (list, tuple)):
        return [a for i, v in enumerate(value) for a in _arrays(v, f"{where}[{i}]")]
    return []


def _same(a: Any, b: Any) -> bool:
    try:
        _assert_same(a, b, "")
    except AssertionError:
        return False
    return True


def _assert_same(a: Any, b: Any, where: str) -> None:
    """Equal values of equal types, arrays bit for bit (same dtype and shape, NaN where NaN)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} against {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape}"
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f"{where}: values differ"
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), f"{where}: keys {sorted(a)} against {sorted(b)}"
        for key in a:
            _assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{where}: {len(a)} items against {len(b)}"
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _assert_same(u, v, f"{where}[{i}]")
    else:
        assert a == b or (a != a and b != b), f"{where}: {a!r} against {b!r}"


OPTIMIZER_CHECKS: tuple[Callable[[OptimizerCase], None], ...] = (
    check_optimizer_contract,
    check_optimizer_descends,
    check_optimizer_state_round_trip,
    check_optimizer_state_in_config,
    check_optimizer_float32,
    check_optimizer_unknown_option,
)
