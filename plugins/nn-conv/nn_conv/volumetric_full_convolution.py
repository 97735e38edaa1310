"""VolumetricFullConvolution: 3-D transposed convolution."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._convolution import TransposedConvolution
from ._spatial import (
    conv,
    conv_grad_input,
    conv_grad_weight,
    demote,
    expect_grad_shape,
    expect_planes,
    expect_positive_output,
    promote,
    promote_pair,
)


class VolumetricFullConvolution(TransposedConvolution):
    """3-D full (transposed) convolution (torch/nn ``VolumetricFullConvolution``).

    The adjoint of ``VolumetricConvolution`` with the same geometry: every input voxel adds
    ``x[c, t, i, j] * weight[c, o]`` into the output window starting at
    ``(t*dt - pad_t, i*dh - pad_h, j*dw - pad_w)``.  ``weight`` is
    ``(n_input_plane, n_output_plane, kt, kh, kw)``; output sizes
    ``(size - 1) * d - 2*pad + k + adj`` with ``0 <= adj < d``.  ``reset(stdv)`` draws
    ``U(-s, s)``, ``s = 1/sqrt(kt*kh*kw*n_input_plane)`` as torch/nn does.

    >>> import numpy as np
    >>> VolumetricFullConvolution(2, 1, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 0, 0).forward(
    ...     np.zeros((2, 2, 3, 3))).shape
    (1, 4, 5, 5)
    """

    axes = "twh"

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        kt: int,
        kw: int,
        kh: int,
        dt: int = 1,
        dw: int = 1,
        dh: int = 1,
        pad_t: int = 0,
        pad_w: int = 0,
        pad_h: int = 0,
        adj_t: int = 0,
        adj_w: int = 0,
        adj_h: int = 0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if adj_t >= dt or adj_w >= dw or adj_h >= dh:
            raise ValueError("expected adj_t, adj_w, adj_h smaller than dt, dw, dh")
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.set_sizes(
            kernel=(kt, kw, kh),
            stride=(dt, dw, dh),
            pad=(pad_t, pad_w, pad_h),
            adj=(adj_t, adj_w, adj_h),
        )
        self.declare((n_input_plane, n_output_plane, kt, kh, kw), n_output_plane if bias else None)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 3)
        y = conv_grad_input(x, self.weight, self._sizes_of(x), self.stride(), self.padding())
        if self.bias is not None:
            y += self.bias.reshape(-1, 1, 1, 1)
        return demote(y, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 3)
        expect_grad_shape(g, x.shape[:1] + (self.n_output_plane, *self._sizes_of(x)))
        return demote(conv(g, self.weight, self.stride(), self.padding()), single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = promote_pair(input, grad_output, 3)
        self._sizes_of(x)
        # the roles of conv's input and output swap: grad_output is windowed, input weighs it
        self.grad_weight += scale * conv_grad_weight(
            g, x, self.kernel_size(), self.stride(), self.padding()
        )
        self.accumulate_bias_grad(g, scale)

    def _sizes_of(self, x: np.ndarray) -> list[int]:
        """The output sizes for the batch ``x``, after checking its planes."""
        expect_planes(x, self.n_input_plane)
        sizes = self.output_size(x.shape[2:])
        expect_positive_output(x, sizes)
        return sizes


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricFullConvolution."""
    return [
        *batch_cases(
            VolumetricFullConvolution(2, 1, 2, 2, 2, 2, 1, 2, 1, 0, 0, 1, 0, 1),
            (2, 2, 2, 2, 2),
            bad_inputs=BAD_INPUTS + [np.zeros((1, 2, 2, 2))],
        ),
        Case(VolumetricFullConvolution(1, 2, 2, 2, 1, bias=False), input_shape=(1, 2, 2, 2)),
    ]
