"""torch/nn's simple, transfer and criterion layers for nncore.

Import classes through ``from nncore import nn`` (``nn.Linear``); this package's modules are
imported lazily by the registry.

torch/nn's trainer, which is not a module, is imported from here: ``from nn_basic import
StochasticGradient``.
"""


def __getattr__(name: str) -> object:
    """``StochasticGradient`` on first use (the package imports nothing up front)."""
    if name == "StochasticGradient":
        from .stochastic_gradient import StochasticGradient

        return StochasticGradient
    raise AttributeError(f"module 'nn_basic' has no attribute {name!r}")
