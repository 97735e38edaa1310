"""torch/optim for nncore: optimisation functions, a line search, ConfusionMatrix and Logger.

Use them through ``from nncore import optim`` (``optim.sgd(feval, params, config, state)``);
each lives in its own module here (``nn_optim.sgd``, ``nn_optim.adam``, ...).  Updates of
long vectors are shared across the cores (``set_num_threads``, ``NNOPTIM_NUM_THREADS``).
"""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``set_num_threads`` and ``get_num_threads`` on first use (the package imports nothing up
    front: listing the registry imports only ``_plugin``)."""
    if name in ("set_num_threads", "get_num_threads"):
        from . import _threads

        return getattr(_threads, name)
    raise AttributeError(f"module 'nn_optim' has no attribute {name!r}")
