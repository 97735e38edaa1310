"""``nncore.plugin``'s validation helpers: the per-call shortcuts decide exactly as the full
checks do."""

from __future__ import annotations

import numpy as np
import pytest

from nncore.errors import IndexOutOfRangeError, InputTypeError, ShapeError
from nncore.plugin import expect_indices, expect_same_shape


@pytest.mark.parametrize("dtype", ["i1", "i2", "i4", "i8", "u1", "u8", ">i4", "<i2"])
@pytest.mark.parametrize("high", [1, 5, 127, 128, 200, 1000, 2**62])
def test_expect_indices_range_against_a_plain_comparison(dtype, high):
    # the check of 0 <= i < high reads signed integers as unsigned (one reduction): that is
    # sound only while every negative, seen unsigned, is at least high
    info = np.iinfo(np.dtype(dtype))
    candidates = {0, 1, high - 1, high, info.max, info.min, info.min + 1, -1, -100, 127, 200}
    for value in sorted(v for v in candidates if info.min <= v <= info.max):
        array = np.array([0, value], dtype=dtype)
        inside = 0 <= value < high
        if inside:
            np.testing.assert_array_equal(expect_indices(array, 0, high), array)
        else:
            with pytest.raises(IndexOutOfRangeError, match=f"index {value} is out of range"):
                expect_indices(array, 0, high)


def test_expect_indices_other_bounds_and_types():
    np.testing.assert_array_equal(expect_indices(np.array([-1, 2]), -1, 3), [-1, 2])
    with pytest.raises(IndexOutOfRangeError, match="index -2 is out of range"):
        expect_indices(np.array([-2, 2]), -1, 3)
    np.testing.assert_array_equal(expect_indices(np.array([2.0, 0.0]), 0, 3), [2, 0])
    with pytest.raises(InputTypeError, match="whole numbers"):
        expect_indices(np.array([0.5]), 0, 3)
    assert expect_indices(np.zeros(0, int), 0, 3).size == 0


def test_expect_same_shape_takes_plain_arrays_only():
    reference = np.zeros((2, 3))
    same = np.ones((2, 3))
    assert expect_same_shape(same, reference, "grad_output", "input") is same
    with pytest.raises(ShapeError, match=r"grad_output of the same shape as input \(2, 3\)"):
        expect_same_shape(np.ones((3, 2)), reference, "grad_output", "input")
    with pytest.raises(InputTypeError, match="expected grad_output to be a numpy.ndarray"):
        expect_same_shape([[0.0] * 3] * 2, reference, "grad_output", "input")
    matrix = np.ones((2, 3)).view(np.matrix)  # a subclass takes the full path, and passes
    assert expect_same_shape(matrix, reference, "grad_output", "input") is matrix
