"""Long element-wise updates shared across threads give the numbers one thread gives."""

from __future__ import annotations

import os
import threading

import nn_optim
import numpy as np
import pytest
from nn_optim import _threads
from nn_optim._common import BLOCK, elementwise

from nncore import optim

#: long enough for three threads' parts, and not a multiple of a block
SIZE = 3 * _threads.MIN_PART + 12_345


@pytest.fixture
def threads():
    before = nn_optim.get_num_threads()
    yield nn_optim.set_num_threads
    nn_optim.set_num_threads(before)


def test_split_covers_the_range_on_block_boundaries(threads):
    threads(3)
    parts = _threads.split(SIZE, BLOCK)
    assert len(parts) == 3
    assert parts[0][0] == 0 and parts[-1][1] == SIZE
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))
    assert all(stop % BLOCK == 0 for _, stop in parts[:-1])
    threads(1)
    assert _threads.split(SIZE, BLOCK) == [(0, SIZE)]
    threads(8)
    assert _threads.split(_threads.MIN_PART, BLOCK) == [(0, _threads.MIN_PART)]  # too short


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (
            "sgd",
            {
                "learning_rate": 0.1,
                "momentum": 0.9,
                "weight_decay": 1e-3,
                "nesterov": True,
                "dampening": 0.0,
            },
        ),
        ("adam", {"learning_rate": 0.01}),
        ("rmsprop", {"learning_rate": 0.01}),
        ("adagrad", {"learning_rate": 0.1}),
        ("adadelta", {}),
        ("adamax", {}),
        ("asgd", {"eta0": 0.1}),
        ("nag", {"learning_rate": 0.1, "momentum": 0.9}),
        ("rprop", {}),
    ],
)
def test_three_threads_give_one_threads_numbers_bit_for_bit(threads, name, config):
    rng = np.random.default_rng(5)
    start = rng.standard_normal(SIZE)
    target = rng.standard_normal(SIZE)

    def feval(x):
        return float(0.5 * np.dot(x - target, x - target)), (x - target) * 1.5

    def three_steps(n):
        threads(n)
        x, state = start.copy(), {}
        for _ in range(3):
            getattr(optim, name)(feval, x, dict(config), state)
        return x

    assert np.array_equal(three_steps(1), three_steps(3))


def test_an_error_in_any_part_is_raised_after_every_part_has_run(threads):
    threads(3)
    x = np.zeros(SIZE)
    parts = _threads.split(SIZE, BLOCK)

    def failing(xs, tmp):
        xs += 1.0
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("the caller's block")

    with pytest.raises(RuntimeError, match="the caller's block"):
        elementwise(failing, [x])
    # the caller stopped at its first block; the workers' parts were all done on return
    assert np.all(x[: parts[0][0] + BLOCK] == 1.0) and np.all(x[parts[1][0] :] == 1.0)
    assert np.all(x[BLOCK : parts[0][1]] == 0.0)
    elementwise(lambda xs, tmp: np.add(xs, 1.0, out=xs), [x])  # the pool is still usable
    assert np.all(x[parts[1][0] :] == 2.0)


def test_errstate_of_the_caller_holds_in_the_workers(threads):
    threads(3)
    x = np.zeros(SIZE)
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        elementwise(lambda xs, tmp: np.divide(1.0, xs, out=xs), [x])


def test_non_contiguous_arrays_are_updated_in_the_caller(threads):
    threads(3)
    x = np.zeros((SIZE, 2))[:, 0]
    names = set()

    def update(xs, tmp):
        names.add(threading.current_thread().name)
        xs += 1.0

    elementwise(update, [x])
    assert np.all(x == 1.0) and names == {threading.current_thread().name}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_a_forked_child_starts_its_own_workers(threads):
    threads(2)
    x = np.zeros(SIZE)
    elementwise(lambda xs, tmp: np.add(xs, 1.0, out=xs), [x])  # the parent's worker exists
    pid = os.fork()
    if pid == 0:  # the child: updates through fresh workers, then reports by its exit status
        try:
            elementwise(lambda xs, tmp: np.add(xs, 1.0, out=xs), [x])
            os._exit(0 if np.all(x == 2.0) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
