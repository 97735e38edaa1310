"""VolumetricConvolution: 3-D convolution over a stack of volumes."""

from __future__ import annotations

import numpy as np

from nncore import Module

from ._spatial import (
    add_bias_grad,
    conv_grad_input,
    conv_grad_weight,
    conv_output,
    declare_weight_and_bias,
    demote,
    expect_grad_shape,
    init_uniform,
    out_sizes,
    promote,
    promote_pair,
    torch_stdv,
)


class VolumetricConvolution(Module):
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

    parameter_names = ("weight", "bias")

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
        self.kt, self.kw, self.kh, self.dt, self.dw, self.dh = kt, kw, kh, dt, dw, dh
        self.pad_t = pad_t
        self.pad_w = pad_t if pad_w is None else pad_w
        self.pad_h = self.pad_w if pad_h is None else pad_h
        declare_weight_and_bias(
            self, (n_output_plane, n_input_plane, kt, kh, kw), n_output_plane if bias else None
        )
        self.reset()

    def reset(self, stdv: float | None = None) -> VolumetricConvolution:
        init_uniform(self, torch_stdv(stdv, self.kt * self.kw * self.kh * self.n_input_plane))
        return self

    def geometry(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Stride, padding and dilation, time first."""
        dilation = tuple(getattr(self, f"dilation_{a}", 1) for a in "thw")
        return (self.dt, self.dh, self.dw), (self.pad_t, self.pad_h, self.pad_w), dilation

    def update_output(self, input: np.ndarray) -> np.ndarray:
        x, single = promote(input, 3)
        stride, pad, dilation = self.geometry()
        return demote(conv_output(x, self.weight, self.bias, stride, pad, dilation), single)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        x, g, single = promote_pair(input, grad_output, 3)
        stride, pad, dilation = self.geometry()
        outs = out_sizes(x.shape[2:], self.weight.shape[2:], stride, pad, dilation)
        expect_grad_shape(g, (x.shape[0], self.n_output_plane, *outs))
        return demote(conv_grad_input(g, self.weight, x.shape[2:], stride, pad, dilation), single)

    def acc_grad_parameters(
        self, input: np.ndarray, grad_output: np.ndarray, scale: float = 1.0
    ) -> None:
        x, g, _ = promote_pair(input, grad_output, 3)
        stride, pad, dilation = self.geometry()
        self.grad_weight += scale * conv_grad_weight(
            x, g, self.weight.shape[2:], stride, pad, dilation
        )
        add_bias_grad(self, g, scale)

    def extra_repr(self) -> str:
        text = f"{self.n_input_plane} -> {self.n_output_plane}, {self.kt}x{self.kw}x{self.kh}"
        stride, pad, dilation = self.geometry()
        if any(s != 1 for s in stride) or any(pad):
            text += f", {self.dt},{self.dw},{self.dh}"
        if any(pad):
            text += f", {self.pad_t},{self.pad_w},{self.pad_h}"
        if any(d != 1 for d in dilation):
            text += ", dilation " + ",".join(str(getattr(self, f"dilation_{a}")) for a in "twh")
        return text if self.bias is not None else text + ", without bias"
