"""The ``nncore`` command.

One module a subcommand: ``plugins``, ``modules``, ``info``, ``check``, ``new-plugin``, ``demo``.
Bad arguments and nncore errors end with one ``nncore: error: ...`` line and a non-zero status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import NNCoreError
from . import check, demo, info, modules, new_plugin, plugins
from ._arguments import Parser

SUBCOMMANDS = (plugins, modules, info, check, new_plugin, demo)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``nncore`` and its subcommands."""
    from .. import __version__

    parser = Parser(prog="nncore", description="Torch7's nn on numpy, with layers from plugins.")
    parser.add_argument("--version", action="version", version=f"nncore {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    for subcommand in SUBCOMMANDS:
        subcommand.add_to(commands)
    return parser


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
