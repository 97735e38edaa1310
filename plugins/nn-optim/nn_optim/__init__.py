"""torch/optim for nncore: optimisation functions, a line search, ConfusionMatrix and Logger.

Use them through ``from nncore import optim`` (``optim.sgd(feval, params, config, state)``);
each lives in its own module here (``nn_optim.sgd``, ``nn_optim.adam``, ...).  Updates of
long vectors are shared across the cores (``set_num_threads``, ``NNOPTIM_NUM_THREADS``).
"""

__version__ = "0.1.0"

from ._threads import get_num_threads, set_num_threads

__all__ = ["get_num_threads", "set_num_threads"]
