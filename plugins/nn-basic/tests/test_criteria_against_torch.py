"""nn-basic's criteria against PyTorch's losses on random values: the loss and its gradient
(skipped where torch is not installed)."""

from __future__ import annotations

import numpy as np
import pytest
from nn_basic.abs_criterion import AbsCriterion
from nn_basic.bce_criterion import BCECriterion
from nn_basic.class_nll_criterion import ClassNLLCriterion
from nn_basic.cosine_embedding_criterion import CosineEmbeddingCriterion
from nn_basic.cross_entropy_criterion import CrossEntropyCriterion
from nn_basic.dist_kl_div_criterion import DistKLDivCriterion
from nn_basic.hinge_embedding_criterion import HingeEmbeddingCriterion
from nn_basic.margin_ranking_criterion import MarginRankingCriterion
from nn_basic.mse_criterion import MSECriterion
from nn_basic.multi_label_margin_criterion import MultiLabelMarginCriterion
from nn_basic.multi_label_soft_margin_criterion import MultiLabelSoftMarginCriterion
from nn_basic.multi_margin_criterion import MultiMarginCriterion
from nn_basic.smooth_l1_criterion import SmoothL1Criterion
from nn_basic.soft_margin_criterion import SoftMarginCriterion
from nn_basic.spatial_class_nll_criterion import SpatialClassNLLCriterion


# ----------------------------------------------------------------------------- PyTorch cross-check
def _torch_cases(rng: np.random.Generator) -> list[tuple]:
    """(criterion, input, target, torch loss of (input tensor, target)) with matching semantics."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    x, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    p, bits = rng.uniform(0.05, 0.95, (4, 3)), rng.integers(0, 2, (4, 3)).astype(float)
    signs = rng.choice([-1.0, 1.0], (4, 3))
    classes, w = np.array([2, 0, 1, 2]), np.array([0.5, 2.0, 1.5])
    labels = np.array([[2, 0, -1], [1, -1, 0], [0, 1, 2], [2, -1, -1]])
    dist = rng.uniform(0, 1, (4, 3)) * (rng.uniform(0, 1, (4, 3)) > 0.3)
    x4, t4 = rng.standard_normal((2, 3, 2, 2)), rng.integers(0, 3, (2, 2, 2))
    a, b, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), signs[:, 0]
    tt = torch.tensor
    return [
        (MSECriterion(), x, t, lambda v: F.mse_loss(v, tt(t))),
        (AbsCriterion(False), x, t, lambda v: F.l1_loss(v, tt(t), reduction="sum")),
        (SmoothL1Criterion(), 2 * x, t, lambda v: F.smooth_l1_loss(v, tt(t))),
        (BCECriterion(w), p, bits, lambda v: F.binary_cross_entropy(v, tt(bits), tt(w))),
        (
            DistKLDivCriterion(),
            x,
            dist,
            lambda v: F.kl_div(v, tt(dist), reduction="sum") / dist.size,
        ),
        (SoftMarginCriterion(), x, signs, lambda v: F.soft_margin_loss(v, tt(signs))),
        (
            MultiLabelSoftMarginCriterion(w),
            x,
            bits,
            lambda v: F.multilabel_soft_margin_loss(v, tt(bits), tt(w)),
        ),
        (
            HingeEmbeddingCriterion(0.5),
            x,
            signs,
            lambda v: F.hinge_embedding_loss(v, tt(signs), margin=0.5),
        ),
        (
            ClassNLLCriterion(w, ignore_index=1),
            x,
            classes,
            lambda v: F.nll_loss(v, tt(classes), tt(w), ignore_index=1),
        ),
        (CrossEntropyCriterion(w), x, classes, lambda v: F.cross_entropy(v, tt(classes), tt(w))),
        (SpatialClassNLLCriterion(w), x4, t4, lambda v: F.nll_loss(v, tt(t4), tt(w))),
        (
            MultiMarginCriterion(2, w, 0.5),
            x,
            classes,
            lambda v: F.multi_margin_loss(v, tt(classes), 2, 0.5, tt(w)),
        ),
        (MultiLabelMarginCriterion(), x, labels, lambda v: F.multilabel_margin_loss(v, tt(labels))),
        (
            CosineEmbeddingCriterion(0.2),
            [a, b],
            y,
            lambda v: F.cosine_embedding_loss(v[0], v[1], tt(y), margin=0.2),
        ),
        (
            MarginRankingCriterion(0.3),
            [a[:, 0], b[:, 0]],
            y,
            lambda v: F.margin_ranking_loss(v[0], v[1], tt(y), margin=0.3),
        ),
    ]


@pytest.mark.parametrize("k", range(15))
def test_agrees_with_pytorch(k):
    torch = pytest.importorskip("torch")
    crit, input, target, reference = _torch_cases(np.random.default_rng(k))[k]
    leaves = [
        torch.tensor(v, requires_grad=True) for v in (input if isinstance(input, list) else [input])
    ]
    expected = reference(leaves if isinstance(input, list) else leaves[0])
    expected.backward()
    assert crit.forward(input, target) == pytest.approx(expected.item(), rel=1e-9, abs=1e-12)
    grads = crit.backward(input, target)
    for grad, leaf in zip(grads if isinstance(input, list) else [grads], leaves, strict=True):
        np.testing.assert_allclose(grad, leaf.grad.numpy(), rtol=1e-7, atol=1e-9)
