"""A run checkpointed on 2 ranks resumes on 4 and ends where one uninterrupted process does."""

from __future__ import annotations

import numpy as np

import nncore


def test_a_run_resumes_from_its_checkpoint_on_another_number_of_ranks(tmp_path, mpirun):
    checkpoint = tmp_path / "run.nncore"
    halfway, resumed, straight = (tmp_path / f"{name}.npz" for name in "abc")
    for ranks, epochs, path, out in [
        (2, 2, checkpoint, halfway),
        (4, 4, checkpoint, resumed),
        (1, 4, tmp_path / "other.nncore", straight),
    ]:
        done = mpirun(ranks, "resume", str(path), str(epochs), str(out))
        assert done.returncode == 0, done.stderr
    saved = nncore.load(checkpoint)
    assert saved["epoch"] == 4 and saved["state"]["t"] == 16  # 4 epochs of 4 Adam steps
    expected = np.load(straight)["params"]
    np.testing.assert_allclose(np.load(resumed)["params"], expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(saved["params"], np.load(resumed)["params"])
    assert np.abs(np.load(halfway)["params"] - expected).max() > 1e-3  # it trained on after
    assert not list(tmp_path.glob("*.tmp*"))  # nothing left of the atomic writes


def test_a_checkpoint_of_another_network_is_refused(tmp_path, mpirun):
    checkpoint = tmp_path / "run.nncore"
    nncore.save(
        {"epoch": 1, "layout": "0123456789abcdef", "params": np.zeros(3), "state": {}}, checkpoint
    )
    done = mpirun(2, "resume", str(checkpoint), "2", str(tmp_path / "out.npz"))
    assert done.returncode != 0
    assert "expected a checkpoint of this network" in done.stderr
    assert "got layout 0123456789abcdef with 3 parameters" in done.stderr
