# mypy: disable-error-code="empty-body"
"""The hooks a layer package implements to contribute to nncore, and what they return.

A plugin is a distribution with an entry point in the ``nncore`` group pointing at a light
registration module (no heavy imports, no side effects) that implements some of these hooks
with ``@nncore.plugin.hookimpl``.  Every hook is optional.  A registered class's conformance
examples live with it: the module that defines the class may define ``examples()``, returning
a list of ``nncore.plugin.Case`` (the test suite and ``nncore check`` run the kit on them).
"""

from __future__ import annotations

from typing import NamedTuple

import pluggy

hookspec = pluggy.HookspecMarker("nncore")
hookimpl = pluggy.HookimplMarker("nncore")

#: the kinds ``nncore.nn`` holds: ``nncore.Module`` subclasses
MODULE_KINDS = ("module", "container", "criterion")
#: the kinds ``nncore.optim`` holds: optimisation functions with torch/optim's contract
#: ``optimizer(opfunc, x, config=None, state=None) -> (x, [f, ...])``, and the classes and
#: functions torch/optim ships beside them (``ConfusionMatrix``, ``Logger``, ``checkgrad``, ...)
OPTIM_KINDS = ("optimizer", "optim-helper")
#: what a registered name is, declared so that listing by kind never imports it
KINDS = MODULE_KINDS + OPTIM_KINDS


class ClassSpec(NamedTuple):
    """One class a plugin provides: short name, lazy ``"pkg.module:Class"`` reference, kind.

    >>> ClassSpec("Swish", "my_layers.swish:Swish")
    ClassSpec(name='Swish', ref='my_layers.swish:Swish', kind='module')
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


@hookspec
def nncore_classes() -> list:
    """Return the classes this plugin provides, as a list of ``nncore.plugin.ClassSpec``.

    Each spec names a class lazily (``"pkg.module:Class"``); nothing is imported until the class
    is first used, so listing names stays cheap even for packages with compiled kernels.  Kinds
    ``module``, ``container`` and ``criterion`` name ``nncore.Module`` subclasses (found in
    ``nncore.nn``); kind ``optimizer`` names a function ``f(opfunc, x, config=None, state=None)``
    that updates the array ``x`` in place from ``opfunc(x) -> (loss, gradient)`` and returns
    ``(x, [loss, ...])``, keeping what it must remember in the dict ``state`` (numbers, strings,
    arrays, lists and dicts of those, so that ``nncore.save`` stores it); kind ``optim-helper``
    names any other class or function of an optimisation package.  Both are found in
    ``nncore.optim``.
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
    ``nncore.plugin.register_call_hook(types, handler)`` (idempotently: the plugin may already
    have done so when it was imported).  nn-graph uses this so that ``nn.Identity()()`` and
    ``nn.Linear(10, 5)(node)`` build graph nodes without nncore importing nn-graph.
    """


@hookspec
def nncore_data_parallel() -> str:
    """Return a lazy reference ``"pkg.module:Class"`` to a data-parallel wrapper.

    ``Class(network)`` is collective over the ranks of a job (MPI's ``COMM_WORLD``): it checks
    that every rank holds a network of the same layout, flattened with ``get_parameters()``,
    and gives every rank rank 0's parameters.  It has ``rank``, ``size`` and ``is_root``,
    ``backward(input, grad_output)`` (the network's backward, then its gradients averaged over
    the ranks), ``shard(order)`` (this rank's equal share of an order of the examples that
    every rank passes), ``mean(value)`` (a number averaged over the ranks) and
    ``abort_on_error()`` (a context manager ending the whole job when its block raises on one
    rank).  nn-parallel provides one; ``nncore demo --parallel`` uses it.
    """
