"""What nn-basic's layer tests share: a tolerance, gradients by central differences, a module
after its forward (imported by the test modules beside it)."""

from __future__ import annotations

import numpy as np

from nncore.testing import numeric_gradient

TOL = {"rtol": 1e-12, "atol": 1e-12}


def _arrays(value):
    return [a for item in value for a in _arrays(item)] if isinstance(value, list) else [value]


def check_gradients(module, input, seed=0, eps=1e-6, atol=1e-6, params=True):
    """Compare backward's input and parameter gradients with central differences of
    ``sum(forward(input) * grad_output)``."""
    rng = np.random.default_rng(seed)
    output = module.forward(input)
    grad_output = [rng.standard_normal(o.shape) for o in _arrays(output)]

    def loss():
        outputs = _arrays(module.forward(input))
        return sum(np.sum(o * g) for o, g in zip(outputs, grad_output, strict=True))

    module.zero_grad_parameters()
    module.forward(input)
    go = grad_output if isinstance(output, list) else grad_output[0]
    grad_input = module.backward(input, go)
    targets = list(zip(_arrays(input), _arrays(grad_input), strict=True))
    if params:
        targets += list(zip(*module.parameters(), strict=True))
    for array, analytic in targets:
        numeric = numeric_gradient(loss, array, eps)
        np.testing.assert_allclose(analytic, numeric, atol=atol, rtol=1e-5)


def forwarded(module, input):
    """``module`` after a forward on ``input``: backward differentiates the last forward."""
    module.forward(input)
    return module
