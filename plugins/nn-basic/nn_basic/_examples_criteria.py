"""Conformance-kit examples for nn-basic's criteria."""

from __future__ import annotations

from nncore.testing import Case

from .mse_criterion import MSECriterion


def examples() -> dict[str, list[Case]]:
    return {
        "MSECriterion": [
            Case(MSECriterion(), input_shape=(4, 3),
                 target=lambda rng, x: rng.standard_normal(x.shape),
                 bad_inputs=[("not an array", None)]),
            Case(MSECriterion(size_average=False), input_shape=(5,),
                 target=lambda rng, x: rng.standard_normal(x.shape)),
        ],
    }
