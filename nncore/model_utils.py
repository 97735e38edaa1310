"""Helpers Torch7 programs kept beside their models (karpathy/char-rnn's ``util/model_utils``).

``combine_all_parameters(*networks)`` is ``get_parameters()`` over several networks at once: one
flat parameter vector and one flat gradient vector for an optimiser, a parameter shared between
the networks counted once.  ``clone_many_times(net, T)`` makes ``T`` copies of a network that
share its parameters and their gradients, as a recurrent network unrolled over ``T`` time steps
needs: each copy keeps its own activations, and nothing else of its own.

>>> import numpy as np
>>> from nncore import nn
>>> from nncore.model_utils import clone_many_times, combine_all_parameters
>>> encoder, decoder = nn.Linear(3, 2), nn.Linear(2, 3)
>>> params, grads = combine_all_parameters(encoder, decoder)
>>> params.shape, np.shares_memory(params, decoder.bias)
((17,), True)
>>> steps = clone_many_times(encoder, 4)
>>> steps[2].weight is encoder.weight, steps[2].grad_weight is encoder.grad_weight
(True, True)
"""

from __future__ import annotations

from typing import TypeVar, cast

import numpy as np

from . import _sharing
from ._container import Container
from ._module import Module
from .errors import ArgumentError, InputTypeError

M = TypeVar("M", bound=Module)


def combine_all_parameters(*networks: Module) -> tuple[np.ndarray, np.ndarray]:
    """One flat parameter vector and one flat gradient vector over all of ``networks``.

    The networks' parameters become views into the two vectors, in the order the networks are
    given, as :meth:`Module.get_parameters` does for one network (the same code does it: the
    networks are flattened as the children of one container).  A parameter shared between
    networks (with ``share`` or ``clone(names)``) appears once.  Calling it again with the same
    networks returns vectors over the same memory, as does ``get_parameters()`` on one of them
    (the part of the vectors it owns).

    Parameters
    ----------
    *networks
        the modules whose parameters are combined (at least one).

    Returns
    -------
    (params, grads)
        two 1-D arrays of the same size.
    """
    if not networks:
        raise InputTypeError("combine_all_parameters expected at least one network, got none")
    for k, network in enumerate(networks):
        if not isinstance(network, Module):
            raise InputTypeError(
                f"combine_all_parameters expected Modules, got {type(network).__name__} "
                f"as network {k}"
            )
    if len(networks) == 1:
        return networks[0].get_parameters()
    return Container(*networks).get_parameters()


def clone_many_times(net: M, times: int) -> list[M]:
    """``times`` copies of ``net`` sharing its parameters and their gradients.

    Every array a module of ``net`` declares as a parameter (``weight``, ``bias``, any other
    name) and its gradient are the prototype's own arrays in every clone, so a gradient
    accumulated by any clone lands in the prototype's gradients (and in its flat vector when
    ``net`` was flattened).  The prototype's current ``output`` and ``grad_input`` arrays are
    not copied into the clones, nor are its flat vectors: ``times`` clones cost the activations
    each computes (and the modules' small state), not ``times`` copies of the parameters.

    Parameters
    ----------
    net
        the prototype, flattened or not.
    times
        how many clones (``T``, the number of time steps in char-rnn), 0 or more.
    """
    if not isinstance(net, Module):
        raise InputTypeError(f"clone_many_times expected a Module, got {type(net).__name__}")
    if isinstance(times, bool) or not isinstance(times, (int, np.integer)) or times < 0:
        raise ArgumentError(f"clone_many_times expected times >= 0 (an int), got {times!r}")
    names = sorted({name for module in net.list_modules() for name in module.parameter_names})
    return [cast(M, _sharing.clone(net, names, activations=False)) for _ in range(int(times))]
