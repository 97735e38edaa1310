"""The ``nncore`` command.

One module a subcommand: ``plugins``, ``modules``, ``info``, ``check``, ``new-plugin``, ``demo``.
Bad arguments and nncore errors end with one ``nncore <subcommand>: error: ...`` line and a
non-zero status.  A reader that stops early (``nncore modules | head -1``) ends the command
quietly, as it ends any Unix tool.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from ..errors import NNCoreError
from . import check, demo, info, modules, new_plugin, plugins
from ._arguments import Parser

SUBCOMMANDS = (plugins, modules, info, check, new_plugin, demo)

#: the status of a command stopped by a closed pipe: a shell's ``128 + SIGPIPE``
BROKEN_PIPE_STATUS = 128 + getattr(signal, "SIGPIPE", 13)


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
    try:
        return _run(argv)
    except BrokenPipeError:
        return _stop_writing()


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help and --version print, then exit: a closed pipe shows here
        sys.stdout.flush()
        raise
    try:
        status = int(args.run(args))
        sys.stdout.flush()  # what is still buffered meets a closed pipe here, not at exit
        return status
    except BrokenPipeError:
        raise
    except (NNCoreError, ImportError, OSError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"nncore {args.command}: error: {message}", file=sys.stderr)
        return 1


def _stop_writing() -> int:
    """The reader of stdout has gone: write nothing more (not even at exit) and say so in the
    status only, as a tool ended by SIGPIPE does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a replaced sys.stdout (tests) has no file descriptor
        pass
    return BROKEN_PIPE_STATUS
