"""Inputs and targets the conformance examples of several layers share."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case


def distinct_input(shape: tuple[int, ...]):
    """Inputs without ties, so that max pooling is differentiable at them."""

    def make(rng: np.random.Generator) -> np.ndarray:
        return rng.permutation(np.prod(shape)).reshape(shape) / 7.0 - 1.0

    return make


WRONG_NDIM = np.zeros((3, 4))


def batch_cases(module, shape, **kwargs) -> list[Case]:
    """A batched case and a single-example case of the same module."""
    return [
        Case(module, input_shape=shape, batched=True, **kwargs),
        Case(module, input_shape=shape[1:], **kwargs),
    ]


BAD_INPUTS = ["not an array", WRONG_NDIM]


SMOOTHING_KERNEL = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])


WRONG_PLANES = np.zeros((1, 3, 4, 4))


def normalization_cases(cls, batch_shape, single_shape) -> list[Case]:
    """The cases of a local normalization ``cls(n_input_plane, kernel)``: two planes smoothed
    by a 3x3 kernel (batched, and refusing the wrong number of planes), one plane by a 1-D
    kernel."""
    return [
        *batch_cases(cls(2, SMOOTHING_KERNEL), batch_shape, bad_inputs=BAD_INPUTS + [WRONG_PLANES]),
        Case(cls(1, np.ones(3)), input_shape=single_shape),
    ]
