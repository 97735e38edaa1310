"""The Module contract, containers and Torch's known pitfalls, each fix tested."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import nncore
from nncore import Container, Module, nn
from nncore.errors import IndexOutOfRangeError, InputTypeError, ParameterLayoutError, ShapeError


class Square(Module):
    """``y = w**2 * x``: a parameter gradient that depends on the parameter itself."""

    parameter_names = ("weight",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.weight = np.linspace(0.5, 1.5, size)
        self.grad_weight = np.zeros(size)

    def update_output(self, input):
        return self.weight**2 * input

    def update_grad_input(self, input, grad_output):
        return self.weight**2 * grad_output

    def acc_grad_parameters(self, input, grad_output, scale=1.0):
        self.grad_weight += (
            scale * 2 * self.weight * (grad_output * input).reshape(-1, self.weight.size).sum(0)
        )


def mlp(rng_seed: int = 0) -> Module:
    nncore.manual_seed(rng_seed)
    return nn.Sequential().add(nn.Linear(4, 3)).add(nn.Tanh()).add(nn.Linear(3, 2))


def test_forward_backward_follow_the_three_method_protocol():
    net = mlp()
    x = np.random.default_rng(0).standard_normal((5, 4))
    out = net.forward(x)
    assert out is net.output and out.shape == (5, 2)
    grad = np.ones((5, 2))
    net.zero_grad_parameters()
    gi = net.backward(x, grad, scale=0.5)
    assert gi is net.grad_input and gi.shape == (5, 4)
    first = net.get(0)
    expected = 0.5 * (net.get(1).grad_input).T @ x
    np.testing.assert_allclose(first.grad_weight, expected, rtol=1e-12)


def test_update_grad_input_and_acc_grad_parameters_separately_equal_backward():
    a, b = mlp(), mlp()
    x = np.random.default_rng(1).standard_normal((3, 4))
    g = np.random.default_rng(2).standard_normal((3, 2))
    for net in (a, b):
        net.forward(x)
        net.zero_grad_parameters()
    a.backward(x, g)
    grad_input = b.update_grad_input(x, g)  # returned; forward and backward store results
    b.acc_grad_parameters(x, g)
    np.testing.assert_allclose(a.grad_input, grad_input)
    for ga, gb in zip(a.parameters()[1], b.parameters()[1], strict=False):
        np.testing.assert_allclose(ga, gb)


def test_a_first_layer_without_input_gradient_skips_it_and_keeps_parameter_gradients():
    calls = []

    class Counted(Square):
        def update_grad_input(self, input, grad_output):
            calls.append("grad_input")
            return super().update_grad_input(input, grad_output)

    x = np.random.default_rng(3).standard_normal((3, 4))
    g = np.random.default_rng(4).standard_normal((3, 4))
    full, lean = Counted(4), Counted(4)
    lean.needs_grad_input = False
    for layer in (full, lean):
        layer.forward(x)
    assert full.backward(x, g) is not None and calls == ["grad_input"]
    assert lean.backward(x, g) is None and lean.grad_input is None and calls == ["grad_input"]
    np.testing.assert_allclose(lean.grad_weight, full.grad_weight, rtol=1e-15)
    # expected by hand: d/dw of sum(g * w**2 * x) = 2 w sum_n(g x)
    np.testing.assert_allclose(lean.grad_weight, 2 * lean.weight * (g * x).sum(0), rtol=1e-12)
    assert Counted(4).needs_grad_input  # an instance setting, not a class one


def test_a_network_whose_first_layer_needs_no_input_gradient_trains_the_same():
    a, b = mlp(), mlp()
    b.get(0).needs_grad_input = False
    x = np.random.default_rng(1).standard_normal((3, 4))
    g = np.random.default_rng(2).standard_normal((3, 2))
    for net in (a, b):
        net.forward(x)
        net.zero_grad_parameters()
    assert a.backward(x, g).shape == (3, 4)
    assert b.backward(x, g) is None
    for ga, gb in zip(a.parameters()[1], b.parameters()[1], strict=True):
        np.testing.assert_allclose(gb, ga, rtol=1e-15)
    assert b.clone().get(0).needs_grad_input is False


def test_acc_update_default_is_correct_for_a_nonlinear_parameter_gradient():
    # Torch's trick (aliasing grad_weight to weight) would read the weight while updating it.
    x, g, lr = np.array([1.0, -2.0, 3.0]), np.array([0.5, 1.0, -1.0]), 0.1
    a, b = Square(3), Square(3)
    expected = a.weight - lr * 2 * a.weight * g * x
    b.forward(x)
    b.grad_weight[...] = 7.0
    b.acc_update_grad_parameters(x, g, lr)
    np.testing.assert_allclose(b.weight, expected, rtol=1e-14)
    np.testing.assert_array_equal(b.grad_weight, 7.0)  # gradients are left as they were


def test_get_parameters_is_flat_contiguous_and_keeps_values():
    net = mlp()
    before = [p.copy() for p in net.parameters()[0]]
    flat, grad = net.get_parameters()
    assert flat.flags.c_contiguous and flat.size == 4 * 3 + 3 + 3 * 2 + 2 == grad.size
    np.testing.assert_array_equal(flat, np.concatenate([p.ravel() for p in before]))
    flat[0] = 42.0
    assert net.get(0).weight[0, 0] == 42.0


def test_get_parameters_twice_is_safe():
    net = mlp()
    flat, grad = net.get_parameters()
    again, grad_again = net.get_parameters()
    assert again is flat and grad_again is grad
    net.add(nn.Linear(2, 2))  # the layout changed: re-flatten, keeping every value
    old_values = flat.copy()
    bigger, _ = net.get_parameters()
    assert bigger.size == flat.size + 6
    np.testing.assert_array_equal(bigger[: flat.size], old_values)
    assert np.shares_memory(net.get(0).weight, bigger)


def test_shared_parameters_appear_once_and_are_updated_once():
    nncore.manual_seed(3)
    a = nn.Linear(3, 3)
    b = nn.Linear(3, 3).share(a, "weight", "bias")
    net = nn.Sequential().add(a).add(b)
    assert b.grad_weight is a.grad_weight  # sharing a parameter shares its gradient
    params, grads = net.parameters()
    assert len(params) == 2 and len(grads) == 2
    flat, grad_flat = net.get_parameters()
    assert flat.size == 12 and a.weight is b.weight
    x = np.random.default_rng(4).standard_normal((2, 3))
    w0 = a.weight.copy()
    net.zero_grad_parameters()
    net.forward(x)
    net.backward(x, np.ones((2, 3)))
    total = a.grad_weight.copy()
    # the gradient is the sum over both uses: recompute each use alone
    h = x @ w0.T + a.bias
    use2 = (np.ones((2, 3))).T @ h
    use1 = (np.ones((2, 3)) @ w0).T @ x
    np.testing.assert_allclose(total, use1 + use2, rtol=1e-12)
    net.update_parameters(0.1)
    np.testing.assert_allclose(a.weight, w0 - 0.1 * total, rtol=1e-12)


def test_seed_002_share_example():
    mlp1 = nn.Sequential().add(nn.Linear(100, 10))
    mlp2 = nn.Sequential().add(nn.Linear(100, 10))
    mlp2.share(mlp1, "bias")
    mlp1.get(0).bias[0] = 99
    assert mlp2.get(0).bias[0] == 99
    assert mlp2.get(0).weight is not mlp1.get(0).weight


def test_seed_002_clone_example():
    mlp1 = nn.Sequential().add(nn.Linear(100, 10))
    mlp2 = mlp1.clone("weight", "bias")
    mlp1.get(0).bias[0] = 99
    assert mlp2.get(0).bias[0] == 99
    mlp3 = mlp1.clone()
    mlp1.get(0).bias[0] = 5
    assert mlp3.get(0).bias[0] == 99


def test_clone_of_a_shared_module_is_a_deep_copy_that_keeps_inner_sharing():
    a = nn.Linear(2, 2)
    b = a.clone("weight", "bias")
    net = nn.Sequential().add(a).add(b)
    twin = net.clone()
    # nothing shared with the original ...
    assert not np.shares_memory(twin.get(0).weight, a.weight)
    # ... but the sharing inside the copied network is kept
    assert twin.get(0).weight is twin.get(1).weight
    assert twin.get(0).grad_weight is twin.get(1).grad_weight
    # a clone of one sharer alone is independent of both (seed 002: clone is a deep copy)
    lone = b.clone()
    a.weight[...] = 0
    assert np.all(lone.weight != 0)


def test_type_conversion_keeps_sharing():
    a = nn.Linear(3, 2)
    b = nn.Linear(3, 2).share(a, "weight")
    net = nn.Sequential().add(a).add(nn.Tanh()).add(nn.Linear(2, 3)).add(b)
    net.float()
    assert a.weight.dtype == np.float32 and a.weight is b.weight
    assert a.grad_weight is b.grad_weight
    net.double()
    assert a.weight.dtype == np.float64 and a.weight is b.weight
    assert net.get(2).dtype == np.float64
    assert net.type("torch.FloatTensor") is net and b.bias.dtype == np.float32


def test_get_parameters_refuses_mixed_dtypes():
    net = nn.Sequential().add(nn.Linear(2, 2)).add(nn.Linear(2, 2).float())
    with pytest.raises(ParameterLayoutError, match="one dtype"):
        net.get_parameters()


def test_training_evaluate_apply():
    net = mlp()
    net.evaluate()
    assert [m.train for m in net.list_modules()] == [False] * 4
    net.training()
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Sequential", "Linear", "Tanh", "Linear"]


def test_list_modules_and_named_modules_paths():
    inner = nn.Sequential().add(nn.Tanh()).add(nn.Linear(2, 2))
    net = nn.Sequential().add(nn.Linear(2, 2)).add(inner)
    assert net.list_modules() == [net, net.get(0), inner, inner.get(0), inner.get(1)]
    paths = [path for path, _, _ in net.named_modules()]
    assert paths == ["", "0", "1", "1.0", "1.1"]


def test_find_modules_returns_modules_containers_and_paths():
    inner = nn.Sequential().add(nn.Tanh()).add(nn.Linear(2, 2))
    net = nn.Sequential().add(nn.Linear(2, 2)).add(inner)
    modules, containers = net.find_modules(nn.Linear)
    assert modules == [net.get(0), inner.get(1)]
    assert containers == [net, inner]
    found = net.find_modules("nn-basic:Linear")
    assert found.paths == ["0", "1.1"]
    assert net.find_modules("Lin*").modules == modules
    assert net.find_modules("Tanh").paths == ["1.0"]
    assert net.find_modules(lambda m: m is inner).containers == [net]
    top = net.find_modules("Sequential")
    assert top.modules == [net, inner] and top.containers[0] is net  # a root is its own container


def test_find_modules_subclasses_match_a_class_query():
    class MyLinear(nn.Linear):
        pass

    net = nn.Sequential().add(MyLinear(2, 2)).add(nn.Linear(2, 2))
    assert len(net.find_modules(nn.Linear).modules) == 2
    assert len(net.find_modules("MyLinear").modules) == 1
    with pytest.raises(InputTypeError):
        net.find_modules(3)


def test_seed_002_find_and_replace_example():
    # the seed swaps every Threshold for Tanh through (modules, containers)
    net = nn.Sequential()
    for _ in range(2):
        net.add(nn.Sequential().add(nn.Linear(3, 3)).add(nn.Tanh()))
    nodes, containers = net.find_modules("Tanh")
    for node, container in zip(nodes, containers, strict=False):
        for name, child in container.named_children():
            if child is node:
                container.set_child(name, nn.Identity())
    assert not net.find_modules("Tanh").modules
    assert len(net.find_modules("Identity").modules) == 2


def test_replace_visits_self_first_then_replaces_children_in_place():
    net = nn.Sequential().add(nn.Linear(2, 2)).add(nn.Sequential().add(nn.Tanh()))
    visited = []

    def swap(module):
        visited.append(type(module).__name__)
        return nn.Identity() if type(module).__name__ == "Tanh" else module

    assert net.replace(swap) is net
    assert visited == ["Sequential", "Linear", "Sequential", "Tanh"]
    assert type(net.get(1).get(0)).__name__ == "Identity"


def test_deep_networks_do_not_hit_the_recursion_limit():
    net = node = nn.Sequential()
    for _ in range(3000):
        child = nn.Sequential()
        node.add(child)
        node = child
    assert len(net.list_modules()) == 3001


def test_clear_state_drops_outputs():
    net = mlp()
    net.forward(np.ones((2, 4)))
    net.clear_state()
    assert all(m.output.size == 0 for m in net.list_modules())


def test_config_names_constructor_arguments():
    assert nn.Linear(3, 2).config() == {"input_size": 3, "output_size": 2, "bias": True}
    assert nn.Linear(3, output_size=2, bias=False).config()["bias"] is False
    assert nn.Sequential().add(nn.Linear(1, 1)).config() == {}


def test_torch_like_printed_tree():
    net = nn.Sequential().add(nn.Linear(3, 2)).add(nn.Sequential().add(nn.Tanh()))
    assert repr(net) == (
        "nn.Sequential {\n"
        "  [input -> (0) -> (1) -> output]\n"
        "  (0): nn.Linear(3 -> 2)\n"
        "  (1): nn.Sequential {\n"
        "    [input -> (0) -> output]\n"
        "    (0): nn.Tanh\n"
        "  }\n"
        "}"
    )


def test_errors_name_the_module_and_its_path_and_leave_it_usable():
    net = (
        nn.Sequential()
        .add(nn.Linear(3, 2))
        .add(nn.Sequential().add(nn.Tanh()).add(nn.Linear(4, 1)))
    )
    with pytest.raises(ShapeError) as info:
        net.forward(np.zeros((5, 3)))
    message = str(info.value)
    assert "nn.Linear(4 -> 1) at '1.1' in Sequential" in message
    assert "expected" in message and "(5, 2)" in message
    with pytest.raises(InputTypeError, match=r"nn.Linear\(3 -> 2\) at '0'.*got a list"):
        net.forward([1, 2, 3])
    net.get(1).set_child("1", nn.Linear(2, 1))
    assert net.forward(np.zeros((5, 3))).shape == (5, 1)


def test_container_protocol_is_all_the_core_needs():
    class Pair(Module):
        """A container that is not a Container subclass: two named children."""

        def __init__(self, left, right):
            super().__init__()
            self.left, self.right = left, right

        def named_children(self):
            yield "left", self.left
            yield "right", self.right

        def set_child(self, name, module):
            setattr(self, name, module)

        def update_output(self, input):
            return self.left.forward(input) + self.right.forward(input)

    pair = Pair(nn.Linear(2, 2), nn.Linear(2, 2))
    assert len(pair.parameters()[0]) == 4
    assert pair.find_modules("Linear").paths == ["left", "right"]
    pair.float()
    assert pair.left.weight.dtype == np.float32
    pair.replace(lambda m: nn.Identity() if m is pair.right else m)
    assert type(pair.right).__name__ == "Identity"
    twin = pair.clone("weight")
    assert twin.left.weight is pair.left.weight


def test_container_rejects_non_modules():
    with pytest.raises(InputTypeError, match="expects a Module"):
        Container().add("Linear")


def test_manual_seed_makes_initialisation_deterministic():
    nncore.manual_seed(7)
    a = nn.Linear(4, 4)
    nncore.manual_seed(7)
    b = nn.Linear(4, 4)
    np.testing.assert_array_equal(a.weight, b.weight)
    c = nn.Linear(4, 4)
    assert not np.array_equal(a.weight, c.weight)


def test_a_child_index_out_of_range_says_the_size_and_that_indices_start_at_0():
    net = nn.Sequential().add(nn.Tanh())
    with pytest.raises(IndexOutOfRangeError) as error:
        net.get(1)
    assert str(error.value) == (
        "Sequential.get on 1 child: expected index 0 (or -1; indices start at 0), got 1"
    )
    assert isinstance(error.value, IndexError)  # what code catching list errors expects
    net.add(nn.ReLU()).add(nn.Tanh())
    with pytest.raises(
        IndexOutOfRangeError,
        match=r"Sequential\[\] on 3 children: expected an "
        r"index from 0 to 2 \(indices start at 0\), or from -3 to -1",
    ):
        net[3]
    with pytest.raises(InputTypeError, match="expected an integer index, got '1'"):
        net.get("1")
    with pytest.raises(IndexOutOfRangeError, match="Sequential.remove on 0 children"):
        nn.Sequential().remove()
    with pytest.raises(IndexOutOfRangeError, match="Sequential.insert on 3 children"):
        net.insert(nn.Tanh(), 4)  # a list would quietly append
    assert net.get(-1) is net[2] and len(net[0:2]) == 2
    assert net.insert(nn.Tanh(), 3).size() == 4
    criteria = nn.MultiCriterion().add(nn.MSECriterion())
    with pytest.raises(IndexOutOfRangeError, match="MultiCriterion.get on 1 criterion"):
        criteria.get(1)
    x = nn.Identity()()
    with pytest.raises(IndexOutOfRangeError, match="gModule.get on 2 module"):
        nn.gModule([x], [nn.Tanh()(x)]).get(2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_copies_compute_in_numpys_own_dtype_object(dtype):
    # forward's fast path compares dtypes by identity: a copy must not carry a copied dtype
    module = nn.Sequential(nn.Linear(3, 2), nn.Tanh()).type(dtype)
    for copy in (module.clone(), module.clone("weight"), pickle.loads(pickle.dumps(module))):
        for part in copy.list_modules():
            assert part.dtype is np.dtype(dtype)
        x = np.ones((4, 3), dtype)
        np.testing.assert_array_equal(copy.forward(x), module.forward(x))


def test_parameters_see_every_change_between_calls():
    # parameters() reuses its last check while the network holds the same arrays: each kind of
    # change must be seen on the next call
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    net = nn.Sequential(a, b)
    params, grads = net.parameters()
    expected = [a.weight, a.bias, b.weight, b.bias]
    assert len(params) == 4 and all(p is q for p, q in zip(params, expected, strict=True))
    b.weight = a.weight  # shared by assignment, each with its own gradient: refused
    with pytest.raises(ParameterLayoutError, match="has its own gradient"):
        net.parameters()
    b.share(a, "weight")  # shared properly: one parameter
    params, grads = net.parameters()
    assert len(params) == 3 and params[0] is a.weight and grads[0] is a.grad_weight
    a.grad_bias.shape = (2, 1)  # reshaped in place: misshapen now
    with pytest.raises(ParameterLayoutError, match="to have the shape of bias"):
        net.parameters()
    a.grad_bias.shape = (2,)
    b.bias = a.weight[0, :2]  # overlaps another parameter without being it
    b.grad_bias = np.zeros(2)
    with pytest.raises(ParameterLayoutError, match="overlap in memory"):
        net.parameters()
    b.bias, b.grad_bias = np.zeros(2), np.zeros(2)
    params, grads = net.parameters()
    assert params[-1] is b.bias and grads[-1] is b.grad_bias


def test_parameters_of_an_unhashable_module_are_checked_every_time():
    class Compared(nn.Linear):  # defines __eq__ alone: instances cannot be dictionary keys
        def __eq__(self, other: object) -> bool:
            return self is other

    layer = Compared(3, 2)
    assert net_params_are(layer, [layer.weight, layer.bias])
    layer.grad_bias = np.zeros(3)
    with pytest.raises(ParameterLayoutError, match="to have the shape of bias"):
        layer.parameters()


def net_params_are(module, expected) -> bool:
    params, _ = module.parameters()
    return len(params) == len(expected) and all(
        p is q for p, q in zip(params, expected, strict=True)
    )
