"""The ``nncore`` command: ``plugins`` and ``demo`` here; ``modules``, ``info``, ``check`` and
``new-plugin`` in :mod:`nncore.commands`.

Bad arguments and nncore errors end with one ``nncore: error: ...`` line and a non-zero status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from .errors import NNCoreError


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


_OTHER_IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".pdf",
    ".svg",
    ".eps",
    ".ps",
    ".tif",
    ".tiff",
    ".webp",
    ".gif",
    ".bmp",
}


def _plot_destination(text: str) -> str:
    if Path(text).suffix.lower() in _OTHER_IMAGE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"expected a directory or a .png file, got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``nncore`` and its subcommands."""
    from . import __version__
    from .demo import MODELS

    parser = _Parser(prog="nncore", description="Torch7's nn on numpy, with layers from plugins.")
    parser.add_argument("--version", action="version", version=f"nncore {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    plugins = commands.add_parser(
        "plugins",
        help="list plugin distributions, their status and failures",
        description="List the installed nncore plugins: distribution, version, status "
        "(loaded, failed, disabled), number of classes, backend and errors.",
    )
    plugins.add_argument(
        "--classes", action="store_true", help="also list each plugin's registered class names"
    )
    plugins.set_defaults(run=_plugins)

    demo = commands.add_parser(
        "demo",
        help="train a small network on scikit-learn's digits",
        description="Train a network on scikit-learn's bundled 8x8 digits with plain SGD over "
        "get_parameters(), print the test accuracy and save a loss/accuracy plot.",
    )
    demo.add_argument(
        "--model",
        choices=sorted(MODELS),
        default="lenet",
        help="network to train (default: %(default)s)",
    )
    demo.add_argument(
        "--epochs",
        type=_positive_int,
        default=20,
        help="passes over the training set (default: %(default)s)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds initialisation, split and shuffling (default: %(default)s)",
    )
    demo.add_argument(
        "--out",
        type=_plot_destination,
        default=".",
        help="directory for the plot, or a .png file name (default: %(default)s)",
    )
    demo.add_argument(
        "--hidden",
        type=_positive_int,
        default=64,
        help="hidden units of the fully connected layer (default: %(default)s)",
    )
    demo.add_argument(
        "--lr", type=_positive_float, default=0.1, help="SGD learning rate (default: %(default)s)"
    )
    demo.add_argument(
        "--batch-size", type=_positive_int, default=16, help="minibatch size (default: %(default)s)"
    )
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    demo.set_defaults(run=_demo)

    from .commands import add_commands

    add_commands(commands)
    return parser


def _plugins(args: argparse.Namespace) -> int:
    from .registry import registry

    reg = registry()
    if not reg.plugins:
        print("no nncore plugins installed (try: pip install nn-basic)")
        return 0
    header = ("distribution", "version", "status", "classes", "backend")
    rows = [
        (r.distribution, r.version, r.status, str(r.class_count), r.backend or "-")
        for r in sorted(reg.plugins.values(), key=lambda r: r.distribution)
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(
                cell.rjust(w) if i == 3 else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        record = reg.plugins.get(row[0])
        if record is None:
            continue
        for error in record.errors:
            print(f"    error: {error}")
        if args.classes and record.status == "loaded":
            names = sorted(e.name for e in reg.entries.values() if e.distribution == row[0])
            print(f"    classes: {', '.join(names)}")
    failed = [r for r in reg.plugins.values() if r.status == "failed"]
    if failed:
        print(f"{len(failed)} plugin(s) failed to load; their classes are unavailable")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import run

    result = run(
        model=args.model,
        epochs=args.epochs,
        seed=args.seed,
        out=args.out,
        hidden=args.hidden,
        lr=args.lr,
        batch_size=args.batch_size,
        progress=not args.no_progress,
    )
    print(f"test accuracy: {result.accuracy:.4f}")
    print(f"plot: {result.plot.absolute()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nncore`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (NNCoreError, ImportError, OSError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"nncore: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
