"""Dimension and shape logic shared by nn-basic's shape and reduction layers.

torch/nn's reductions and views detect a batch by comparing the input's number of dimensions
with an ``n_input_dims`` argument; the functions here do that translation once, in 0-based
terms, and raise nncore's errors (``expected ..., got ...``) for inputs that do not fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nncore.plugin import (
    InputTypeError,
    Module,
    ShapeError,
    StateError,
    describe,
    dimension,
    expect_array,
    expect_float,
)


def batch_dimension(dim: int, ndim: int, n_input_dims: int | None) -> int:
    """The 0-based axis ``dim`` names in an input with ``ndim`` dimensions.

    A negative ``dim`` counts from the end.  A non-negative one is shifted by one when
    ``n_input_dims`` is given and the input has one dimension more (a batch), as torch/nn's
    ``nInputDims`` does.
    """
    if dim >= 0 and n_input_dims is not None and ndim == n_input_dims + 1:
        dim += 1
    return dimension(dim, ndim)


def reduced_dimension(input: Any, dim: int, n_input_dims: int | None) -> int:
    """Check that ``input`` is a real array and return the axis a reduction runs over."""
    return batch_dimension(dim, expect_float(input).ndim, n_input_dims)


def batch_offset(ndim: int, num_input_dims: int | None) -> int:
    """How many leading batch dimensions an input has beyond ``num_input_dims`` (0 if unset)."""
    if num_input_dims is None:
        return 0
    if ndim < num_input_dims:
        raise ShapeError(f"expected input with at least {num_input_dims} dimensions, got {ndim}")
    return ndim - num_input_dims


def drop_reduced(array: np.ndarray, dim: int) -> np.ndarray:
    """Remove the size-1 axis ``dim`` left by a reduction, unless it is the only one.

    torch/nn keeps a 1-element vector for a reduced vector (``Sum(0)`` of a vector has shape
    ``(1,)``), and drops the reduced axis otherwise.
    """
    return array if array.ndim == 1 else np.squeeze(array, axis=dim)


def expect_elements(value: Any, count: int, what: str = "grad_output") -> np.ndarray:
    """Check that ``value`` is a real array of ``count`` elements (a grad_output's size)."""
    expect_float(value, what)
    if value.size != count:
        raise ShapeError(f"expected {what} with {count} elements, got shape {value.shape}")
    return value


def expect_shape(value: Any, shape: tuple[int, ...], what: str = "grad_output") -> np.ndarray:
    """Check that ``value`` is a real array of exactly ``shape`` (a grad_output's shape)."""
    expect_float(value, what)
    if value.shape != tuple(shape):
        raise ShapeError(f"expected {what} of shape {tuple(shape)}, got shape {value.shape}")
    return value


def placed(grad_output: Any, input: np.ndarray, where: tuple) -> np.ndarray:
    """Zeros of ``input``'s shape with ``grad_output`` at ``input[where]`` (a slice's gradient)."""
    grad = expect_shape(grad_output, input[where].shape)
    grad_input = np.zeros(input.shape, dtype=grad.dtype)
    grad_input[where] = grad
    return grad_input


def put_along(
    grad_output: Any, input: np.ndarray, indices: np.ndarray | None, axis: int
) -> np.ndarray:
    """Zeros of ``input``'s shape with ``grad_output`` at the ``indices`` forward picked along
    ``axis``; raise StateError when they do not belong to this input."""
    others = input.shape[:axis] + input.shape[axis + 1 :]
    if indices is None or indices.shape[:axis] + indices.shape[axis + 1 :] != others:
        raise StateError(f"expected forward on this input before backward, got {describe(input)}")
    grad = expect_shape(grad_output, indices.shape)
    grad_input = np.zeros(input.shape, dtype=grad.dtype)
    np.put_along_axis(grad_input, indices, grad, axis=axis)
    return grad_input


def expect_pair(value: Any, names: str) -> tuple[Any, Any]:
    """The two entries of a table input such as ``[input, mask]`` (``names`` says which)."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise InputTypeError(f"expected a table {names}, got {describe(value)}")
    return value[0], value[1]


def insert_position(pos: int, ndim: int, offset: int = 0) -> int:
    """Where a new axis goes in an ``ndim``-dimensional input: ``pos`` in ``0..ndim``.

    A negative ``pos`` counts from the end of the result (``-1`` appends); a non-negative one
    is shifted by ``offset`` leading batch dimensions.
    """
    actual = pos + ndim + 1 if pos < 0 else pos + offset
    if not 0 <= actual <= ndim:
        raise ShapeError(
            f"expected a position between 0 and {ndim} for a new axis, got {pos} "
            f"({actual} with the batch) for an input with {ndim} dimensions"
        )
    return actual


def spread_reduced(grad_output: np.ndarray, input: np.ndarray, dim: int) -> np.ndarray:
    """``grad_output`` of a reduction over ``dim`` viewed with that axis restored as size 1."""
    kept = input.shape[:dim] + (1,) + input.shape[dim + 1 :]
    return expect_elements(grad_output, math.prod(kept)).reshape(kept)


def reshaped(array: np.ndarray, shape: Sequence[int], what: str = "input") -> np.ndarray:
    """``array.reshape(shape)`` raising ShapeError (expected vs got) when sizes do not match."""
    try:
        return array.reshape(tuple(shape))
    except ValueError:
        wanted = "x".join("?" if s == -1 else str(s) for s in shape)
        raise ShapeError(
            f"expected {what} that can be viewed as {wanted}, got shape {array.shape}"
        ) from None


def reshaped_back(grad_output: Any, input: np.ndarray) -> np.ndarray:
    """``grad_output`` viewed with ``input``'s shape: the gradient of a layer that only
    reshapes."""
    return reshaped(expect_array(grad_output, "grad_output"), input.shape, "grad_output")


def narrow_span(size: int, offset: int, length: int) -> slice:
    """The slice ``Narrow(dim, offset, length)`` takes from a dimension of ``size`` elements."""
    start = offset + size if offset < 0 else offset
    length = size - start + length + 1 if length < 0 else length
    if not (0 <= start and 0 <= length and start + length <= size):
        raise ShapeError(
            f"expected offset {offset} and length {length} to fit in a dimension of size "
            f"{size}, got the range [{start}, {start + length})"
        )
    return slice(start, start + length)


def sizes_from_args(size: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as ``View(2, 3)`` or as one sequence ``View((2, 3))``, as torch/nn allows."""
    if len(size) == 1 and isinstance(size[0], (Sequence, np.ndarray)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


_TORCH_TYPES = {
    "torch.ByteTensor": np.uint8,
    "torch.CharTensor": np.int8,
    "torch.ShortTensor": np.int16,
    "torch.IntTensor": np.int32,
    "torch.LongTensor": np.int64,
    "torch.FloatTensor": np.float32,
    "torch.DoubleTensor": np.float64,
    "torch.HalfTensor": np.float16,
}


def numpy_dtype(value: Any) -> np.dtype:
    """A numpy dtype from anything ``np.dtype`` accepts or a Torch tensor type name."""
    try:
        return np.dtype(_TORCH_TYPES.get(value, value) if isinstance(value, str) else value)
    except TypeError:
        raise InputTypeError(
            f"expected a numpy dtype or a Torch type name, got {value!r}"
        ) from None


def shape_of(value: Any) -> Any:
    """Shapes of an array or of a (nested) table of arrays, for printing."""
    if isinstance(value, (list, tuple)):
        return [shape_of(item) for item in value]
    return np.shape(value) if value is not None else "missing size"


class ArgReduction(Module):
    """Max or min over one dimension, remembering where it was for the backward pass.

    ``y = x.max(dim)`` (or ``min``); ``indices`` holds the position of each picked element
    along ``dim``, and the gradient flows to those positions only:
    ``dx[..., indices, ...] = dy``, zero elsewhere.
    """

    #: ``np.argmax`` or ``np.argmin``
    pick: Callable[..., Any]

    def __init__(self, dimension: int = 0, n_input_dims: int | None = None) -> None:
        super().__init__()
        self.dimension = dimension
        self.n_input_dims = n_input_dims
        self.indices: np.ndarray | None = None

    def update_output(self, input: np.ndarray) -> np.ndarray:
        dim = reduced_dimension(input, self.dimension, self.n_input_dims)
        if input.shape[dim] == 0:
            raise ShapeError(f"expected a non-empty dimension {dim}, got shape {input.shape}")
        self.indices = self.pick(input, axis=dim, keepdims=True)
        return drop_reduced(np.take_along_axis(input, self.indices, axis=dim), dim)

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        dim = reduced_dimension(input, self.dimension, self.n_input_dims)
        return put_along(spread_reduced(grad_output, input, dim), input, self.indices, dim)

    def extra_repr(self) -> str:
        return f"dim {self.dimension}"
