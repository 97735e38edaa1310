"""torch/optim for nncore: optimisation functions, a line search, ConfusionMatrix and Logger.

Use them through ``from nncore import optim`` (``optim.sgd(feval, params, config, state)``);
each lives in its own module here (``nn_optim.sgd``, ``nn_optim.adam``, ...).
"""

__version__ = "0.1.0"
