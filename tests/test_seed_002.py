"""Seed 002 (torch/nn's Module reference): its findModules examples across three plugins.

The other seed 002 examples (share, clone, find-and-replace, training/evaluate) are in
test_module.py next to the contract they exercise.
"""

from __future__ import annotations

import numpy as np

from nncore import nn


def multi_resolution_network():
    """Two convolution banks in a ParallelTable, as in the seed (nn-table + nn-conv + nn-basic)."""
    model = nn.ParallelTable()
    for _ in range(2):
        bank = nn.Sequential()
        bank.add(nn.SpatialConvolution(3, 16, 5, 5))
        bank.add(nn.Threshold())
        model.add(bank)
    return model


def test_find_modules_reports_each_convolution_output_size():
    model = multi_resolution_network()
    rng = np.random.default_rng(0)
    model.forward([rng.random((3, 128, 128)), rng.random((3, 64, 64))])
    conv_nodes, containers = model.find_modules("SpatialConvolution")
    # a 5x5 convolution without padding shrinks each side by 4
    assert [node.output.shape for node in conv_nodes] == [(16, 124, 124), (16, 60, 60)]
    assert containers == [model.get(0), model.get(1)]
    assert model.find_modules("nn-conv:SpatialConvolution").paths == ["0.0", "1.0"]


def test_replace_every_threshold_by_tanh_through_the_containers():
    model = multi_resolution_network()
    threshold_nodes, container_nodes = model.find_modules("Threshold")
    assert len(threshold_nodes) == 2
    for node, container in zip(threshold_nodes, container_nodes, strict=False):
        for name, child in container.named_children():
            if child is node:
                container.set_child(name, nn.Tanh())
    assert not model.find_modules("Threshold").modules
    assert model.find_modules("Tanh").paths == ["0.1", "1.1"]
    rng = np.random.default_rng(1)
    outputs = model.forward([rng.random((3, 16, 16)), rng.random((3, 12, 12))])
    assert all(np.all(np.abs(out) <= 1) for out in outputs)  # tanh now bounds the outputs
