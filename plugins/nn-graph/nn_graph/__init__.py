"""nngraph and nnop for nncore: graphs of modules, and parameters as graph nodes.

Calling a module on nodes builds a graph (``h = nn.Linear(10, 5)(x)``; ``nn.Identity()()``
makes an input node); :class:`gModule` turns it into a module.  :data:`nnop` gives
:class:`Parameters` and an operation-only form of every parameterized registered class.
Importing this package installs the call handler that builds nodes; nncore also installs it on
its own (through the plugin's ``nncore_call_handler`` hook) the first time a module is called
on something other than an array.
"""

from ._graph import GraphError
from ._nnop import nnop
from .g_module import gModule
from .graphviz import render, to_dot
from .module_from_criterion import ModuleFromCriterion
from .node import Node
from .op import Op
from .parameters import Parameters

__all__ = ["GraphError", "ModuleFromCriterion", "Node", "Op", "Parameters", "gModule", "nnop",
           "render", "to_dot"]
