"""2 and 4 ranks, each on its part of every batch, end where one process on whole batches does."""

from __future__ import annotations

import numpy as np
import pytest

from nncore import nn, optim


def one_process(worker, algorithm: str, net=None) -> np.ndarray:
    """The reference: plain ``network.backward`` on each whole batch, no MPI."""
    x, y = worker.data()
    net = worker.network() if net is None else net
    params, grads = net.get_parameters()
    criterion = nn.ClassNLLCriterion()
    config = {"learning_rate": 0.1 if algorithm == "sgd" else 0.01}
    state: dict = {}
    for step in range(worker.STEPS):
        batch = slice(step * worker.BATCH, (step + 1) * worker.BATCH)

        def feval(_: np.ndarray, batch: slice = batch) -> tuple[float, np.ndarray]:
            grads.fill(0.0)
            output = net.forward(x[batch])
            loss = criterion.forward(output, y[batch])
            net.backward(x[batch], criterion.backward(output, y[batch]))
            return loss, grads

        optim[algorithm](feval, params, config, state)
    return params


@pytest.mark.parametrize("ranks", [2, 4])
def test_ranks_on_parts_of_each_batch_match_one_process(tmp_path, mpirun, worker, ranks):
    out = tmp_path / "params.npz"
    done = mpirun(ranks, "equivalence", str(out))
    assert done.returncode == 0, done.stderr
    results = np.load(out)
    for algorithm in ("sgd", "adam"):
        expected = one_process(worker, algorithm)
        assert np.abs(expected - worker.network().get_parameters()[0]).max() > 0.01  # it trained
        for mode in ("True-0", "True-1048576", "False-0"):
            np.testing.assert_allclose(
                results[f"{algorithm}-{mode}"], expected, rtol=0, atol=1e-12, err_msg=mode
            )
    # bucket size 0: one allreduce per child with parameters, the last child's first; the
    # default bucket (1 MiB) holds this small network whole; without overlap, no bucket
    second = (worker.N_IN + 1) * worker.N_HIDDEN  # where the second Linear's weight starts
    total = second + (worker.N_HIDDEN + 1) * worker.N_OUT
    assert results["buckets-True-0"].tolist() == [[second, total], [0, second]]
    assert results["buckets-True-1048576"].tolist() == [[0, total]]
    assert results["buckets-False-0"].size == 0
    # the shared parameters (first in the vector) are reduced after the first child, not the third
    for algorithm in ("sgd", "adam"):
        expected = one_process(worker, algorithm, worker.shared_network())
        np.testing.assert_allclose(results[f"shared-{algorithm}"], expected, rtol=0, atol=1e-12)
    shared = (worker.N_IN + 1) * worker.N_IN
    assert results["buckets-shared"].tolist() == [
        [shared, shared + (worker.N_IN + 1) * 3],
        [0, shared],
    ]
