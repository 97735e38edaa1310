"""Installing a package never changes what existing code means; unknown names get suggestions."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import nncore
from nncore import func, nn
from nncore.cli import main
from nncore.errors import AmbiguousNameError, UnknownNameError

PLUGIN = """
    from nncore.plugin import ClassSpec, hookimpl

    @hookimpl
    def nncore_classes():
        return [ClassSpec("{name}", "{package}.layers:{name}")]
"""
LAYERS = """
    from nncore.plugin import Module

    class {name}(Module):
        def __init__(self, *sizes):
            super().__init__()

        def update_output(self, input):
            return input * {factor}

        def update_grad_input(self, input, grad_output):
            return grad_output * {factor}
"""


def install(make_distribution, dist: str, name: str, factor: float = 3.0) -> None:
    package = dist.replace("-", "_")
    make_distribution(
        dist,
        {
            f"{package}/__init__.py": "",
            f"{package}/_plugin.py": PLUGIN.format(name=name, package=package),
            f"{package}/layers.py": LAYERS.format(name=name, factor=factor),
        },
        entry_point=f"{package}._plugin",
    )


def test_a_third_party_linear_changes_nothing_that_says_linear(make_distribution):
    install(make_distribution, "their-layers", "Linear")
    nncore.reload()
    assert nn.Linear.__module__ == "nn_basic.linear"
    assert func.nn.Linear(3, 2).module.__class__.__module__ == "nn_basic.linear"
    from nn_graph import nnop

    assert repr(nnop.Linear(3, 2)) == "nn.Op(Linear(3 -> 2))"
    np.testing.assert_array_equal(nn["their-layers:Linear"]().forward(np.ones(2)), [3.0, 3.0])


def test_a_choice_makes_another_distributions_class_the_default(
    make_distribution, tmp_path, monkeypatch
):
    install(make_distribution, "their-layers", "Linear")
    nncore.reload()
    nncore.prefer("Linear", "their-layers")
    assert nn.Linear.__module__ == "their_layers.layers"
    monkeypatch.setenv("NNCORE_PREFER", "Linear=their-layers")
    assert nncore.reload().resolve("Linear").__module__ == "their_layers.layers"
    monkeypatch.delenv("NNCORE_PREFER")
    (tmp_path / "pyproject.toml").write_text('[tool.nncore.prefer]\nLinear = "their-layers"\n')
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")  # the nearest pyproject.toml above counts
    assert nncore.reload().resolve("Linear").__module__ == "their_layers.layers"
    monkeypatch.chdir(tmp_path.parent)
    assert nncore.reload().resolve("Linear").__module__ == "nn_basic.linear"


def test_two_third_parties_sharing_a_new_name_stay_ambiguous(make_distribution):
    install(make_distribution, "alpha-layers", "Swish", factor=2.0)
    install(make_distribution, "beta-layers", "Swish", factor=3.0)
    nncore.reload()
    with pytest.raises(AmbiguousNameError, match="alpha-layers:Swish, beta-layers:Swish"):
        _ = nn.Swish
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["modules", "Swish"])
    assert "Swish: ambiguous between alpha-layers:Swish, beta-layers:Swish" in out.getvalue()


def test_a_torch_name_whose_provider_is_absent_is_not_taken_by_another(
    make_distribution, monkeypatch
):
    install(make_distribution, "their-layers", "Linear")
    monkeypatch.setenv("NNCORE_DISABLE_PLUGINS", "nn-basic")
    nncore.reload()
    with pytest.raises(UnknownNameError) as error:
        _ = nn.Linear
    message = str(error.value)
    assert "torch/nn's Linear, from nn-basic" in message
    assert "nn['their-layers:Linear']" in message


def test_nncore_plugins_shows_a_shadowed_name(make_distribution):
    install(make_distribution, "their-layers", "Linear")
    nncore.reload()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["plugins"])
    assert "Linear: nn.Linear is nn-basic:Linear; their-layers:Linear shadowed" in out.getvalue()


@pytest.mark.parametrize(
    "name, hint",
    [
        ("Linaer", "did you mean nn.Linear?"),
        ("linear", "did you mean nn.Linear?"),
        ("Conv2d", r"torch/nn's \(and nncore's\) is nn.SpatialConvolution"),
        ("CrossEntropyLoss", "is nn.CrossEntropyCriterion"),
        ("BatchNorm2d", "is nn.SpatialBatchNormalization"),
        ("LSTM", "LSTM is PyTorch's, and torch/nn has no equivalent"),
    ],
)
def test_misspelt_and_foreign_names_get_suggestions(name, hint):
    with pytest.raises(UnknownNameError, match=hint):
        getattr(nn, name)


@pytest.mark.parametrize(
    "module, lua, python",
    [
        (nn.Linear(2, 2), "getParameters", "get_parameters"),
        (nn.Linear(2, 2), "zeroGradParameters", "zero_grad_parameters"),
        (nn.Tanh(), "gradInput", "grad_input"),
        (nn.MSECriterion(), "sizeAverage", "size_average"),
        (nn.Sequential(), "findModules", "find_modules"),
    ],
)
def test_lua_names_say_their_python_name(module, lua, python):
    with pytest.raises(AttributeError, match=f"Torch's {lua} is {python} in nncore"):
        getattr(module, lua)
    assert hasattr(module, python)


def test_a_third_party_module_gets_torch_spellings_without_a_getattr_hook():
    class Scaled(nncore.Module):
        parameter_names = ("gain_vector",)

        def __init__(self, n_features: int, size_average: bool = True) -> None:
            super().__init__()
            self.n_features, self.size_average = n_features, size_average
            self.gain_vector = np.ones(n_features)
            self.grad_gain_vector = np.zeros(n_features)
            self.kept_state = 1  # not declared anywhere: no hint, Python's own error

        def scale_by(self, factor: float) -> None:
            self.gain_vector *= factor

    m = Scaled(3)
    for lua, python in [
        ("nFeatures", "n_features"),
        ("sizeAverage", "size_average"),
        ("gainVector", "gain_vector"),
        ("gradGainVector", "grad_gain_vector"),
        ("scaleBy", "scale_by"),
        ("gradInput", "grad_input"),
    ]:
        with pytest.raises(AttributeError, match=f"Torch's {lua} is {python} in nncore"):
            getattr(m, lua)
    with pytest.raises(AttributeError, match="'Scaled' object has no attribute 'keptState'$"):
        m.keptState  # noqa: B018
    with pytest.raises(AttributeError, match="type object 'Scaled' has no attribute 'scaleBy'"):
        Scaled.scaleBy  # noqa: B018
    with pytest.raises(AttributeError, match="on the CPU"):
        m.cuda  # noqa: B018
    m.scaleBy = "an instance's own attribute"  # a Torch spelling an instance sets still wins
    assert m.scaleBy == "an instance's own attribute"
    # a __getattr__ on Module would make CPython (< 3.12) look up every attribute the slow way
    assert not any("__getattr__" in vars(klass) for klass in type(m).__mro__)


def test_torch_spellings_are_not_offered_for_completion():
    names = dir(nn.Linear(2, 2))
    assert "get_parameters" in names and "grad_weight" in names and "weight" in names
    assert not {"getParameters", "gradWeight", "gradInput", "cuda"} & set(names)
