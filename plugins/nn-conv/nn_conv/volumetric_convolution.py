"""VolumetricConvolution: 3-D convolution over a stack of volumes."""

from __future__ import annotations

import numpy as np

from nncore.plugin import Case

from ._cases import BAD_INPUTS, batch_cases
from ._convolution import Convolution
from ._spatial import (
    conv_grad_input,
    conv_grad_weight,
    conv_output,
    demote,
    expect_grad_shape,
    promote,
    promote_pair,
)


class VolumetricConvolution(Convolution):
    """3-D convolution (torch/nn ``VolumetricConvolution``), batch first.

    Input ``(n_input_plane, T, H, W)`` or ``(N, n_input_plane, T, H, W)``; ``weight`` is
    ``(n_output_plane, n_input_plane, kt, kh, kw)``.  With ``x`` zero-padded::

        y[o, t, i, j] = bias[o] + sum_{c,a,b,e} weight[o, c, a, b, e]
                                  * x[c, t*dt + a*dil_t, i*dh + b*dil_h, j*dw + e*dil_w]

    (dilations are 1 here), output sizes ``(size + 2*pad - dil*(k-1) - 1) // d + 1``.  ``pad_w``
    defaults to ``pad_t`` and ``pad_h`` to ``pad_w``, as in torch/nn.  ``reset(stdv)`` draws
    ``U(-s, s)`` with ``s = 1/sqrt(kt*kh*kw*n_input_plane)``.  Computed as a windowed view and
    one tensordot.

    >>> import numpy as np
    >>> VolumetricConvolution(2, 3, 3, 3, 3, pad_t=1).forward(np.zeros((2, 4, 5, 5))).shape
    (3, 4, 5, 5)
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
        pad_w: int | None = None,
        pad_h: int | None = None,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.set_sizes(kernel=(kt, kw, kh), stride=(dt, dw, dh), pad=(pad_t, pad_w, pad_h))
        self.declare((n_output_plane, n_input_plane, kt, kh, kw), n_output_plane if bias else None)

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 3)
        y = conv_output(x, self.weight, self.bias, self.stride(), self.padding(), self.dilation())
        return demote(y, single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 3)
        expect_grad_shape(g, (x.shape[0], self.n_output_plane, *self.output_size(x.shape[2:])))
        grad = conv_grad_input(
            g, self.weight, x.shape[2:], self.stride(), self.padding(), self.dilation()
        )
        return demote(grad, single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = promote_pair(input, grad_output, 3)
        self.grad_weight += scale * conv_grad_weight(
            x, g, self.kernel_size(), self.stride(), self.padding(), self.dilation()
        )
        self.accumulate_bias_grad(g, scale)


def examples() -> list[Case]:
    """The conformance kit's cases for VolumetricConvolution."""
    return [
        *batch_cases(
            VolumetricConvolution(2, 2, 2, 2, 2),
            (2, 2, 2, 3, 3),
            bad_inputs=BAD_INPUTS + [np.zeros((3, 2, 3, 3))],
        ),
        Case(
            VolumetricConvolution(1, 2, 2, 1, 2, 2, 1, 1, 1, 0, 1, bias=False),
            input_shape=(1, 3, 2, 3),
        ),
    ]
