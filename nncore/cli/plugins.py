"""``nncore plugins``: the installed plugin distributions, their status, classes and failures."""

from __future__ import annotations

import argparse
from typing import Any

from .._names import describe_shared, shared_names
from .._registry import SLOW_IMPORT_SECONDS, Registry, registry


def add_to(commands: Any) -> None:
    """Add ``nncore plugins`` to the subcommands."""
    plugins = commands.add_parser(
        "plugins",
        help="list plugin distributions, their status and failures",
        description="List the installed nncore plugins: distribution, version, status "
        "(loaded, failed, disabled), number of classes, backend and errors. Exits with "
        "status 1 when a plugin failed to load.",
    )
    plugins.add_argument(
        "--classes", action="store_true", help="also list each plugin's registered class names"
    )
    plugins.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    reg = registry()
    if not reg.plugins:
        print("no nncore plugins installed (try: pip install nn-basic)")
        return 0
    for line in listing(reg, sorted(reg.plugins), classes=args.classes):
        print(line)
    failed = [r for r in reg.plugins.values() if r.status == "failed"]
    if failed:
        print(f"{len(failed)} plugin(s) failed to load; their classes are unavailable")
        return 1
    return 0


def listing(reg: Registry, distributions: list[str], classes: bool = False) -> list[str]:
    """The table ``nncore plugins`` prints for some of the registry's distributions, each row
    followed by the plugin's errors, a slow registration and (``classes``) its class names."""
    header = ("distribution", "version", "status", "classes", "backend")
    records = [reg.plugins[name] for name in distributions]
    rows = [
        (r.distribution, r.version, r.status, str(r.class_count), r.backend or "-") for r in records
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    shared = shared_names(reg)
    for row, record in zip([header, *rows], [None, *records], strict=True):
        lines.append(
            "  ".join(
                cell.rjust(w) if i == 3 else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if record is None:
            continue
        lines += [f"    error: {error}" for error in record.errors]
        if record.load_seconds > SLOW_IMPORT_SECONDS:
            lines.append(f"    slow: registering it took {record.load_seconds:.1f} s")
        for name, (meaning, others) in sorted(shared.items()):
            if any(q.startswith(f"{record.distribution}:") for q in [meaning, *others]):
                lines.append(f"    {describe_shared(name, meaning, others)}")
        if classes and record.status == "loaded":
            names = sorted(e.name for e in reg.entries.values() if e.distribution == row[0])
            lines.append(f"    classes: {', '.join(names)}")
    return lines
