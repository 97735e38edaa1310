# mypy: disable-error-code="empty-body"
"""The plugin API: hooks a layer package implements to contribute to nncore.

A plugin is a distribution with an entry point in the ``nncore`` group pointing at a light
registration module (no heavy imports, no side effects) that implements some of these hooks
with ``@nncore.plugin.hookimpl``.  Every hook is optional.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("nncore")


@hookspec
def nncore_classes() -> list:
    """Return the classes this plugin provides, as a list of ``nncore.plugin.ClassSpec``.

    Each spec names a class lazily (``"pkg.module:Class"``); nothing is imported until the class
    is first used, so listing names stays cheap even for packages with compiled kernels.
    """


@hookspec
def nncore_examples() -> str:
    """Return a lazy reference ``"pkg.module:function"`` to the conformance examples.

    The function takes no argument and returns ``{short_name: [nncore.testing.Case, ...]}`` for
    every class the plugin provides.  nncore's test suite runs the conformance kit over them; a
    registered class without examples fails that suite.
    """


@hookspec
def nncore_backend() -> str:
    """Return a one-line description of the active implementation (e.g. compiled or numpy).

    Shown by ``nncore plugins``.  It must not import compiled code just to say so.
    """


@hookspec
def nncore_call_handler() -> str:
    """Return a lazy reference ``"pkg.module:function"`` that installs a call handler.

    ``module(array)`` always runs ``forward``.  The first time a module is called with no
    argument or with something other than an array, nncore imports every plugin's reference
    and calls it with no argument; the function registers its handler with
    ``nncore.calls.register_call_hook(types, handler)`` (idempotently: the plugin may already
    have done so when it was imported).  nn-graph uses this so that ``nn.Identity()()`` and
    ``nn.Linear(10, 5)(node)`` build graph nodes without nncore importing nn-graph.
    """
