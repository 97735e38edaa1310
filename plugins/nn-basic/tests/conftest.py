"""Fixtures of nn-basic's tests."""

from __future__ import annotations

import numpy as np
import pytest

import nncore


@pytest.fixture
def seeded():
    """nncore's random numbers start from the same seed in each test that asks for it."""
    nncore.manual_seed(1234)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(4)
