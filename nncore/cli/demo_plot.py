"""The demo's plot: where it goes (checked before training) and the curves drawn into it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def default_plot(model: str) -> str:
    """The plot's file name in the ``--out`` directory: one per model, so runs do not collide."""
    return f"nncore-demo-{model}.png"


def plot_path(out: str | Path, model: str = "lenet") -> Path:
    """``out`` itself if it names a ``.png`` file, else ``out/nncore-demo-<model>.png``; its
    folder is made, and the file is checked to be writable, so that a run that cannot save its
    plot fails before training rather than after."""
    out = Path(out)
    if out.suffix.lower() == ".png" and not out.is_dir():
        out.parent.mkdir(parents=True, exist_ok=True)
        path = out
    else:
        out.mkdir(parents=True, exist_ok=True)
        path = out / default_plot(model)
    existed = path.exists()
    with open(path, "ab"):  # what saving the plot will need (changes nothing in the file)
        pass
    if not existed:
        path.unlink()
    return path


def plot_curves(
    path: Path,
    losses: Sequence[float],
    train_accuracies: Sequence[float],
    test_accuracies: Sequence[float],
    title: str,
) -> None:
    """Save the loss and accuracy curves, one point per epoch, to ``path`` (an Agg canvas: no
    display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 3.6), layout="constrained")
    FigureCanvasAgg(figure)
    epochs = np.arange(1, len(losses) + 1)
    left, right = figure.subplots(1, 2)
    left.plot(epochs, losses, marker="o")
    left.set(xlabel="epoch", ylabel="ClassNLLCriterion", title="training loss")
    right.plot(epochs, train_accuracies, marker="o", label="train")
    right.plot(epochs, test_accuracies, marker="o", label="test")
    right.set(
        xlabel="epoch",
        ylabel="accuracy",
        ylim=(0, 1.02),
        title=f"accuracy (test {test_accuracies[-1]:.3f})",
    )
    right.legend(loc="lower right")
    for axes in (left, right):
        axes.grid(alpha=0.3)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.suptitle(title)
    figure.savefig(path, dpi=100)
