"""A failing or killed rank ends the whole job quickly; a layout that differs between ranks is
the same clear error on every rank."""

from __future__ import annotations

import time

import pytest


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("layout", "expected every rank to hold the network of rank 0"),
        ("unflattened", "rank 1: expected the network's parameters to be views into one flat"),
    ],
)
def test_every_rank_refuses_a_network_that_differs(mpirun, kind, expected):
    done = mpirun(2, "mismatch", kind)
    assert done.returncode != 0
    for rank in (0, 1):
        assert f"rank {rank}: ParameterLayoutError: " in done.stdout, done.stdout
    assert done.stdout.count(expected) == 2, done.stdout


def test_an_exception_on_one_rank_ends_the_job_with_its_message(mpirun):
    started = time.monotonic()
    done = mpirun(2, "failure", "raise", timeout=30)
    assert time.monotonic() - started < 30
    assert done.returncode != 0
    assert "[rank 1] RuntimeError: rank 1 fails on purpose" in done.stderr, done.stderr


def test_a_killed_rank_does_not_leave_the_others_waiting(mpirun):
    started = time.monotonic()
    done = mpirun(2, "failure", "kill", timeout=30)  # TimeoutExpired would fail the test
    assert time.monotonic() - started < 30
    assert done.returncode != 0
