"""SpatialAutoCropMSECriterion: mean squared error against the centre crop of a larger target."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, ShapeError, expect_float, expect_ndim

from .mse_criterion import MSECriterion


class SpatialAutoCropMSECriterion(MSECriterion):
    """MSE between an input ``(C, H, W)`` or ``(batch, C, H, W)`` and the centre ``H x W`` crop
    of a target ``(..., H', W')`` with ``H' >= H``, ``W' >= W``; the crop starts at
    ``(H' - H) // 2, (W' - W) // 2`` (torch/nn ``SpatialAutoCropMSECriterion``).

    >>> import numpy as np
    >>> SpatialAutoCropMSECriterion().forward(np.zeros((1, 1, 1)), np.arange(9.0).reshape(1, 3, 3))
    16.0
    """

    def _crop(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), (3, 4))
        expect_ndim(expect_float(target, "target"), input.ndim, "target")
        (h, w), (th, tw) = input.shape[-2:], target.shape[-2:]
        if target.shape[:-2] != input.shape[:-2] or th < h or tw < w:
            raise ShapeError(
                f"expected target of shape {input.shape[:-2]} + (>= {h}, >= {w}) "
                f"to crop the input's size from, got shape {target.shape}"
            )
        top, left = (th - h) // 2, (tw - w) // 2
        return target[..., top : top + h, left : left + w]

    def update_output(self, input: np.ndarray, target: np.ndarray) -> float:
        return super().update_output(input, self._crop(input, target))

    def update_grad_input(self, input: np.ndarray, target: np.ndarray) -> np.ndarray:
        return super().update_grad_input(input, self._crop(input, target))


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialAutoCropMSECriterion."""
    return [
        Case(
            SpatialAutoCropMSECriterion(),
            input_shape=(2, 1, 2, 3),
            target=lambda rng, x: rng.standard_normal((2, 1, 4, 4)),
            bad_inputs=[("not an array", None), (np.zeros((1, 3, 3)), np.zeros((1, 2, 4)))],
        ),
        Case(
            SpatialAutoCropMSECriterion(size_average=False),
            input_shape=(2, 2, 2),
            target=lambda rng, x: rng.standard_normal((2, 3, 3)),
        ),
    ]
