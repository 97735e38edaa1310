"""SpatialFullConvolution: the transposed 2-D convolution (torch/nn)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore.plugin import Case, ShapeError, describe, expect_array, expect_size

from ._batches import batched, expect_grad
from ._convolution import TransposedConvolution
from ._gemm_conv import conv2d_backward_input, conv2d_backward_weight, conv2d_forward
from ._spatial import expect_positive_output
from ._workspace import Workspace


class SpatialFullConvolution(TransposedConvolution):
    """Transposed ("full") convolution (torch/nn ``SpatialFullConvolution``).

    The adjoint of :class:`SpatialConvolution` with the same kernel, stride and padding: each
    input pixel scatters ``weight[c]`` scaled by its value into the output.  ``weight`` is
    ``(n_input_plane, n_output_plane, kh, kw)`` and::

        out[b, o] = bias[o] + sum_{c,y,x,i,j} x[b, c, y, x] * weight[c, o, i, j]
                    placed at (y*dh - pad_h + i, x*dw - pad_w + j)

    so ``out_h = (H - 1)*dh - 2*pad_h + kh + adj_h``; ``adj_h < dh`` adds rows at the bottom
    (likewise for the width).

    As in torch/nn the input may also be a table ``[input, target]``: the output then takes the
    size of ``target``'s last two dimensions, with ``adj_h = (H' + 2*pad_h - kh) % dh`` (and
    likewise ``adj_w``) in place of the constructor's, and ``grad_input`` is
    ``[grad, zeros like target]``.  A target size no adj can reach raises ``ShapeError``.

    >>> SpatialFullConvolution(4, 2, 3, 3, 2, 2, 1, 1, 1, 1).forward(np.zeros((4, 5, 5))).shape
    (2, 10, 10)
    """

    accepts = ("float", "any")  # [input, target]: only the target's shape is read

    def __init__(
        self,
        n_input_plane: int,
        n_output_plane: int,
        kw: int,
        kh: int,
        dw: int = 1,
        dh: int = 1,
        pad_w: int = 0,
        pad_h: int = 0,
        adj_w: int = 0,
        adj_h: int = 0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if not (0 <= adj_w < dw and 0 <= adj_h < dh):
            raise ValueError(
                f"adj_w and adj_h must be smaller than dw and dh, got "
                f"adj {adj_w},{adj_h} with stride {dw},{dh}"
            )
        self.n_input_plane, self.n_output_plane = n_input_plane, n_output_plane
        self.set_sizes(kernel=(kw, kh), stride=(dw, dh), pad=(pad_w, pad_h), adj=(adj_w, adj_h))
        self.declare((n_input_plane, n_output_plane, kh, kw), n_output_plane if bias else None)
        self._workspace = Workspace()

    def update_output(self, input: Any) -> np.ndarray:
        tensor, adj, target_size = self._split(input)
        x, single = batched(tensor, 2, self.weight.dtype)
        expect_size(x, 1, self.n_input_plane, "input planes (batch first)")
        shape = (x.shape[0], self.n_output_plane, *self._out_size(x, adj, target_size))
        # the input gradient of a convolution from the output planes back to the input planes
        out = conv2d_backward_input(
            x, self._weight2d(), self.geometry(), shape, self._workspace, tensor
        )
        if self.bias is not None:
            out += self.bias[:, None, None]
        return out[0] if single else out

    def update_grad_input(self, input: Any, grad_output: np.ndarray) -> Any:
        tensor, x, g, single = self._pair(input, grad_output)
        height, width = x.shape[2:]
        grad = conv2d_forward(
            g, self._weight2d(), None, self.geometry(), height, width, self._workspace, grad_output
        )
        grad = grad[0] if single else grad
        if tensor is input:
            return grad
        return [grad, np.zeros_like(input[1])]  # the target gives only a size

    def acc_grad_parameters(self, input: Any, grad_output: np.ndarray, scale: float = 1.0) -> None:
        tensor, x, g, _ = self._pair(input, grad_output)
        # the weight gradient of a convolution from the output planes back to the input planes
        grad = conv2d_backward_weight(
            g, x, self.geometry(), scale, self._workspace, grad_output, tensor
        )
        self.grad_weight += grad.reshape(self.grad_weight.shape)
        self.accumulate_bias_grad(g, scale)

    def _weight2d(self) -> np.ndarray:
        return self.weight.reshape(self.n_input_plane, -1)

    def _split(self, input: Any) -> tuple[Any, tuple[int, int], tuple[int, ...] | None]:
        """The input tensor, the ``(adj_h, adj_w)`` to use and the size a target asks for.

        A table ``[input, target]`` takes the adj that makes the output as large as the
        target's last two dimensions (torch/nn's rule), ignoring the constructor's.
        """
        if not isinstance(input, (list, tuple)):
            return input, (self.adj_h, self.adj_w), None
        if len(input) != 2:
            raise ShapeError(
                f"expected input to be an array or a table [input, target], got {describe(input)}"
            )
        target = expect_array(input[1], "target")
        if target.ndim < 2:
            raise ShapeError(
                f"expected a target with at least 2 dimensions (its last two give the output "
                f"size), got shape {target.shape}"
            )
        size = target.shape[-2:]
        adj_h = (size[0] + 2 * self.pad_h - self.kh) % self.dh
        adj_w = (size[1] + 2 * self.pad_w - self.kw) % self.dw
        return input[0], (adj_h, adj_w), size

    def _out_size(
        self, x: np.ndarray, adj: tuple[int, int], target_size: tuple[int, ...] | None = None
    ) -> tuple[int, int]:
        """The output size for ``adj`` (checked against the target's size, if any)."""
        base_h, base_w = self.output_size(x.shape[2:], adj=(0, 0))
        out_h, out_w = base_h + adj[0], base_w + adj[1]
        expect_positive_output(x, (out_h, out_w))
        if target_size is not None and (out_h, out_w) != target_size:
            raise ShapeError(
                f"expected a target size between {base_h}x{base_w} and "
                f"{base_h + self.dh - 1}x{base_w + self.dw - 1} (the output sizes of input "
                f"shape {x.shape}), got target size {target_size[0]}x{target_size[1]}"
            )
        return out_h, out_w

    def _pair(
        self, input: Any, grad_output: np.ndarray
    ) -> tuple[Any, np.ndarray, np.ndarray, bool]:
        tensor, adj, target_size = self._split(input)
        x, single = batched(tensor, 2, self.weight.dtype)
        shape = (x.shape[0], self.n_output_plane, *self._out_size(x, adj, target_size))
        g = expect_grad(grad_output, shape[1:] if single else shape, x.dtype)
        return tensor, x, (g[None] if single else g), single


def _with_target(shape: tuple[int, ...], target_shape: tuple[int, ...]):
    """A table ``[input, target]`` whose target only gives the output size."""
    return lambda rng: [rng.standard_normal(shape), rng.standard_normal(target_shape)]


_TABLE_BAD_INPUTS = [
    "not an array",
    [np.zeros((2, 2, 3, 3))],
    [np.zeros((2, 2, 3, 3)), np.zeros((2, 3, 7, 5))],
    [np.zeros((2, 2, 3, 3)), "not an array"],
]


def examples() -> list[Case]:
    """The conformance kit's cases for SpatialFullConvolution."""
    return [
        Case(
            SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0),
            input_shape=(2, 2, 3, 3),
            batched=True,
        ),
        Case(SpatialFullConvolution(3, 2, 2, 3), input_shape=(3, 2, 3)),
        # [input, target]: the target's size picks adj (6 = 5 + 1 rows, 5 = 5 + 0 columns)
        Case(
            SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1),
            input=_with_target((2, 2, 3, 3), (2, 3, 6, 5)),
            batched=True,
            bad_inputs=_TABLE_BAD_INPUTS,
            name="SpatialFullConvolution([input, target])",
        ),
        # an integer target of rank 2; the constructor's adj (2, 1) is ignored
        Case(
            SpatialFullConvolution(3, 2, 3, 2, 3, 2, 0, 1, 2, 1),
            input=lambda rng: [rng.standard_normal((3, 2, 3)), np.zeros((2, 10), np.int64)],
            name="SpatialFullConvolution([input, integer target])",
        ),
    ]
