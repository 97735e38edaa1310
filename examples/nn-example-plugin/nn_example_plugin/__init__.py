"""nn-example-plugin: ``Swish`` and a lower-overhead ``Linear`` for nncore.

Nothing is imported here: nncore loads each class on first use through ``from nncore import nn``.
"""
