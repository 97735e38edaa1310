"""UpSampling: nearest-neighbour or (bi/tri)linear upsampling of a batch of planes or volumes."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_float, expect_ndim

from ._separable import along, bilinear_matrices, selection
from ._spatial import expect_grad_shape

#: torch/nn's names of the two modes
MODES: dict[str | None, str] = {
    None: "nearest",
    "nearest": "nearest",
    "linear": "linear",
    "bilinear": "linear",
    "trilinear": "linear",
}


class UpSampling(Module):
    """Upsampling of ``(N, C, H, W)`` planes or ``(N, C, D, H, W)`` volumes (torch/nn
    ``UpSampling``).

    ``params`` is an integer scale factor ``s``: every spatial size is multiplied by ``s``.  In
    ``"linear"`` mode (``"bilinear"`` and ``"trilinear"`` mean the same) it may instead be the
    output size, ``{"oheight": h, "owidth": w}`` with ``"odepth"`` for volumes.
    ``"nearest"`` (the default) copies ``x[..., i // s, j // s]``; ``"linear"`` interpolates
    with aligned corners: output position ``i`` samples input position
    ``i * (n - 1) / (out - 1)``.  The map is one matrix per spatial axis, so the backward pass
    applies the transposed matrices.  As in torch/nn the input is always a batch: 4 dimensions
    are planes, 5 are volumes.

    >>> import numpy as np
    >>> UpSampling(2).forward(np.array([[[[1.0, 2.0]]]]))
    array([[[[1., 1., 2., 2.],
             [1., 1., 2., 2.]]]])
    >>> UpSampling({"oheight": 1, "owidth": 3}, "linear").forward(np.array([[[[0.0, 4.0]]]]))
    array([[[[0., 2., 4.]]]])
    """

    def __init__(self, params: Any, mode: str | None = "nearest") -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"expected a mode among {sorted(m for m in MODES if m)}, got {mode!r}")
        self.mode = MODES[mode]
        self.scale_factor: int | None = None
        self.odepth: int | None = None
        self.oheight: int | None = None
        self.owidth: int | None = None
        if isinstance(params, dict):
            if self.mode == "nearest":
                raise ValueError("nearest-neighbour upsampling requires a scale factor")
            if params.get("oheight") is None or params.get("owidth") is None:
                raise ValueError(f"expected oheight and owidth, got {params!r}")
            self.oheight, self.owidth = int(params["oheight"]), int(params["owidth"])
            self.odepth = None if params.get("odepth") is None else int(params["odepth"])
        elif params < 1 or int(params) != params:
            raise ValueError(f"expected a positive integer scale factor, got {params}")
        else:
            self.scale_factor = int(params)

    def _matrices(self, shape: tuple[int, ...]) -> list[np.ndarray]:
        """One ``(out, in)`` matrix per spatial axis of a batch of ``shape``."""
        sizes = shape[2:]
        if self.scale_factor is not None:
            s = self.scale_factor
            if self.mode == "nearest":
                return [selection(np.arange(n * s) // s, n) for n in sizes]
            return bilinear_matrices(shape, [n * s for n in sizes])
        if len(sizes) == 3 and self.odepth is None:
            raise ShapeError(
                f"expected planes (4 dimensions) for a module without odepth, got shape {shape}"
            )
        outs = [self.odepth, self.oheight, self.owidth][3 - len(sizes) :]
        return bilinear_matrices(shape, [int(o or 0) for o in outs])

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x = expect_ndim(expect_float(input), (4, 5))
        return along(x, self._matrices(x.shape))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x = expect_ndim(expect_float(input), (4, 5))
        matrices = self._matrices(x.shape)
        g = expect_grad_shape(grad_output, x.shape[:2] + tuple(m.shape[0] for m in matrices))
        return along(g, matrices, transpose=True)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return f"{self.scale_factor}x, {self.mode}"
        sizes = [self.odepth, self.oheight, self.owidth]
        return "x".join(str(s) for s in sizes if s is not None) + f", {self.mode}"


def examples() -> list[Case]:
    """The conformance kit's cases for UpSampling."""
    bad = ["not an array", np.zeros((2, 3, 4))]
    return [
        Case(UpSampling(2), input_shape=(2, 2, 2, 3), bad_inputs=bad),
        Case(UpSampling(2, "bilinear"), input_shape=(1, 2, 3, 2)),
        Case(UpSampling(2, "trilinear"), input_shape=(1, 2, 2, 2, 3)),
        Case(UpSampling(3), input_shape=(1, 1, 2, 1, 2)),
        Case(UpSampling({"oheight": 4, "owidth": 3}, "linear"), input_shape=(2, 1, 2, 2)),
        Case(
            UpSampling({"odepth": 3, "oheight": 1, "owidth": 4}, "linear"),
            input_shape=(1, 2, 2, 2, 2),
        ),
    ]
