"""Named series logged during training, written as text and plotted to PNG (torch/optim's
``Logger.lua``; matplotlib draws what gnuplot drew)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

#: gnuplot's styles as Torch's Logger names them, in matplotlib's terms
STYLES: dict[str, dict[str, Any]] = {
    ".": {"marker": ".", "linestyle": "none"},
    "+": {"marker": "+", "linestyle": "none"},
    "-": {"linestyle": "-"},
    "+-": {"marker": "+", "linestyle": "-"},
    "~": {"linestyle": "-"},
    "|": {"drawstyle": "steps-mid"},
}


class Logger:
    """Record named values (errors, accuracies) row by row, and plot them.

    ``Logger("train.log")`` writes each row to that file (tab-separated, numbers as
    ``%11.4e``, the names on the first line); without a path rows go to standard output.
    ``set_names([...])`` then ``add([v1, v2])``, or ``add({"name": value, ...})`` directly.
    ``style({"name": "-"})`` picks gnuplot's styles (``.``, ``+``, ``-``, ``+-``, ``~``,
    ``|``), ``set_logscale(True)`` a log y axis, and ``plot()`` writes ``<path>.png`` with
    matplotlib (Torch wrote ``<path>.eps`` with gnuplot and showed a window).

    >>> import io
    >>> log = Logger(file=io.StringIO()).set_names(["train", "test"])
    >>> log.add([0.5, 0.25]); log.add([0.125, 0.0625])
    >>> print(log.file.getvalue(), end="")
    train	test
     5.0000e-01	 2.5000e-01
     1.2500e-01	 6.2500e-02
    >>> log.symbols["test"]
    [0.25, 0.0625]
    """

    def __init__(
        self,
        filename: str | Path | None = None,
        timestamp: bool = False,
        file: IO[str] | None = None,
    ) -> None:
        self.name = str(filename) if filename is not None else "stdout"
        self.path: Path | None = None
        if file is not None:
            self.file = file
        elif filename is not None:
            path = Path(filename)
            if timestamp:
                import time

                path = path.with_name(path.name + time.strftime("-%Y_%m_%d_%X"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.path = path
            self.file = path.open("w")
        else:
            self.file = sys.stdout
        self.names: list[str] = []
        self.symbols: dict[str, list[Any]] = {}
        self.styles: dict[str, list[str]] = {}
        self.default_style = "+"
        self.logscale = False
        self.show_plot = True

    def set_names(self, names: Sequence[str]) -> Logger:
        """Name the series; ``add`` may then take a list of values in this order."""
        self._start([str(n) for n in names])
        return self

    def _start(self, names: list[str]) -> None:
        self.names = names
        for name in names:
            self.symbols.setdefault(name, [])
            self.styles.setdefault(name, [self.default_style])
        self.file.write("".join(f"{n}\t" for n in names).rstrip("\t") + "\n")
        self.file.flush()

    def add(self, symbols: Mapping[str, Any] | Sequence[Any]) -> None:
        """Record one row: ``{name: value}``, or values in the order of ``set_names``."""
        if isinstance(symbols, Mapping):
            if not self.names:
                self._start([str(k) for k in symbols])
            row = {str(k): v for k, v in symbols.items()}
        else:
            if len(symbols) != len(self.names):
                raise ValueError(
                    f"Logger: expected {len(self.names)} values (set_names), got {len(symbols)}"
                )
            row = dict(zip(self.names, symbols, strict=True))
        unknown = row.keys() - set(self.names)
        if unknown:
            raise KeyError(f"Logger: unknown series {sorted(unknown)[0]!r} (known: {self.names})")
        cells = []
        for name, value in row.items():
            if isinstance(value, str):
                cells.append(value)
            elif isinstance(value, (int, float)) or hasattr(value, "__float__"):
                value = float(value)
                cells.append(f"{value:11.4e}")
            else:
                raise TypeError(f"Logger: can only log numbers and strings, got {value!r:.40}")
            self.symbols[name].append(value)
        self.file.write("\t".join(cells) + "\n")
        self.file.flush()

    def style(self, styles: Mapping[str, str | Sequence[str]] | Sequence[str]) -> Logger:
        """Plot styles by name, or in the order of the names."""
        if isinstance(styles, Mapping):
            pairs = list(styles.items())
        else:
            pairs = list(zip(self.names, styles, strict=False))
        for name, style in pairs:
            chosen = [style] if isinstance(style, str) else list(style)
            for s in chosen:
                if s not in STYLES:
                    raise ValueError(f"Logger: unknown style {s!r} (styles: {', '.join(STYLES)})")
            self.styles[name] = chosen
        return self

    def set_logscale(self, state: bool) -> None:
        """Plot the y axis on a log scale."""
        self.logscale = bool(state)

    def display(self, state: bool) -> None:
        """Kept for Torch's API: ``plot`` writes a file and never opens a window."""
        self.show_plot = bool(state)

    def plot(self, *names: str, path: str | Path | None = None) -> Path | None:
        """Write the series (all, or those named) with at least two values to a PNG file,
        ``path`` or the log file's path plus ``.png``; returns where, or None if nothing was
        plotted.  Needs matplotlib (``pip install nn-optim[plot]``)."""
        target = Path(path) if path is not None else None
        if target is None and self.path is not None:
            target = self.path.with_name(self.path.name + ".png")
        if target is None:
            raise ValueError("Logger.plot: a logger writing to stdout needs plot(path=...)")
        series = [(n, self.symbols[n]) for n in (names or self.symbols)]
        series = [(n, v) for n, v in series if len(v) > 1]
        if not series:
            return None
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError as error:
            raise ImportError("Logger.plot needs matplotlib: pip install nn-optim[plot]") from error
        figure, axes = plt.subplots(figsize=(7, 4))
        for name, values in series:
            for style in self.styles.get(name, [self.default_style]):
                axes.plot(range(1, len(values) + 1), values, label=name, **STYLES[style])
        if self.logscale:
            axes.set_yscale("log")
        axes.grid(True)
        axes.legend()
        axes.set_title(f"<Logger::{self.name}>")
        target.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(target, dpi=100)
        plt.close(figure)
        return target

    def close(self) -> None:
        """Close the log file (not standard output, nor a file given to the constructor)."""
        if self.path is not None:
            self.file.close()
