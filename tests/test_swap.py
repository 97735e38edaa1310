"""Replacing matches of a query by another class, carrying parameters over."""

from __future__ import annotations

import numpy as np
import pytest

import nncore
from nncore import SwapError, nn, swap
from nncore.errors import ParameterLayoutError


class FastLinear(nn.Linear):
    """A third party's drop-in Linear (same configuration and parameter layout)."""

    def update_output(self, input):
        return np.add(input @ self.weight.T, self.bias)


def network():
    nncore.manual_seed(0)
    inner = nn.Sequential().add(nn.Linear(3, 3)).add(nn.Tanh())
    return nn.Sequential().add(nn.Linear(4, 3)).add(inner).add(nn.Linear(3, 2))


def test_swap_keeps_outputs_and_parameters():
    net = network()
    x = np.random.default_rng(0).standard_normal((5, 4))
    expected = net.forward(x).copy()
    flat, _ = net.get_parameters()
    weight = net.get(1).get(0).weight
    changes = swap(net, "nn-basic:Linear", FastLinear)
    assert [c.path for c in changes] == ["0", "1.0", "2"]
    assert all(type(m) is FastLinear for m in net.find_modules(nn.Linear).modules)
    assert net.get(1).get(0).weight is weight  # the same arrays, so flat views survive
    np.testing.assert_array_equal(net.forward(x), expected)
    assert net.get_parameters()[0] is flat


def test_dry_run_changes_nothing():
    net = network()
    plan = swap(net, "Tanh", "ReLU", dry_run=True)
    assert [str(c) for c in plan] == ["'1.1': nn.Tanh -> nn-basic:ReLU"]
    assert net.find_modules("Tanh").paths == ["1.1"]
    swap(net, "Tanh", "nn-basic:ReLU")
    assert net.find_modules("ReLU").paths == ["1.1"] and not net.find_modules("Tanh").modules


def test_a_dry_run_fails_where_the_swap_would_and_changes_nothing():
    net = nn.Sequential().add(nn.Linear(3, 2)).add(nn.ReLU())
    before = net.list_modules()
    with pytest.raises(SwapError, match="at '1': Tanh cannot be built .* 'inplace'"):
        swap(net, "ReLU", "Tanh", dry_run=True)  # ReLU(inplace=False); Tanh() takes nothing
    with pytest.raises(SwapError, match="at '': Sequential has children and Tanh is not a"):
        swap(net, "Sequential", "Tanh", dry_run=True)
    with pytest.raises(SwapError, match="at '': Sequential has children and Tanh is not a"):
        swap(net, "Sequential", "Tanh")
    assert net.list_modules() == before


def test_a_dry_run_leaves_the_random_generator_as_it_was():
    net = network()
    nncore.manual_seed(5)
    expected = nncore.random.generator().random()
    nncore.manual_seed(5)
    plan = swap(net, "Linear", FastLinear, dry_run=True)  # builds three FastLinear, drawing weights
    assert nncore.random.generator().random() == expected
    assert [c.new for c in plan] == [None, None, None]
    assert all(type(m) is nn.Linear for m in net.find_modules("Linear").modules)


def test_shared_parameters_stay_shared_after_a_swap():
    a = nn.Linear(2, 2)
    net = nn.Sequential().add(a).add(a.clone("weight", "bias"))
    swap(net, nn.Linear, FastLinear)
    assert net.get(0).weight is net.get(1).weight


def test_incompatible_configuration_or_layout_is_a_clear_error():
    net = network()
    before = net.list_modules()
    with pytest.raises(SwapError, match="at '0': CMul cannot be built"):
        swap(net, "Linear", "CMul")
    assert net.list_modules() == before  # nothing was replaced
    net = nn.Sequential().add(nn.Linear(2, 2, bias=False))
    with pytest.raises(ParameterLayoutError, match="expects \\['bias', 'weight'\\]"):
        _swap_to_biased(net)


def _swap_to_biased(net):
    class AlwaysBias(nn.Linear):
        def __init__(self, input_size, output_size, bias=True):
            super().__init__(input_size, output_size, True)

    return swap(net, "Linear", AlwaysBias)


def test_without_carry_parameters_are_fresh():
    net = network()
    old = net.get(0).weight.copy()
    swap(net, "Linear", FastLinear, carry=None)
    assert not np.array_equal(net.get(0).weight, old)


def test_swapping_containers_keeps_their_children():
    class MySequential(nn.Sequential):
        pass

    net = network()
    x = np.ones((2, 4))
    expected = net.forward(x).copy()
    changes = swap(net, "Sequential", MySequential)
    root = changes[0].new
    assert type(root) is MySequential and type(root.get(1)) is MySequential
    assert root.get(2) is net.get(2)
    np.testing.assert_array_equal(root.forward(x), expected)
