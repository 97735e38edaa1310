"""Argument types and the parser class of the ``nncore`` command."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def plot_destination(text: str) -> str:
    """A directory (made if missing) or a ``.png`` file name: any other suffix names a file the
    plot cannot be (``notes.txt``, ``curves.pdf``), unless it is an existing directory."""
    path = Path(text)
    if path.suffix and path.suffix.lower() != ".png" and not path.is_dir():
        raise argparse.ArgumentTypeError(f"expected a directory or a .png file, got {text!r}")
    return text
