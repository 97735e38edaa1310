"""torch/nn's table layers and table containers for nncore.

Torch tables are Python lists (nested lists for nested tables).  Import classes through
``from nncore import nn`` (``nn.ConcatTable``); this package's modules are imported lazily by the
registry.
"""
