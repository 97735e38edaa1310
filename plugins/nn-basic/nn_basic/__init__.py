"""torch/nn's simple, transfer and criterion layers for nncore.

Import classes through ``from nncore import nn`` (``nn.Linear``); this package's modules are
imported lazily by the registry.
"""
