"""``nncore check``: the conformance kit over every class a plugin distribution registers."""

from __future__ import annotations

import argparse
import fnmatch
import time
from typing import Any

from .._entries import canonical
from .._registry import registry
from ..testing import registered_cases, run_checks
from .modules import CommandError, installed


def add_to(commands: Any) -> None:
    """Add ``nncore check`` to the subcommands."""
    check = commands.add_parser(
        "check",
        help="run the conformance kit over a plugin distribution's classes",
        description="Run every conformance check on every example (Case) a plugin "
        "distribution declares for its registered classes. Exits with status 1 "
        "when a check fails or a registered class has no example.",
    )
    check.add_argument(
        "package",
        metavar="PACKAGE",
        help="distribution name, as in 'nncore plugins' (e.g. nn-basic)",
    )
    check.add_argument(
        "-k",
        "--classes",
        default="*",
        metavar="PATTERN",
        help="only classes matching this wildcard pattern (default: all)",
    )
    check.add_argument(
        "-v", "--verbose", action="store_true", help="list every check, not only the failures"
    )
    check.set_defaults(run=run)


def _reason(message: str, verbose: bool) -> list[str]:
    """The lines of a check's message to print: all of them but blank ones, and without numpy's
    dumps of the whole arrays (``ACTUAL:``, ``DESIRED:``) unless ``verbose``: the lines before
    say which elements differ and by how much."""
    lines = [line.rstrip() for line in message.splitlines() if line.strip()]
    if not verbose:
        dumps = [i for i, line in enumerate(lines) if line.lstrip().startswith("ACTUAL:")]
        lines = lines[: dumps[0]] if dumps else lines
    return lines


def run(args: argparse.Namespace) -> int:
    reg = registry()
    distribution = canonical(args.package)
    record = reg.plugins.get(distribution)
    if record is None:
        raise CommandError(
            f"unknown plugin distribution {args.package!r} (installed: {installed(reg)})"
        )
    if record.status != "loaded":
        raise CommandError(
            f"plugin {distribution} is {record.status}"
            + (f": {record.errors[0]}" if record.errors else "")
        )
    registered = registered_cases(distribution)
    if not registered:  # a plugin of hooks only (nn-parallel): there is nothing to run
        print(
            f"{distribution} {record.version} registers no module classes or optimizers: "
            "nothing to check"
        )
        return 0
    cases = [
        (q, c) for q, c in registered if fnmatch.fnmatchcase(q.partition(":")[2], args.classes)
    ]
    if not cases:
        raise CommandError(f"{distribution} registers no class matching {args.classes!r}")

    start = time.perf_counter()
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    failed_classes: list[str] = []
    missing: list[str] = []
    for qualified, case in cases:
        if case is None:
            missing.append(qualified)
            print(
                f"FAIL {qualified}: no conformance example (define examples() returning a "
                "list of Case in the module of the class)"
            )
            continue
        results = run_checks(case)
        counts = {s: sum(r.status == s for r in results) for s in totals}
        for status, count in counts.items():
            totals[status] += count
        label = "FAIL" if counts["failed"] else "ok  "
        print(
            f"{label} {qualified} [{case.name}]: {counts['passed']} passed, "
            f"{counts['failed']} failed, {counts['skipped']} skipped",
            flush=True,
        )
        for result in results:
            if result.status == "failed" or args.verbose:
                reason = _reason(result.message, args.verbose)
                first = f": {reason[0]}" if reason else ""
                print(f"       {result.status} {result.check}{first}")
                for line in reason[1:]:
                    print(f"         {line}")
        if counts["failed"] and qualified not in failed_classes:
            failed_classes.append(qualified)

    classes = len({q for q, _ in cases})
    print(
        f"{distribution} {record.version}: {classes} class(es), "
        f"{sum(c is not None for _, c in cases)} example(s), {totals['passed']} checks "
        f"passed, {totals['failed']} failed, {totals['skipped']} skipped, {len(missing)} "
        f"class(es) without examples ({time.perf_counter() - start:.1f}s)"
    )
    if failed_classes or missing:
        print(f"FAILED: {', '.join(failed_classes + missing)}")
        return 1
    return 0
