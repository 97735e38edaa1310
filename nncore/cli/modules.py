"""``nncore modules``: registered classes by pattern, provider and kind, without importing any."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._entries import canonical
from .._names import describe_shared, shared_names
from .._registry import registry
from ..errors import NNCoreError
from ..hookspecs import KINDS


class CommandError(NNCoreError):
    """A command cannot run with the arguments it was given (unknown package, ...)."""


def add_to(commands: Any) -> None:
    """Add ``nncore modules`` to the subcommands."""
    modules = commands.add_parser(
        "modules",
        help="list registered classes (wildcards, provider, exclude, kind)",
        description="List the classes installed plugins register, without importing any of "
        "them. PATTERN and --exclude are shell-style wildcards matched against the "
        "short name (Linear) and the qualified name (nn-basic:Linear).",
        epilog="examples: nncore modules '*Conv*' --provider nn-conv; "
        "nncore modules --kind criterion --exclude '*Margin*'",
    )
    modules.add_argument(
        "pattern",
        nargs="?",
        default="*",
        metavar="PATTERN",
        help="wildcard pattern (default: every class)",
    )
    modules.add_argument(
        "--provider", metavar="DIST", help="only classes of this distribution (wildcards allowed)"
    )
    modules.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="leave out classes matching this pattern (repeatable)",
    )
    modules.add_argument(
        "--kind", choices=KINDS, help="only modules, containers, criteria, optimizers, ..."
    )
    modules.add_argument(
        "--names", action="store_true", help="print only the qualified names, one a line"
    )
    modules.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reg = registry()
    if args.provider is not None and not any(c in args.provider for c in "*?["):
        record = reg.plugins.get(canonical(args.provider))
        if record is None:
            raise CommandError(
                f"unknown plugin distribution {args.provider!r} (installed: {installed(reg)})"
            )
        if record.status != "loaded":
            raise CommandError(
                f"plugin {record.distribution} is {record.status}"
                + (f": {record.errors[0]}" if record.errors else "")
            )
    entries = reg.list(args.pattern, provider=args.provider, exclude=args.exclude, kind=args.kind)
    if not entries:
        print(f"no registered class matches {args.pattern!r}", file=sys.stderr)
        return 1
    if args.names:
        for entry in entries:
            print(entry.qualified)
        return 0
    rows: list[tuple[str, ...]] = [("class", "provider", "version", "kind")]
    rows += [(e.name, e.distribution, e.version, e.kind) for e in entries]
    _print_table(rows)
    print(f"{len(entries)} class(es)")
    shared = shared_names(reg)
    for name in sorted({e.name for e in entries} & set(shared)):
        print(describe_shared(name, *shared[name]))
    return 0


def installed(reg: Any) -> str:
    return ", ".join(sorted(reg.plugins)) or "none"


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
