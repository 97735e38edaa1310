"""``nncore new-plugin NAME``: a new layer package that installs and passes its tests at once.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp()) / "nn-my-layers"
>>> created = create("nn-my-layers", root)
>>> created.package, sorted(p.name for p in created.files)[:3]
('nn_my_layers', ['README.md', '__init__.py', '_plugin.py'])
"""

from __future__ import annotations

import argparse
import keyword
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._catalogue import DISTRIBUTIONS
from ..errors import NNCoreError
from .plugin_template import FILES

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*([-_.][A-Za-z0-9]+)*$")
_CLASS = re.compile(r"^[A-Z][A-Za-z0-9]*$")
#: import packages a new one must not shadow: nncore's, its own plugins', and the test folders
_TAKEN = {"nncore", "test", "tests", *(d.replace("-", "_") for d in DISTRIBUTIONS)}


class ScaffoldError(NNCoreError, ValueError):
    """The package cannot be created (bad name, directory already holds files)."""


@dataclass
class Scaffold:
    """What :func:`create` wrote: distribution and import names, root folder, files."""

    distribution: str
    package: str
    class_name: str
    root: Path
    files: list[Path] = field(default_factory=list)


def snake_case(name: str) -> str:
    """``"ScaleShift"`` -> ``"scale_shift"`` (the module file of a class).

    >>> snake_case("SpatialConvolutionMM")
    'spatial_convolution_mm'
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def names(distribution: str, class_name: str = "ScaleShift") -> dict[str, str]:
    """The template variables for a distribution name; raises ScaffoldError for bad names."""
    if not _NAME.match(distribution):
        raise ScaffoldError(
            f"expected a distribution name of letters, digits and single '-', '_' or '.' "
            f"between them (e.g. nn-my-layers), got {distribution!r}"
        )
    dist = re.sub(r"[-_.]+", "-", distribution).lower()
    package = dist.replace("-", "_")
    if keyword.iskeyword(package) or package in _TAKEN:
        raise ScaffoldError(
            f"the import package {package!r} would shadow another module; choose another name"
        )
    if not _CLASS.match(class_name):
        raise ScaffoldError(f"expected a CamelCase class name, got {class_name!r}")
    return {
        "distribution": dist,
        "package": package,
        "class_name": class_name,
        "module": snake_case(class_name),
    }


def create(
    distribution: str, path: str | Path | None = None, class_name: str = "ScaleShift"
) -> Scaffold:
    """Write the package ``distribution`` into ``path`` (default ``./<distribution>``)."""
    variables = names(distribution, class_name)
    root = Path(path) if path is not None else Path.cwd() / variables["distribution"]
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldError(f"{root} already exists and is not an empty directory")
    scaffold = Scaffold(variables["distribution"], variables["package"], class_name, root)
    for template_path, text in FILES.items():
        target = root / string.Template(template_path).substitute(variables)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(string.Template(text).substitute(variables))
        scaffold.files.append(target)
    return scaffold


def add_to(commands: Any) -> None:
    """Add ``nncore new-plugin`` to the subcommands."""
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
    new_plugin.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    created = create(args.name, args.path, class_name=args.class_name)
    print(f"created {created.distribution} in {created.root}:")
    for path in created.files:
        print(f"  {path.relative_to(created.root)}")
    print(f"next: pip install -e {created.root} && pytest {created.root / 'tests'}")
    return 0
