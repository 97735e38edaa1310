"""The cases of ``conv.py``: each builds nn-conv's step and PyTorch's on the same values, and
checks once that both compute the same outputs and gradients before they are timed.

``torch`` is the PyTorch module the script imported, or None in its process that times nn-conv
alone: then a case gives its own step and None.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
from _harness import Step
from nn_conv.lookup_table import LookupTable
from nn_conv.spatial_convolution import SpatialConvolution
from nn_conv.spatial_max_pooling import SpatialMaxPooling

from nncore import nn

if TYPE_CHECKING:
    from torch import Tensor
    from torch.nn import Sequential as TorchSequential


def _close(ours: np.ndarray, theirs: Tensor, what: str) -> None:
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=2e-3, atol=2e-3, err_msg=what)


def conv_case(
    torch: ModuleType | None, batch: int, n_in: int, size: int, n_out: int, k: int, pad: int
) -> tuple[Step, Step]:
    """SpatialConvolution forward+backward (input gradient included), ours and PyTorch's."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, n_in, size, size)).astype(np.float32)
    ours = SpatialConvolution(n_in, n_out, k, k, 1, 1, pad).float()
    out_size = size + 2 * pad - k + 1
    grad = rng.standard_normal((batch, n_out, out_size, out_size)).astype(np.float32)

    def ours_step() -> None:
        ours.forward(x)
        ours.backward(x, grad)

    if torch is None:
        return ours_step, None
    theirs = torch.nn.Conv2d(n_in, n_out, k, padding=pad)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight))
        theirs.bias.copy_(torch.from_numpy(ours.bias))
    tx, tgrad = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(grad)

    def torch_step() -> None:
        tx.grad = None
        theirs(tx).backward(tgrad)

    ours.zero_grad_parameters()
    theirs.zero_grad()
    ours_step()
    torch_step()
    _close(ours.output, theirs(tx), "conv output")
    _close(ours.grad_input, tx.grad, "conv grad_input")
    _close(ours.grad_weight, theirs.weight.grad, "conv grad_weight")
    return ours_step, torch_step


def pool_case(torch: ModuleType | None) -> tuple[Step, Step]:
    """2x2 max pooling forward+backward on 64x16x24x24."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 16, 24, 24)).astype(np.float32)
    grad = rng.standard_normal((64, 16, 12, 12)).astype(np.float32)
    ours = SpatialMaxPooling(2, 2).float()

    def ours_step() -> None:
        ours.forward(x)
        ours.backward(x, grad)

    if torch is None:
        return ours_step, None
    theirs = torch.nn.MaxPool2d(2)
    tx, tgrad = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(grad)

    def torch_step() -> None:
        tx.grad = None
        theirs(tx).backward(tgrad)

    ours_step()
    torch_step()
    _close(ours.output, theirs(tx), "pool output")
    _close(ours.grad_input, tx.grad, "pool grad_input")
    return ours_step, torch_step


def lookup_cases(torch: ModuleType | None) -> dict[str, tuple[str, Step, Step]]:
    """LookupTable(50000, 128) on 64x64 ids: forward, and backward (gradient of the weight)."""
    rng = np.random.default_rng(2)
    ids = rng.integers(0, 50000, (64, 64))
    grad = rng.standard_normal((64, 64, 128)).astype(np.float32)
    ours = LookupTable(50000, 128).float()

    def ours_backward() -> None:
        ours.backward(ids, grad)

    if torch is None:
        return {
            "LookupTable 50000x128, 64x64 ids, forward": (
                "lookup fwd",
                lambda: ours.forward(ids),
                None,
            ),
            "LookupTable 50000x128, 64x64 ids, backward": ("lookup bwd", ours_backward, None),
        }
    theirs = torch.nn.Embedding(50000, 128)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight))
    tids, tgrad = torch.from_numpy(ids), torch.from_numpy(grad)
    tout = theirs(tids)

    def torch_backward() -> None:
        theirs.weight.grad = None  # a fresh dense gradient, as a training step makes
        tout.backward(tgrad, retain_graph=True)

    ours.forward(ids)
    ours.zero_grad_parameters()
    ours_backward()
    torch_backward()
    _close(ours.output, tout, "lookup output")
    _close(ours.grad_weight, theirs.weight.grad, "lookup grad_weight")

    def torch_forward() -> None:
        with torch.no_grad():
            theirs(tids)

    forward = ("lookup fwd", lambda: ours.forward(ids), torch_forward)
    return {
        "LookupTable 50000x128, 64x64 ids, forward": forward,
        "LookupTable 50000x128, 64x64 ids, backward": ("lookup bwd", ours_backward, torch_backward),
    }


LEARNING_RATE = 0.01


def lenet() -> nn.Sequential:
    """LeNet-5 for 1x28x28 images: two 5x5 convolution + tanh + 2x2 max pooling stages, then
    three fully connected layers, as log-probabilities."""
    net = nn.Sequential()
    for layer in (
        nn.SpatialConvolution(1, 6, 5, 5),
        nn.Tanh(),
        nn.SpatialMaxPooling(2, 2, 2, 2),
        nn.SpatialConvolution(6, 16, 5, 5),
        nn.Tanh(),
        nn.SpatialMaxPooling(2, 2, 2, 2),
        nn.View(16 * 4 * 4),
        nn.Linear(256, 120),
        nn.Tanh(),
        nn.Linear(120, 84),
        nn.Tanh(),
        nn.Linear(84, 10),
        nn.LogSoftMax(),
    ):
        net.add(layer)
    return net.float()


def torch_lenet(torch: ModuleType, ours: nn.Sequential) -> TorchSequential:
    """The same network in PyTorch, with ``ours``'s weights (both keep torch's layouts)."""
    tn = torch.nn
    theirs = tn.Sequential(
        tn.Conv2d(1, 6, 5),
        tn.Tanh(),
        tn.MaxPool2d(2, 2),
        tn.Conv2d(6, 16, 5),
        tn.Tanh(),
        tn.MaxPool2d(2, 2),
        tn.Flatten(),
        tn.Linear(256, 120),
        tn.Tanh(),
        tn.Linear(120, 84),
        tn.Tanh(),
        tn.Linear(84, 10),
        tn.LogSoftmax(dim=1),
    )
    with torch.no_grad():
        for mine, their in zip(ours.modules, theirs, strict=True):
            if getattr(mine, "weight", None) is not None:
                their.weight.copy_(torch.from_numpy(mine.weight))
                their.bias.copy_(torch.from_numpy(mine.bias))
    return theirs


def lenet_case(torch: ModuleType | None, input_gradient: bool = False) -> tuple[Step, Step]:
    """One SGD training step of LeNet-5 on a batch of 64: forward, NLL loss, backward, update.

    As in a PyTorch training loop, nothing needs the gradient with respect to the images, so
    the first layer skips it (``needs_grad_input``; autograd skips it for an input that does
    not require a gradient).  With ``input_gradient`` both compute it, as torch/nn always did.
    """
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, 64)
    net, criterion = lenet(), nn.ClassNLLCriterion().float()
    net.get(0).needs_grad_input = input_gradient
    params, grads = net.get_parameters()

    def ours_step() -> float:
        grads.fill(0)
        out = net.forward(x)
        loss = criterion.forward(out, labels)
        net.backward(x, criterion.backward(out, labels))
        np.subtract(params, LEARNING_RATE * grads, out=params)  # the layers hold views of it
        return loss

    if torch is None:
        return ours_step, None
    theirs = torch_lenet(torch, net)
    tparams = list(theirs.parameters())
    tx, tlabels = torch.from_numpy(x).requires_grad_(input_gradient), torch.from_numpy(labels)
    nll = torch.nn.NLLLoss()

    def torch_step() -> float:
        tx.grad = None
        for p in tparams:
            p.grad = None
        loss = nll(theirs(tx), tlabels)
        loss.backward()
        with torch.no_grad():
            for p in tparams:
                p.add_(p.grad, alpha=-LEARNING_RATE)
        return loss.item()

    with torch.no_grad():
        _close(net.forward(x), theirs(tx), "LeNet output")
    np.testing.assert_allclose(ours_step(), torch_step(), rtol=1e-4, err_msg="LeNet loss")
    for mine, their in zip(net.modules, theirs, strict=True):
        if getattr(mine, "weight", None) is not None:
            _close(mine.weight, their.weight, f"{mine!r} weight after one step")
            _close(mine.grad_weight, their.weight.grad, f"{mine!r} weight gradient")
    if input_gradient:
        _close(net.grad_input, tx.grad, "LeNet input gradient")
    return ours_step, torch_step
