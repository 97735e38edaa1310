"""``nncore demo``: LeNet reaches 0.95 and the MLP 0.90 on held-out digits; PNG; deterministic."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("tqdm")
pytest.importorskip("matplotlib")

from sklearn.datasets import load_digits  # noqa: E402

from nncore.cli import (
    demo,  # noqa: E402
    main,  # noqa: E402
)

EPOCHS = 20  # the default schedule: LeNet needs about 15 epochs on some seeds
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_demo_command_reaches_90_percent_and_writes_the_png_it_prints(tmp_path, capsys):
    status = main(
        ["demo", "--epochs", str(EPOCHS), "--seed", "0", "--out", str(tmp_path), "--no-progress"]
    )
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    accuracy = float(next(line for line in lines if line.startswith("test accuracy: "))[15:])
    assert accuracy >= 0.90
    path = next(line for line in lines if line.startswith("plot: "))[6:]
    assert path == str(tmp_path / demo.DEFAULT_PLOT)
    with open(path, "rb") as png:
        assert png.read(8) == PNG_MAGIC


def test_reported_accuracy_is_the_held_out_hit_rate(tmp_path):
    result = demo.run(epochs=EPOCHS, seed=1, out=tmp_path, progress=False)
    x_train, x_test, y_train, y_test = demo.load_digits_split(1)
    assert len(x_train) + len(x_test) == len(load_digits().target)
    assert len(x_test) == pytest.approx(0.25 * len(load_digits().target), abs=1)
    assert x_train.max() <= 1.0 and set(np.unique(y_test)) == set(range(10))
    result.model.evaluate()
    hits = [
        np.argmax(result.model.forward(row)) == label
        for row, label in zip(x_test, y_test, strict=True)
    ]
    assert result.accuracy == pytest.approx(sum(hits) / len(hits), abs=1e-12)
    assert result.accuracy >= 0.90
    assert len(result.losses) == len(result.test_accuracies) == EPOCHS
    assert result.losses[-1] < result.losses[0]


@pytest.mark.parametrize("model, threshold", [("lenet", 0.95), ("mlp", 0.90)])
def test_each_model_reaches_its_accuracy_with_the_default_schedule(tmp_path, model, threshold):
    result = demo.run(model=model, seed=0, out=tmp_path, progress=False)
    assert result.accuracy >= threshold
    assert (model == "lenet") == bool(result.model.find_modules("SpatialConvolution").modules)


def test_same_seed_same_run_other_seed_other_run(tmp_path):
    first = demo.run(epochs=2, seed=7, out=tmp_path / "a.png", progress=False)
    second = demo.run(epochs=2, seed=7, out=tmp_path / "b.png", progress=False)
    other = demo.run(epochs=2, seed=8, out=tmp_path / "c.png", progress=False)
    assert first.accuracy == second.accuracy
    assert first.losses == second.losses
    np.testing.assert_array_equal(first.model.get_parameters()[0], second.model.get_parameters()[0])
    assert first.losses != other.losses


def test_out_may_name_a_png_file_in_a_new_directory(tmp_path):
    target = tmp_path / "nested" / "curves.png"
    assert demo.plot_path(target) == target
    assert target.parent.is_dir()
    assert demo.plot_path(tmp_path / "plots") == tmp_path / "plots" / demo.DEFAULT_PLOT


def test_every_model_choice_builds_a_network_from_the_registry():
    for name, build in demo.MODELS.items():
        network = build(8)
        output = network.forward(np.zeros((3, demo.N_FEATURES)))
        assert output.shape == (3, demo.N_CLASSES), name
        np.testing.assert_allclose(np.exp(output).sum(axis=1), 1.0, rtol=1e-12, atol=0)
