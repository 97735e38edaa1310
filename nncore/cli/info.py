"""``nncore info``: what the registry knows about a class; and the generated table of every class.

``info(name)`` imports the class (to read its signature and docstring); listing with
``registry().list`` never does.
"""

from __future__ import annotations

import argparse
import inspect
from dataclasses import dataclass
from typing import Any

from .._catalogue import DISTRIBUTIONS
from .._entries import Entry
from .._registry import registry


@dataclass
class ClassInfo:
    """Provider, version, kind, constructor signature and documentation of a registered class
    (or function, for an optimiser)."""

    qualified: str
    name: str
    distribution: str
    version: str
    kind: str
    signature: str
    summary: str
    doc: str

    def __str__(self) -> str:
        return (
            f"{self.qualified} ({self.kind}, {self.distribution} {self.version})\n"
            f"  {self.name}{self.signature}\n\n{self.doc}"
        )


def signature_of(cls: Any) -> str:
    """The constructor signature without ``self``, e.g. ``(input_size, output_size, bias=True)``;
    a function's own signature (an optimiser's ``(opfunc, x, config=None, state=None)``)."""
    try:
        if isinstance(cls, type):
            parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]  # type: ignore[misc]
        else:
            parameters = list(inspect.signature(cls).parameters.values())
    except (TypeError, ValueError):
        return "(...)"
    bare = [p.replace(annotation=inspect.Parameter.empty) for p in parameters]
    return str(inspect.Signature(bare))


def describe(entry: Entry) -> ClassInfo:
    cls = entry.load()
    doc = inspect.getdoc(cls) or ""
    summary = doc.strip().split("\n\n")[0].replace("\n", " ") if doc else ""
    return ClassInfo(
        entry.qualified,
        entry.name,
        entry.distribution,
        entry.version,
        entry.kind,
        signature_of(cls),
        summary,
        doc,
    )


def info(name: str) -> ClassInfo:
    """Describe the class ``name`` (short or qualified) — imports it."""
    return describe(registry().entry(name))


def modules_markdown(providers: tuple[str, ...] = DISTRIBUTIONS) -> str:
    """The Markdown table of docs/modules.md: every class of the given providers."""
    lines = [
        "# Modules",
        "",
        "Every class registered by nncore's own plugins, generated from the registry by",
        "`python -m nncore.cli.info > docs/modules.md` (a test keeps this file current).",
        "",
    ]
    for provider in providers:
        entries = registry().list(provider=provider)
        if not entries:
            continue
        lines += [
            f"## {provider}",
            "",
            "| class | kind | constructor | summary |",
            "|---|---|---|---|",
        ]
        for entry in entries:
            described = describe(entry)
            summary = described.summary.replace("|", "\\|")
            signature = described.signature.replace("|", "\\|")
            lines.append(f"| `{entry.name}` | {entry.kind} | `{signature}` | {summary} |")
        lines.append("")
    return "\n".join(lines)


def add_to(commands: Any) -> None:
    """Add ``nncore info`` to the subcommands."""
    info = commands.add_parser(
        "info",
        help="provider, version, signature and documentation of a class",
        description="Describe a registered class: provider, version, kind, constructor "
        "signature and docstring. Imports that class only.",
    )
    info.add_argument(
        "name", metavar="NAME", help="short (Linear) or qualified (nn-basic:Linear) class name"
    )
    info.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(info(args.name))
    return 0


if __name__ == "__main__":
    print(modules_markdown(), end="")
