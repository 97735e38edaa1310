"""What a plugin's registration module imports: ``hookimpl`` and ``ClassSpec``.

>>> from nncore.plugin import ClassSpec
>>> ClassSpec("Swish", "my_layers.swish:Swish")
ClassSpec(name='Swish', ref='my_layers.swish:Swish', kind='module')
"""

from __future__ import annotations

from typing import NamedTuple

import pluggy

hookimpl = pluggy.HookimplMarker("nncore")

KINDS = ("module", "container", "criterion")


class ClassSpec(NamedTuple):
    """One class a plugin provides: short name, lazy ``"pkg.module:Class"`` reference, kind.

    ``kind`` is ``"module"``, ``"container"`` or ``"criterion"``; it is declared here so that
    listing by kind never imports the class.
    """

    name: str
    ref: str
    kind: str = "module"


def specs(package: str, kind: str, names: dict[str, str]) -> list[ClassSpec]:
    """``ClassSpec``s for ``{ClassName: "module_file"}`` inside ``package``.

    >>> specs("nn_basic", "module", {"Linear": "linear"})
    [ClassSpec(name='Linear', ref='nn_basic.linear:Linear', kind='module')]
    """
    return [ClassSpec(name, f"{package}.{module}:{name}", kind) for name, module in names.items()]
