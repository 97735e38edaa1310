"""Inputs and targets the conformance examples of several layers share."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nncore.plugin import Case

W3 = np.array([0.5, 2.0, 1.0])


BAD_CLASSES = [
    ("not an array", None),
    (np.zeros((2, 3)), np.array([0, 3])),
    (np.zeros((2, 3)), np.array([0.5, 1.0])),
    (np.zeros((2, 3)), np.array([0, 1, 2])),
]


def normal_like(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.standard_normal(x.shape)


def random_classes(rng: np.random.Generator, x: np.ndarray) -> np.ndarray | int:
    """One 0-based class per row of a (batch, classes) input, or an int for a single example."""
    if x.ndim == 1:
        return int(rng.integers(0, x.shape[0]))
    return rng.integers(0, x.shape[-1], size=(x.shape[0],))


def sign_targets(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.choice([-1.0, 1.0], size=np.shape(x))


def bit_targets(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.integers(0, 2, size=x.shape).astype(float)


def equal_pair(*shape: int) -> Callable[[np.random.Generator], list[np.ndarray]]:
    return lambda rng: [rng.standard_normal(shape), rng.standard_normal(shape)]


def positive_input(*shape: int):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def normal_pair(shape_a: tuple[int, ...], shape_b: tuple[int, ...]):
    return lambda rng: [rng.standard_normal(shape_a), rng.standard_normal(shape_b)]


def pointwise_cases(module, inplace=None, shape=(3, 4)) -> list[Case]:
    """A batch and a 3-D input out of place; one in-place case when the layer has the mode
    (the kit copies input and grad_output before each call, so in-place cases run every
    check)."""
    cases = [
        Case(module, input_shape=shape, batched=True),
        Case(module, input_shape=(2, 2, 3), batched=True, name=f"{module!r} 3-D"),
    ]
    if inplace is not None:
        cases.append(Case(inplace, input_shape=shape, batched=True))
    return cases


def spread_input(rng: np.random.Generator) -> np.ndarray:
    """Inputs away from 0 and from +-0.5, +-1 (the kinks of the shrink and clip layers)."""
    magnitude = rng.uniform(0.1, 3.0, (3, 4))
    magnitude[np.abs(magnitude - 0.5) < 0.05] += 0.2
    magnitude[np.abs(magnitude - 1.0) < 0.05] += 0.2
    return magnitude * rng.choice([-1.0, 1.0], (3, 4))
