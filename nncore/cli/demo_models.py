"""The demo's networks, built from ``from nncore import nn`` (whichever plugin provides the
names)."""

from __future__ import annotations

from collections.abc import Callable

from .._module import Module

N_FEATURES = 64  # 8x8 pixels
N_CLASSES = 10


def mlp(hidden: int) -> Module:
    """``Linear(64, hidden) - Tanh - Linear(hidden, 10) - LogSoftMax``."""
    from .._namespace import nn

    return (
        nn.Sequential()
        .add(nn.Linear(N_FEATURES, hidden))
        .add(nn.Tanh())
        .add(nn.Linear(hidden, N_CLASSES))
        .add(nn.LogSoftMax())
    )


def lenet(hidden: int) -> Module:
    """A LeNet for 8x8 digits: two (3x3 convolution, padded - ReLU - 2x2 max pooling) stages,
    then ``Linear(64, hidden) - ReLU - Linear(hidden, 10) - LogSoftMax``."""
    from .._namespace import nn

    net = (
        nn.Sequential()
        .add(nn.View(-1, 1, 8, 8))
        .add(nn.SpatialConvolution(1, 8, 3, 3, 1, 1, 1, 1))
        .add(nn.ReLU())
        .add(nn.SpatialMaxPooling(2, 2, 2, 2))
        .add(nn.SpatialConvolution(8, 16, 3, 3, 1, 1, 1, 1))
        .add(nn.ReLU())
        .add(nn.SpatialMaxPooling(2, 2, 2, 2))
        .add(nn.View(-1, 16 * 2 * 2))
        .add(nn.Linear(16 * 2 * 2, hidden))
        .add(nn.ReLU())
        .add(nn.Linear(hidden, N_CLASSES))
        .add(nn.LogSoftMax())
    )
    for layer in net.modules[:2]:  # the pixels need no gradient: skip the first layers' own
        layer.needs_grad_input = False
    return net


#: ``{name: builder(hidden) -> Module}``; every network takes ``(batch, 64)`` pixels in [0, 1]
#: and returns ``(batch, 10)`` log-probabilities.
MODELS: dict[str, Callable[[int], Module]] = {
    "lenet": lenet,
    "mlp": mlp,
}
