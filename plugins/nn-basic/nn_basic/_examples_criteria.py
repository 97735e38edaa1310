"""Conformance-kit examples for nn-basic's criteria."""

from __future__ import annotations

import numpy as np

from nncore.testing import Case

from .class_nll_criterion import ClassNLLCriterion
from .mse_criterion import MSECriterion


def _same(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.standard_normal(x.shape)


def _classes(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """One 0-based class per row of a (batch, classes) input, or an int for a single example."""
    if x.ndim == 1:
        return int(rng.integers(0, x.shape[0]))
    return rng.integers(0, x.shape[-1], size=x.shape[0])


def examples() -> dict[str, list[Case]]:
    return {
        "MSECriterion": [
            Case(MSECriterion(), input_shape=(4, 3), target=_same,
                 bad_inputs=[("not an array", None)]),
            Case(MSECriterion(size_average=False), input_shape=(5,), target=_same),
        ],
        "ClassNLLCriterion": [
            Case(ClassNLLCriterion(), input_shape=(4, 3), target=_classes,
                 bad_inputs=[("not an array", None), (np.zeros((2, 3)), np.array([0, 3])),
                             (np.zeros((2, 3)), np.array([0.5, 1.0])),
                             (np.zeros((2, 3)), np.array([0, 1, 2]))]),
            Case(ClassNLLCriterion(size_average=False), input_shape=(3,), target=_classes),
            Case(ClassNLLCriterion(np.array([0.5, 2.0, 1.0])), input_shape=(5, 3),
                 target=lambda rng, x: np.array([0, 1, 2, 1, 0])),
            Case(ClassNLLCriterion(np.array([0.5, 2.0, 1.0]), False, ignore_index=1),
                 input_shape=(4, 3), target=lambda rng, x: np.array([0.0, 1.0, 2.0, 1.0])),
        ],
    }
