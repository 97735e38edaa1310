"""What nn-conv's convolution layers share: their sizes, parameters, reset, input checks, output
sizes and the pieces of their reprs.

Each layer keeps torch/nn's constructor (so that ``config()`` rebuilds it) and torch/nn's names
for its sizes, one attribute per spatial axis: kernel ``kt``/``kh``/``kw``, stride
``dt``/``dh``/``dw``, padding ``pad_t``/``pad_h``/``pad_w``, dilation ``dilation_t``/...,
and for the transposed convolutions the extra output rows ``adj_t``/....  ``axes`` lists a
layer's spatial axes in torch/nn's argument order (``"wh"`` for planes: the width first);
the methods return the sizes outermost axis first, the order of the array axes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from nncore.plugin import POSITIVE, Module, generator

from ._geometry import Geometry
from ._spatial import expect_min_size, expect_planes, out_sizes, promote


@functools.cache
def _names(prefix: str, axes: str) -> tuple[str, ...]:
    """The attributes ``prefix + axis`` in the order of the array axes: time, height, width."""
    return tuple(prefix + axis for axis in sorted(axes, key="thw".index))


class Convolution(Module):
    """Base of the convolution layers: sizes by axis, ``weight``/``bias`` with their gradients,
    torch/nn's ``reset``, input checks, output sizes and repr.

    ``reset(stdv)`` draws every parameter from ``U(-s, s)`` with ``s = stdv * sqrt(3)``, or
    ``s = 1 / sqrt(fan_in())`` without ``stdv``, as torch/nn does.
    """

    parameter_names = ("weight", "bias")
    #: sizes that must be positive, under whichever names a subclass's constructor takes them
    argument_ranges = dict.fromkeys(
        ("n_input_plane", "n_output_plane", "input_frame_size", "output_frame_size")
        + ("kt", "kh", "kw", "dt", "dh", "dw"),
        POSITIVE,
    )
    #: the spatial axes in torch/nn's argument order ("wh": planes, "twh": volumes, "w": frames)
    axes: ClassVar[str] = "wh"
    #: the planes in and out, set by the constructors of the plane and volume layers
    n_input_plane: int
    n_output_plane: int
    #: the sizes :meth:`set_sizes` stores, those of the layer's ``axes`` only (a temporal layer
    #: has ``kw`` and ``dw``, no ``kh``)
    kt: int
    kh: int
    kw: int
    dt: int
    dh: int
    dw: int
    pad_t: int
    pad_h: int
    pad_w: int
    dilation_t: int
    dilation_h: int
    dilation_w: int
    adj_t: int
    adj_h: int
    adj_w: int

    def set_sizes(
        self,
        kernel: Sequence[int],
        stride: Sequence[int],
        pad: Sequence[int | None] = (),
        dilation: Sequence[int] = (),
        adj: Sequence[int] = (),
    ) -> None:
        """Store the sizes under torch/nn's names, each given in the order of ``axes``.

        A padding left None takes the previous axis's, as torch/nn's constructors do.
        """
        previous = 0
        for axis, size in zip(self.axes, pad, strict=False):
            previous = previous if size is None else size
            setattr(self, f"pad_{axis}", previous)
        for prefix, sizes in (("k", kernel), ("d", stride), ("dilation_", dilation), ("adj_", adj)):
            for axis, size in zip(self.axes, sizes, strict=False):
                setattr(self, f"{prefix}{axis}", size)

    def declare(
        self, weight_shape: tuple[int, ...] | int, bias_shape: tuple[int, ...] | int | None
    ) -> None:
        """Allocate ``weight`` and ``bias`` (``bias_shape=None``: no bias) with zeroed
        gradients, and draw them (:meth:`reset`)."""
        self.weight = np.empty(weight_shape)
        self.grad_weight = np.zeros(weight_shape)
        self.bias = None if bias_shape is None else np.empty(bias_shape)
        self.grad_bias = None if bias_shape is None else np.zeros(bias_shape)
        self.reset()

    def fan_in(self) -> int:
        """How many inputs each output sums over: the input planes times the kernel size."""
        return self.n_input_plane * math.prod(self.kernel_size())

    def reset(self, stdv: float | None = None) -> Convolution:
        bound = stdv * math.sqrt(3) if stdv is not None else 1.0 / math.sqrt(self.fan_in())
        for _, param, _ in self.own_parameters():
            param[...] = generator().uniform(-bound, bound, param.shape)
        return self

    # ------------------------------------------------------------------- sizes, outermost first
    def _by_axis(self, prefix: str, default: int) -> tuple[int, ...]:
        return tuple(getattr(self, name, default) for name in _names(prefix, self.axes))

    def kernel_size(self) -> tuple[int, ...]:
        return self._by_axis("k", 1)

    def stride(self) -> tuple[int, ...]:
        return self._by_axis("d", 1)

    def padding(self) -> tuple[int, ...]:
        return self._by_axis("pad_", 0)

    def dilation(self) -> tuple[int, ...]:
        return self._by_axis("dilation_", 1)

    def adjustment(self) -> tuple[int, ...]:
        return self._by_axis("adj_", 0)

    def geometry(self) -> Geometry:
        """A 2-D layer's window as the compiled kernels take it (height first)."""
        # attribute by attribute: the layers with kernels ask for it on every call
        return Geometry(
            self.kh,
            self.kw,
            self.dh,
            self.dw,
            self.pad_h,
            self.pad_w,
            getattr(self, "dilation_h", 1),
            getattr(self, "dilation_w", 1),
        )

    def output_size(self, sizes: Sequence[int]) -> list[int]:
        """``(size + 2 * pad - dilation * (kernel - 1) - 1) // stride + 1`` along each axis."""
        return out_sizes(sizes, self.kernel_size(), self.stride(), self.padding(), self.dilation())

    # ------------------------------------------------------------------- input
    def promote_input(self, input: object) -> tuple[np.ndarray, bool]:
        """``input`` as a batch (the flag says whether one example was promoted), after checking
        its planes and that the window (dilated, less the padding) fits in it."""
        x, single = promote(input, len(self.axes))
        expect_planes(x, self.n_input_plane)
        geometry = zip(self.kernel_size(), self.dilation(), self.padding(), strict=True)
        expect_min_size(x, [d * (k - 1) + 1 - 2 * p for k, d, p in geometry])
        return x, single

    # ------------------------------------------------------------------- gradients
    def accumulate_bias_grad(self, g: np.ndarray, scale: float) -> None:
        """``grad_bias += scale * g`` summed over every axis but the planes (axis 1) of a batch."""
        if self.bias is not None:
            # einsum reduces the batch and the spatial axes in one pass, 2-3x faster than sum()
            self.grad_bias += scale * np.einsum(
                "bpk->p", g.reshape(*g.shape[:2], math.prod(g.shape[2:]))
            )

    # ------------------------------------------------------------------- repr
    def sizes_text(self, prefix: str, separator: str = ",") -> str:
        """The sizes named ``prefix`` in torch/nn's order: ``sizes_text("k", "x")`` is ``5x3``."""
        return separator.join(str(getattr(self, f"{prefix}{axis}")) for axis in self.axes)

    def bias_text(self) -> str:
        return "" if self.bias is not None else ", without bias"

    def describe(self, dilation: bool = True) -> str:
        """torch/nn's ``n_in -> n_out, kernel[, stride[, padding]][, dilation]`` (the stride is
        shown with any padding, the dilation where it is not 1), then ``without bias``."""
        text = f"{self.n_input_plane} -> {self.n_output_plane}, {self.sizes_text('k', 'x')}"
        if any(s != 1 for s in self.stride()) or any(self.padding()):
            text += f", {self.sizes_text('d')}"
        if any(self.padding()):
            text += f", {self.sizes_text('pad_')}"
        if dilation and any(d != 1 for d in self.dilation()):
            text += f", dilation {self.sizes_text('dilation_')}"
        return text + self.bias_text()

    def extra_repr(self) -> str:
        return self.describe()


class TransposedConvolution(Convolution):
    """Base of the transposed ("full") convolutions: the adjoint of a convolution with the same
    kernel, stride and padding, ``weight`` laid out ``(n_input_plane, n_output_plane, *kernel)``."""

    def output_size(self, sizes: Sequence[int], adj: Sequence[int] | None = None) -> list[int]:
        """``(size - 1) * stride - 2 * pad + kernel + adj`` along each axis (``adj``: the
        layer's own, unless given)."""
        adj = self.adjustment() if adj is None else adj
        geometry = zip(sizes, self.stride(), self.padding(), self.kernel_size(), adj, strict=True)
        return [(n - 1) * d - 2 * p + k + a for n, d, p, k, a in geometry]

    def describe(self, dilation: bool = True) -> str:
        """torch/nn's ``n_in -> n_out, kernel, stride, padding[, adj]``, then ``without bias``."""
        text = (
            f"{self.n_input_plane} -> {self.n_output_plane}, {self.sizes_text('k', 'x')}, "
            f"{self.sizes_text('d')}, {self.sizes_text('pad_')}"
        )
        if any(self.adjustment()):
            text += f", {self.sizes_text('adj_')}"
        return text + self.bias_text()
