"""LookupTable against direct formulas on tiny inputs, on both backends."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from nn_conv.lookup_table import LookupTable

from nncore.errors import IndexOutOfRangeError, InputTypeError

sys.path.insert(0, str(Path(__file__).parent))

#: every test runs on the compiled kernels and on their numpy twins (conftest.py)
pytestmark = pytest.mark.usefixtures("backend")
TOL = dict(rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------- LookupTable
def test_lookup_table_gathers_and_scatters():
    module = LookupTable(6, 2)
    ids = np.array([[1, 4, 1], [0, 5, 1]])
    np.testing.assert_array_equal(module.forward(ids), module.weight[ids])
    grad_output = np.arange(12.0).reshape(2, 3, 2)
    module.zero_grad_parameters()
    grad_input = module.backward(ids, grad_output, scale=0.5)
    np.testing.assert_array_equal(grad_input, np.zeros((2, 3)))
    expected = np.zeros((6, 2))
    expected[1] = 0.5 * (grad_output[0, 0] + grad_output[0, 2] + grad_output[1, 2])
    expected[4] = 0.5 * grad_output[0, 1]
    expected[0] = 0.5 * grad_output[1, 0]
    expected[5] = 0.5 * grad_output[1, 1]
    np.testing.assert_allclose(module.grad_weight, expected, **TOL)


def test_lookup_table_padding_and_frequency_scaling():
    module = LookupTable(4, 1, padding_value=2, scale_grad_by_freq=True)
    ids = np.array([3, 2, 3, 0, 3])
    module.forward(ids)
    module.zero_grad_parameters()
    module.backward(ids, np.array([[1.0], [5.0], [2.0], [4.0], [6.0]]))
    # id 3 occurs three times: (1 + 2 + 6) / 3; the padding row 2 gets nothing
    np.testing.assert_allclose(module.grad_weight[:, 0], [4.0, 0.0, 0.0, 3.0], **TOL)


def test_lookup_table_max_norm_renormalises_looked_up_rows():
    module = LookupTable(3, 2, max_norm=1.0)
    module.weight[...] = [[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]
    out = module.forward(np.array([0, 1, 0]))
    np.testing.assert_allclose(module.weight[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(module.weight[1], [0.3, 0.4])
    np.testing.assert_allclose(module.weight[2], [6.0, 8.0])  # not looked up: untouched
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)
    l1 = LookupTable(1, 2, max_norm=1.0, norm_type=1.0)
    l1.weight[...] = [[3.0, 1.0]]
    np.testing.assert_allclose(l1.forward(np.array([0])), [[0.75, 0.25]], rtol=1e-6)


def test_lookup_table_out_of_range_id_is_an_index_error_and_changes_nothing():
    module = LookupTable(5, 3, max_norm=0.1)
    module.forward(np.array([[0, 1]]))  # renormalises rows 0 and 1; backward differentiates it
    weight = module.weight.copy()
    for bad in (5, -1):
        with pytest.raises(IndexError, match=f"index {bad} is out of range") as info:
            module.forward(np.array([0, bad, 2]))
        assert isinstance(info.value, IndexOutOfRangeError)
        with pytest.raises(IndexError):
            module.backward(np.array([[0, bad]]), np.ones((1, 2, 3)))
    np.testing.assert_array_equal(module.weight, weight)
    np.testing.assert_array_equal(module.grad_weight, 0)
    with pytest.raises(InputTypeError):
        module.forward("not an array")


def test_lookup_table_accepts_non_contiguous_and_float_ids():
    module = LookupTable(10, 4).float()
    ids = np.arange(20).reshape(4, 5)[:, ::2] % 10
    out = module.forward(ids)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, module.weight[ids])
    np.testing.assert_array_equal(module.forward(np.array([2.0, 7.0])), module.weight[[2, 7]])
    module.zero_grad_parameters()
    module.forward(ids.T)
    module.backward(ids.T, np.ones((3, 4, 4), np.float32))
    np.testing.assert_array_equal(
        module.grad_weight.sum(axis=1), 4 * np.bincount(ids.ravel(), minlength=10)
    )


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_lookup_table_writes_through_a_weight_of_any_layout(layout):
    # a weight rebound to a transposed or strided array (m.weight = w.T) is read and written as
    # the array it is: renormalised rows and acc-update steps land in the user's memory
    values = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    if layout == "fortran":
        weight = np.asfortranarray(values.copy())
    else:
        wide = np.zeros((3, 4))
        wide[:, ::2] = values
        weight = wide[:, ::2]
    assert not weight.flags.c_contiguous
    module = LookupTable(3, 2, max_norm=1.0)
    module.weight = weight
    ids = np.array([0, 1, 0])
    np.testing.assert_allclose(module.forward(ids), [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)
    np.testing.assert_allclose(weight, [[0.6, 0.8], [0.3, 0.4], [6.0, 8.0]], rtol=1e-6)
    module.acc_update_grad_parameters(ids, np.ones((3, 2)), 0.1)  # rows 0 (twice) and 1
    np.testing.assert_allclose(weight, [[0.4, 0.6], [0.2, 0.3], [6.0, 8.0]], rtol=1e-6)
    if layout == "strided":
        np.testing.assert_array_equal(wide[:, 1::2], 0.0)  # nothing written between the rows
