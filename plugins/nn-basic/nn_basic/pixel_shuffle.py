"""PixelShuffle: trades channels for resolution (sub-pixel convolution)."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case, Module, ShapeError, expect_ndim

from ._reduce import expect_shape


class PixelShuffle(Module):
    """``(C*r*r, H, W) -> (C, H*r, W*r)``, batch first allowed (torch/nn ``PixelShuffle``).

    With ``r = upscale_factor``: ``y[c, h*r + i, w*r + j] = x[c*r*r + i*r + j, h, w]``.
    Gradient: the inverse rearrangement of ``dy``.

    >>> import numpy as np
    >>> PixelShuffle(2).forward(np.arange(4.0).reshape(4, 1, 1))
    array([[[0., 1.],
            [2., 3.]]])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def _sizes(self, input: np.ndarray) -> tuple[int, int, int, int]:
        """Batch (1 for a single image), output channels, input height and width."""
        expect_ndim(input, (3, 4))
        batch = input.shape[0] if input.ndim == 4 else 1
        planes, height, width = input.shape[-3:]
        if planes % self.upscale_factor**2:
            raise ShapeError(
                f"expected a number of planes divisible by {self.upscale_factor**2}, "
                f"got shape {input.shape}"
            )
        return batch, planes // self.upscale_factor**2, height, width

    def update_output(self, input: np.ndarray) -> np.ndarray:
        batch, channels, height, width = self._sizes(input)
        r = self.upscale_factor
        grid = input.reshape(batch, channels, r, r, height, width).transpose(0, 1, 4, 2, 5, 3)
        shape = (channels, height * r, width * r)
        return grid.reshape(shape if input.ndim == 3 else (batch, *shape))

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        batch, channels, height, width = self._sizes(input)
        r = self.upscale_factor
        shape = (channels, height * r, width * r)
        grad = expect_shape(grad_output, shape if input.ndim == 3 else (batch, *shape))
        grid = grad.reshape(batch, channels, height, r, width, r).transpose(0, 1, 3, 5, 2, 4)
        return grid.reshape(input.shape)

    def extra_repr(self) -> str:
        return str(self.upscale_factor)


def examples() -> list[Case]:
    """The conformance kit's cases for PixelShuffle."""
    return [
        Case(PixelShuffle(2), input_shape=(8, 2, 3)),
        Case(PixelShuffle(2), input_shape=(2, 4, 3, 2), batched=True),
    ]
