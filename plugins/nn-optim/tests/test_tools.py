"""ConfusionMatrix and Logger: counts, accuracies, Torch's printout, the log file and its plot."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import nncore
from nncore import optim


def test_confusion_matrix_counts_batches_and_single_examples():
    matrix = optim.ConfusionMatrix(3)
    matrix.batch_add(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2]))  # classes
    scores = np.array([[0.1, 0.8, 0.1], [0.7, 0.2, 0.1]])
    matrix.batch_add(scores, np.array([[0, 1, 0], [0, 0, 1]]))  # scores and one-hot rows
    matrix.add(2, 0)
    matrix.add(np.array([0.0, 0.0, 1.0]), 2)
    matrix.batch_add(np.array([1, 1]), np.array([-1, 1]))  # a negative target is missing
    expected = np.array([[1, 0, 1], [0, 3, 1], [1, 0, 2]])
    np.testing.assert_array_equal(matrix.mat, expected)
    matrix.update_valids()
    np.testing.assert_allclose(matrix.valids, [1 / 2, 3 / 4, 2 / 3])
    np.testing.assert_allclose(matrix.unionvalids, [1 / 3, 3 / 4, 2 / 5])
    assert matrix.total_valid == pytest.approx(6 / 9)
    assert matrix.average_valid == pytest.approx((1 / 2 + 3 / 4 + 2 / 3) / 3)
    matrix.zero()
    assert matrix.mat.sum() == 0 and matrix.total_valid == 0


def test_confusion_matrix_prints_like_torch():
    matrix = optim.ConfusionMatrix(["cat", "dog", "bird"])
    matrix.batch_add(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]))
    lines = str(matrix).splitlines()
    assert lines[0] == "ConfusionMatrix:"
    assert lines[1] == "[[       1       0       0]   100.000% \t[class: cat]"
    assert lines[2] == " [       1       1       0]   50.000% \t[class: dog]"
    assert lines[3] == " [       0       0       1]]  100.000% \t[class: bird]"
    assert lines[4] == " + average row correct: 83.333333333333% "
    assert lines[5].startswith(" + average rowUcol correct (VOC measure): 66.6666666666")
    assert lines[6] == " + global correct: 75%"
    unnamed = str(optim.ConfusionMatrix(2)).splitlines()
    assert unnamed[1] == "[[       0       0]   nan% "  # a class never seen: 0/0


def test_confusion_matrix_far_frr_and_bad_input():
    matrix = optim.ConfusionMatrix(3)
    matrix.batch_add(np.array([0, 1, 1, 1]), np.array([0, 0, 1, 1]))
    class_frrs, class_fars, frrs, fars = matrix.far_frr()
    np.testing.assert_allclose(class_frrs, [0.5, 0.0, -1.0])
    np.testing.assert_allclose(class_fars, [0.0, 0.5, -1.0])
    np.testing.assert_allclose(frrs, [0.5, 0.0])
    np.testing.assert_allclose(fars, [0.0, 0.5])
    with pytest.raises(nncore.errors.IndexOutOfRangeError, match="0 to 2"):
        matrix.batch_add(np.array([3]), np.array([0]))
    with pytest.raises(nncore.ShapeError):
        matrix.batch_add(np.zeros((2, 3, 1)), np.array([0, 1]))
    with pytest.raises(nncore.ShapeError):
        matrix.batch_add(np.array([0, 1]), np.array([0]))
    assert matrix.mat.sum() == 4  # nothing counted by the refused calls


def test_logger_writes_rows_by_name_and_position(tmp_path):
    path = tmp_path / "logs" / "train.log"
    log = optim.Logger(path)
    log.add({"training error": 0.5, "test error": 0.75})
    log.add({"training error": 0.25, "test error": 0.5})
    log.close()
    assert path.read_text().splitlines() == [
        "training error\ttest error",
        " 5.0000e-01\t 7.5000e-01",
        " 2.5000e-01\t 5.0000e-01",
    ]
    log = optim.Logger(file=io.StringIO()).set_names(["a", "b"])
    log.add([1, 2.5])
    assert log.symbols == {"a": [1.0], "b": [2.5]}
    with pytest.raises(ValueError, match="expected 2 values"):
        log.add([1.0])
    with pytest.raises(KeyError, match="'c'"):
        log.add({"c": 1.0})
    with pytest.raises(TypeError, match="numbers and strings"):
        log.add([None, 1.0])


def test_logger_plots_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    log = optim.Logger(tmp_path / "accuracy.log").set_names(["train", "test"])
    for i in range(10):
        log.add([1 - math.exp(-i / 3), 1 - math.exp(-i / 4)])
    log.style({"train": "-", "test": "+-"})
    log.set_logscale(True)
    png = log.plot()
    assert png == tmp_path / "accuracy.log.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    only = log.plot("train", path=tmp_path / "train.png")
    assert only is not None and only.exists()
    with pytest.raises(ValueError, match="unknown style"):
        log.style({"train": "*"})
    assert optim.Logger(file=io.StringIO()).set_names(["x"]).plot(path=tmp_path / "n.png") is None
