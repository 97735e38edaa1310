"""The ``nncore`` subcommands for the plugin ecosystem: ``modules``, ``info``, ``check``,
``new-plugin``.

``nncore modules`` reads only registry entries (names, providers, kinds), so listing never imports
a layer or a compiled kernel.  ``nncore check`` runs the conformance kit over every class a
distribution registers and fails when one fails a check or has no example.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .errors import NNCoreError
from .hookspecs import KINDS


class CommandError(NNCoreError):
    """A command cannot run with the arguments it was given (unknown package, ...)."""


def add_commands(commands: Any) -> None:
    """Add the ecosystem subcommands to ``nncore``'s subparsers."""
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
    modules.add_argument("--kind", choices=KINDS, help="only modules, containers or criteria")
    modules.add_argument(
        "--names", action="store_true", help="print only the qualified names, one a line"
    )
    modules.set_defaults(run=run_modules)

    info = commands.add_parser(
        "info",
        help="provider, version, signature and documentation of a class",
        description="Describe a registered class: provider, version, kind, constructor "
        "signature and docstring. Imports that class only.",
    )
    info.add_argument(
        "name", metavar="NAME", help="short (Linear) or qualified (nn-basic:Linear) class name"
    )
    info.set_defaults(run=run_info)

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
    check.set_defaults(run=run_check)

    new_plugin = commands.add_parser(
        "new-plugin",
        help="create a new layer package ready to install and test",
        description="Create a plugin distribution NAME: pyproject.toml with the nncore entry "
        "point, one module with its conformance examples, tests running the "
        "conformance kit, and a README. Install it with 'pip install -e DIR' and run "
        "'pytest DIR/tests'.",
    )
    new_plugin.add_argument("name", metavar="NAME", help="distribution name, e.g. nn-my-layers")
    new_plugin.add_argument(
        "--path",
        default=None,
        metavar="DIR",
        help="directory to create (default: ./NAME); must not exist or be empty",
    )
    new_plugin.add_argument(
        "--class-name",
        default="ScaleShift",
        metavar="CLASS",
        help="name of the example module class (default: %(default)s)",
    )
    new_plugin.set_defaults(run=run_new_plugin)


# --------------------------------------------------------------------------- modules
def run_modules(args: argparse.Namespace) -> int:
    from .registry import canonical, registry

    reg = registry()
    if args.provider is not None and not any(c in args.provider for c in "*?["):
        record = reg.plugins.get(canonical(args.provider))
        if record is None:
            raise CommandError(
                f"unknown plugin distribution {args.provider!r} (installed: {_installed(reg)})"
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
    ambiguous = sorted({e.name for e in entries if len(reg.by_name.get(e.name, ())) > 1})
    print(
        f"{len(entries)} class(es)"
        + (
            f"; provided more than once (use qualified names): {', '.join(ambiguous)}"
            if ambiguous
            else ""
        )
    )
    return 0


def _installed(reg: Any) -> str:
    return ", ".join(sorted(reg.plugins)) or "none"


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# --------------------------------------------------------------------------- info
def run_info(args: argparse.Namespace) -> int:
    from .info import info

    print(info(args.name))
    return 0


# --------------------------------------------------------------------------- check
def run_check(args: argparse.Namespace) -> int:
    import fnmatch

    from .registry import canonical, registry
    from .testing import registered_cases, run_checks

    reg = registry()
    distribution = canonical(args.package)
    record = reg.plugins.get(distribution)
    if record is None:
        raise CommandError(
            f"unknown plugin distribution {args.package!r} (installed: {_installed(reg)})"
        )
    if record.status != "loaded":
        raise CommandError(
            f"plugin {distribution} is {record.status}"
            + (f": {record.errors[0]}" if record.errors else "")
        )
    cases = [
        (q, c)
        for q, c in registered_cases(distribution)
        if fnmatch.fnmatchcase(q.partition(":")[2], args.classes)
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
                message = f": {result.message.splitlines()[0]}" if result.message else ""
                print(f"       {result.status} {result.check}{message}")
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


# --------------------------------------------------------------------------- new-plugin
def run_new_plugin(args: argparse.Namespace) -> int:
    from .scaffold import create

    created = create(args.name, args.path, class_name=args.class_name)
    print(f"created {created.distribution} in {created.root}:")
    for path in created.files:
        print(f"  {path.relative_to(created.root)}")
    print(f"next: pip install -e {created.root} && pytest {created.root / 'tests'}")
    return 0
