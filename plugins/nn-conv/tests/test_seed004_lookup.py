"""Seed 004's LookupTable cells, translated to 0-based ids.

The notebook builds ``nn.LookupTable(5, 3)``, prints its weight, then looks up ids ``{1, 2, 5}``
and the batch ``{{1, 3}, {4, 5}, {2, 3}}`` (1-based).  Here the weight is set to the printed
values and the same rows are looked up with ids one less.
"""

from __future__ import annotations

import numpy as np

from nncore import nn

PRINTED_WEIGHT = np.array(
    [
        [-0.3408, 0.8594, 1.2139],
        [0.1566, -0.5897, 0.1788],
        [-0.0315, 0.1821, -0.7354],
        [0.1246, 0.2621, -0.0320],
        [1.1030, -0.9798, 0.3587],
    ]
)


def table() -> object:
    lookup = nn.LookupTable(5, 3)
    assert lookup.weight.shape == (5, 3)
    lookup.weight[...] = PRINTED_WEIGHT
    return lookup


def test_lookup_of_a_vector_of_ids():
    out = table().forward(np.array([0, 1, 4]))  # Lua {1, 2, 5}
    np.testing.assert_allclose(
        out,
        [
            [-0.3408, 0.8594, 1.2139],
            [0.1566, -0.5897, 0.1788],
            [1.1030, -0.9798, 0.3587],
        ],
    )


def test_lookup_of_a_batch_of_ids():
    out = table().forward(np.array([[0, 2], [3, 4], [1, 2]]))  # Lua {{1, 3}, {4, 5}, {2, 3}}
    assert out.shape == (3, 2, 3)
    np.testing.assert_allclose(
        out,
        [
            [[-0.3408, 0.8594, 1.2139], [-0.0315, 0.1821, -0.7354]],
            [[0.1246, 0.2621, -0.0320], [1.1030, -0.9798, 0.3587]],
            [[0.1566, -0.5897, 0.1788], [-0.0315, 0.1821, -0.7354]],
        ],
    )


def test_weights_are_standard_normal_by_default():
    weight = nn.LookupTable(2000, 5).weight
    assert abs(weight.mean()) < 0.05 and abs(weight.std() - 1) < 0.05
