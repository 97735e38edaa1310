"""The siamese network of torch/nn's documentation (``HingeEmbeddingCriterion``'s example).

    python examples/siamese.py

One small network (``p1_mlp``) embeds two vectors through two copies of itself that share its
weights (``p2_mlp``); ``PairwiseDistance(1)`` measures how far apart the two embeddings are,
and ``HingeEmbeddingCriterion(1)`` pulls the pair together (target 1) or pushes it apart
(target -1, up to the margin).  Ten plain gradient steps each way show the distance falling,
then rising.  Lua's ``p2_mlp`` took the weights with ``weight:set(...)`` and kept gradients of
its own; here ``clone("weight", "bias")`` shares the gradients too, which updates the weights
by the same sum of the two branches' gradients (nncore refuses a parameter shared without its
gradient: ``get_parameters`` would lose one of the two).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nncore
from nncore import Criterion, Module, nn


def siamese() -> tuple[Module, Module, Module]:
    """``(mlp, p1_mlp, p2_mlp)``: the pair network and its two weight-sharing branches."""
    # one network we are interested in, "p1_mlp"
    p1_mlp = nn.Sequential().add(nn.Linear(5, 2))
    # a copy of it that shares its weights (and here its gradients) for the pair's second half
    p2_mlp = p1_mlp.clone("weight", "bias")
    # a parallel table takes the pair; both go through the same (cloned) mlp
    prl = nn.ParallelTable().add(p1_mlp).add(p2_mlp)
    # the top level network computes the pairwise distance between the two outputs
    mlp = nn.Sequential().add(prl).add(nn.PairwiseDistance(1))
    return mlp, p1_mlp, p2_mlp


def grad_update(mlp: Module, x: Any, y: float, criterion: Criterion, learning_rate: float) -> float:
    """A typical generic gradient update: one step of plain gradient descent on ``(x, y)``;
    returns the loss before the step."""
    pred = mlp.forward(x)
    err = criterion.forward(pred, np.array([y]))
    grad_criterion = criterion.backward(pred, np.array([y]))
    mlp.zero_grad_parameters()
    mlp.backward(x, grad_criterion)
    mlp.update_parameters(learning_rate)
    return err


def main(seed: int = 0, steps: int = 10) -> tuple[list[float], list[float]]:
    """Pull a random pair together, then push it apart; return the distances after each step."""
    nncore.manual_seed(seed)
    mlp, _, _ = siamese()
    # a criterion for pulling together or pushing apart pairs
    crit = nn.HingeEmbeddingCriterion(1)
    # two example vectors
    rng = nncore.random.generator()
    x, y = rng.random(5), rng.random(5)
    together, apart = [], []
    # pull the pair x and y together: the distance between them gets smaller
    for _ in range(steps):
        grad_update(mlp, [x, y], 1, crit, 0.01)
        together.append(float(mlp.forward([x, y])[0]))
        print("together", together[-1])
    # push the pair x and y apart: the distance between them gets larger
    for _ in range(steps):
        grad_update(mlp, [x, y], -1, crit, 0.01)
        apart.append(float(mlp.forward([x, y])[0]))
        print("apart", apart[-1])
    return together, apart


if __name__ == "__main__":
    main()
