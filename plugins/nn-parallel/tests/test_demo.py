"""``mpiexec -n 4 nncore demo --parallel``: the ranks train on shards of the digits, rank 0 alone
reports, and the accuracy is the single process's."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sklearn", reason="the demo needs nncore-torch7[demo]")


def test_the_parallel_demo_reaches_the_accuracy_of_one_process(tmp_path, mpirun):
    from nncore.cli import demo

    options = ["--model", "mlp", "--epochs", "2", "--seed", "3", "--no-progress"]
    done = mpirun(
        4, "demo", "--parallel", *options, "--out", str(tmp_path), module="nncore.cli", timeout=90
    )
    assert done.returncode == 0, done.stderr
    reported = re.findall(r"test accuracy: (\d\.\d+)", done.stdout)
    assert len(reported) == 1, done.stdout  # rank 0 alone reports
    assert [p.name for p in tmp_path.iterdir()] == ["nncore-demo-mlp.png"]
    alone = demo.run(model="mlp", epochs=2, seed=3, out=tmp_path / "alone.png", progress=False)
    # the ranks' batches make up the single process's, but for the one example that pads the
    # 1347 training digits to equal shards
    assert abs(float(reported[0]) - alone.accuracy) <= 2 / 450
    assert alone.accuracy > 0.8
