"""The table layers' per-call checks recognise a plain table in one loop; what they let through
must be exactly what the full checks accept: each bad table still gets its specific error, naming
the module's place in the network, and leaves the module usable."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import Module, nn
from nncore.errors import InputTypeError, ShapeError, StateError


def _inside(layer):
    """``layer`` as child '1' of a Sequential, so that errors must name where it is."""
    return nn.Sequential().add(nn.Identity()).add(layer)


@pytest.fixture
def pair():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((4, 3)), rng.standard_normal((4, 3))]


@pytest.mark.parametrize("name", ["CAddTable", "CSubTable", "CMulTable", "CDivTable", "CMaxTable"])
def test_a_float32_element_among_float64_ones_is_refused(name, pair):
    net = _inside(getattr(nn, name)())
    with pytest.raises(
        InputTypeError,
        match=r"at '1' in Sequential: expected input\[1\] of "
        r"dtype float64 \(the module's dtype\), got float32",
    ):
        net.forward([pair[0], pair[1].astype(np.float32)])
    assert np.shape(net.forward(pair)) == (4, 3)  # still usable


@pytest.mark.parametrize("name", ["CAddTable", "CSubTable", "CMulTable", "CDivTable", "CMinTable"])
def test_elements_of_different_shapes_are_refused(name, pair):
    net = _inside(getattr(nn, name)())
    with pytest.raises(
        ShapeError,
        match=r"at '1' in Sequential: expected input\[1\] of the same "
        r"shape as input\[0\] \(4, 3\), got shape \(4, 2\)",
    ):
        net.forward([pair[0], pair[1][:, :2]])
    assert np.shape(net.forward(pair)) == (4, 3)


def test_a_table_with_a_list_or_a_string_inside_is_refused(pair):
    layer = nn.CAddTable()
    with pytest.raises(InputTypeError, match=r"expected input\[1\] to be a numpy.ndarray"):
        layer.forward([pair[0], pair[1].tolist()])
    with pytest.raises(InputTypeError, match=r"expected input\[0\] holding real numbers"):
        layer.forward([np.array(["a", "b"]), np.array(["c", "d"])])
    assert np.shape(layer.forward(pair)) == (4, 3)


def test_a_gradient_shaped_like_another_forward_is_refused(pair):
    layer = nn.CAddTable()
    net = _inside(layer)
    net.forward([a[:2] for a in pair])  # the last forward had 2 rows
    with pytest.raises(ShapeError, match=r"expected grad_output of shape \(2, 3\)"):
        net.backward(pair, np.ones((4, 3)))
    # called directly on another input than the last forward's, the layer's own check speaks
    with pytest.raises(
        ShapeError,
        match=r"expected grad_output of shape \(4, 3\), got shape "
        r"\(2, 3\)",
    ):
        layer.update_grad_input(pair, np.ones((2, 3)))
    net.forward(pair)
    grads = net.backward(pair, np.ones((4, 3)))
    np.testing.assert_array_equal(grads[1], np.ones((4, 3)))


def test_split_table_gradients_must_match_each_slice():
    x = np.arange(12.0).reshape(4, 3)
    net = _inside(nn.SplitTable(1))
    net.forward(x)
    good = [np.full(4, float(k)) for k in range(3)]
    with pytest.raises(ShapeError, match=r"expected grad_output\[1\] of shape \(4,\)"):
        net.backward(x, [good[0], np.ones(3), good[2]])
    with pytest.raises(ShapeError, match="expected grad_output to be a table of 3 elements"):
        net.backward(x, good[:2])
    with pytest.raises(ShapeError, match=r"table of 3 elements like the output, got ndarray"):
        net.backward(x, np.ones((4, 3)))
    # the layer's own check, called on an input of another shape than the last forward's
    split = nn.SplitTable(1)
    with pytest.raises(ShapeError, match=r"expected grad_output\[0\] of shape \(2,\), got shape"):
        split.update_grad_input(np.ones((2, 3)), good)
    with pytest.raises(ShapeError, match="expected grad_output to be a table of 2 elements"):
        split.update_grad_input(np.ones((4, 2)), good)
    np.testing.assert_array_equal(net.backward(x, good), np.tile([0.0, 1.0, 2.0], (4, 1)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_split_table_stacks_its_gradient_along_any_axis_and_of_an_empty_split(dtype):
    x = np.arange(24, dtype=dtype).reshape(2, 3, 4)
    for axis in (0, 1, 2, -1):
        split = nn.SplitTable(axis).type(dtype)
        grads = [2 * y + 1 for y in split.forward(x)]
        expected = np.stack(grads, axis=axis)  # the definition, by numpy
        got = split.backward(x, grads)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)
    empty = np.zeros((3, 0), dtype)  # splitting along an axis of size 0 gives an empty table
    split = nn.SplitTable(1).type(dtype)
    assert split.forward(empty) == []
    grad = split.backward(empty, [])
    assert grad.shape == (3, 0) and grad.dtype == dtype


def test_a_float32_gradient_in_a_float64_table_output_is_refused():
    # a module whose output is a table and whose inputs are floats applies its dtype policy to
    # each gradient of the table: the per-call test must not let a float32 one through
    class Twice(Module):
        def update_output(self, input):
            return [input * 1.0, input * 2.0]

        def update_grad_input(self, input, grad_output):
            return grad_output[0] + 2.0 * grad_output[1]

    m = Twice()
    x = np.ones((2, 3))
    m.forward(x)
    with pytest.raises(InputTypeError, match=r"expected grad_output\[1\] of dtype float64"):
        m.backward(x, [np.ones((2, 3)), np.ones((2, 3), np.float32)])
    with pytest.raises(ShapeError, match=r"expected grad_output\[0\] of shape \(2, 3\)"):
        m.backward(x, [np.ones((3, 2)), np.ones((2, 3))])
    # integers are cast, as the full policy does
    np.testing.assert_array_equal(m.backward(x, [np.ones((2, 3), int), np.ones((2, 3))]), 3.0)
    m.clear_state()
    with pytest.raises(StateError, match="expected forward before backward"):
        m.backward(x, [np.ones((2, 3)), np.ones((2, 3))])


def test_select_table_backward_checks_the_selected_element_only(pair):
    net = _inside(nn.SelectTable(1))
    table = [pair[0], pair[1][:2]]
    net.forward(table)
    with pytest.raises(ShapeError, match=r"expected grad_output of shape \(2, 3\)"):
        net.backward(table, np.ones((4, 3)))
    grads = net.backward(table, np.full((2, 3), 5.0))
    np.testing.assert_array_equal(grads[0], np.zeros((4, 3)))
    np.testing.assert_array_equal(grads[1], np.full((2, 3), 5.0))
    assert grads[0].dtype == np.float64
    sliced = nn.SelectTable(slice(0, 2))
    nested = [pair[0], [pair[1]], np.arange(3)]
    out = sliced.forward(nested)
    grads = sliced.backward(nested, [np.ones((4, 3)), [np.ones((4, 3))]])
    assert out[1][0] is pair[1]
    np.testing.assert_array_equal(grads[2], np.zeros(3))
    assert grads[2].dtype == np.float64  # an integer element's gradient is real-valued


def test_select_table_index_outside_the_table_or_input_not_a_list(pair):
    from nncore.errors import IndexOutOfRangeError

    for index in (2, -3):
        net = _inside(nn.SelectTable(index))
        with pytest.raises(IndexOutOfRangeError, match=rf"at '1' in Sequential: index {index} "):
            net.forward(pair)
        with pytest.raises(IndexOutOfRangeError, match=rf"index {index} is out of range"):
            net.get(1).update_grad_input(pair, np.ones((4, 3)))
    with pytest.raises(InputTypeError, match="expected input to be a table"):
        nn.SelectTable(0).forward(pair[0])
    last = nn.SelectTable(-1)
    assert last.forward(tuple(pair)) is pair[1]  # a tuple is a table too (the full path)
    grads = last.backward(tuple(pair), np.ones((4, 3)))
    np.testing.assert_array_equal(grads[0], np.zeros((4, 3)))
    np.testing.assert_array_equal(grads[1], np.ones((4, 3)))
