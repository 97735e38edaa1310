"""Convolution, pooling and LookupTable layers for nncore, with compiled kernels."""


def set_num_threads(n: int) -> None:
    """Share convolutions across up to ``n`` threads (1: never, and BLAS is left alone).

    The default is ``NNCONV_NUM_THREADS``, else the number of cores this process may use.
    """
    from ._threads import set_num_threads as set_threads

    set_threads(n)


def get_num_threads() -> int:
    """How many threads convolutions are shared across."""
    from ._threads import get_num_threads as get_threads

    return get_threads()
