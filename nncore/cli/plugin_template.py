"""The files ``nncore new-plugin`` writes: ``{relative path: text}``, ``string.Template`` syntax.

Variables: ``$distribution`` (``nn-my-layers``), ``$package`` (``nn_my_layers``), ``$class_name``
(``ScaleShift``) and ``$module`` (``scale_shift``).
"""

from __future__ import annotations

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "$distribution"
version = "0.1.0"
description = "Layers for nncore"
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["nncore-torch7>=0.1", "numpy>=1.24"]

[project.optional-dependencies]
test = ["pytest>=8"]

# nncore finds the package through this entry point; the module it names must stay light.
[project.entry-points.nncore]
$distribution = "$package._plugin"

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

INIT = '''\
"""$distribution: layers for nncore.  Use them through ``from nncore import nn``."""
'''

PLUGIN = '''\
"""Registration with nncore: each class's name and the module defining it, no layer imports."""

from __future__ import annotations

from nncore.plugin import ClassSpec, hookimpl, specs

MODULES = {
    "$class_name": "$module",
}


@hookimpl
def nncore_classes() -> list[ClassSpec]:
    return specs("$package", "module", MODULES)
'''

MODULE = '''\
"""$class_name: a learnable scale and shift of every feature."""

from __future__ import annotations

import math

import numpy as np
from nncore.plugin import (
    POSITIVE,
    Case,
    Module,
    expect_float,
    expect_ndim,
    expect_same_shape,
    expect_size,
    generator,
)


class $class_name(Module):
    """``y = x * weight + bias`` over the last dimension; ``weight`` and ``bias`` are ``(size,)``.

    Input ``(size,)`` or ``(batch, size)``.  ``dx = dy * weight``,
    ``dweight += scale * sum(dy * x)``, ``dbias += scale * sum(dy)`` (sums over the batch).
    ``reset(stdv)`` draws from ``U(-stdv, stdv)``, by default ``stdv = 1 / sqrt(size)``.

    >>> $class_name(4)
    nn.$class_name(4)
    """

    parameter_names = ("weight", "bias")
    argument_ranges = {"size": POSITIVE}  # checked, with the annotations, before __init__

    def __init__(self, size: int) -> None:
        super().__init__()
        self.weight = np.empty(size)
        self.grad_weight = np.zeros(size)
        self.bias = np.empty(size)
        self.grad_bias = np.zeros(size)
        self.reset()

    def reset(self, stdv: float | None = None) -> $class_name:
        stdv = 1.0 / math.sqrt(self.weight.size) if stdv is None else stdv
        for _, param, _ in self.own_parameters():
            param[...] = generator().uniform(-stdv, stdv, param.shape)
        return self

    def update_output(self, input: np.ndarray) -> np.ndarray:
        expect_ndim(expect_float(input), (1, 2))
        expect_size(input, -1, self.weight.size)
        return input * self.weight + self.bias

    def update_grad_input(self, input: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        expect_same_shape(grad_output, input, "grad_output", "input")
        return grad_output * self.weight

    def acc_grad_parameters(self, input: np.ndarray, grad_output: np.ndarray,
                            scale: float = 1.0) -> None:
        rows = (input * grad_output).reshape(-1, self.weight.size)
        self.grad_weight += scale * rows.sum(axis=0)
        self.grad_bias += scale * grad_output.reshape(-1, self.weight.size).sum(axis=0)

    def extra_repr(self) -> str:
        return str(self.weight.size)


def examples() -> list[Case]:
    """The conformance kit's cases for $class_name (``nncore check`` runs them)."""
    return [
        Case($class_name(4), input_shape=(3, 4), batched=True,
             bad_inputs=["not an array", np.zeros((3, 5)), np.zeros((2, 3, 4))]),
        Case($class_name(4), input_shape=(4,)),
    ]
'''

TEST_CONFORMANCE = '''\
"""The conformance kit over every example, and every registered class has examples."""

from __future__ import annotations

import nncore
from nncore.testing import parametrize_with_checks, registered_cases

CASES = registered_cases("$distribution")


@parametrize_with_checks([case for _, case in CASES if case is not None])
def test_conformance(case, check):
    check(case)


def test_every_registered_class_has_examples():
    assert CASES, "the plugin is not installed (pip install -e .)"
    assert [name for name, case in CASES if case is None] == []


def test_resolves_through_nncore():
    cls = nncore.nn["$distribution:$class_name"]
    assert cls.__module__ == "$package.$module"
'''

TEST_MODULE = '''\
"""$class_name against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from nncore.plugin import ShapeError

from $package.$module import $class_name


def test_forward_and_gradients_by_hand():
    module = $class_name(2)
    module.weight[...] = [2.0, -1.0]
    module.bias[...] = [0.5, 0.0]
    x = np.array([[1.0, 3.0], [-2.0, 4.0]])
    np.testing.assert_allclose(module.forward(x), [[2.5, -3.0], [-3.5, -4.0]], rtol=0, atol=1e-12)
    module.zero_grad_parameters()
    dy = np.array([[1.0, 1.0], [0.5, 2.0]])
    np.testing.assert_allclose(module.backward(x, dy), [[2.0, -1.0], [1.0, -2.0]], atol=1e-12)
    np.testing.assert_allclose(module.grad_weight, [1.0 - 1.0, 3.0 + 8.0], atol=1e-12)
    np.testing.assert_allclose(module.grad_bias, [1.5, 3.0], atol=1e-12)


def test_wrong_feature_count_is_a_shape_error():
    with pytest.raises(ShapeError, match="size 2"):
        $class_name(2).forward(np.zeros((3, 5)))
'''

README = """\
# $distribution

Layers for nncore (Torch7's nn on numpy), installed as a plugin: nncore finds them through the
`nncore` entry point in `pyproject.toml`.

```bash
pip install -e .            # or: pip install $distribution
nncore modules --provider $distribution
nncore check $distribution  # the conformance kit over every registered class
pytest                      # the package's own tests
```

```python
from nncore import nn
layer = nn.$class_name(4)             # or nn["$distribution:$class_name"] if the name is taken
```

Adding a layer: write `$package/<snake_name>.py` with the class and its conformance examples
(an `examples()` function returning `Case`s, as `$module.py` does), name it in
`$package/_plugin.py`, and test it against values computed by hand in `tests/`.
"""

FILES: dict[str, str] = {
    "pyproject.toml": PYPROJECT,
    "README.md": README,
    "$package/__init__.py": INIT,
    "$package/_plugin.py": PLUGIN,
    "$package/$module.py": MODULE,
    "tests/test_conformance.py": TEST_CONFORMANCE,
    "tests/test_$module.py": TEST_MODULE,
}
