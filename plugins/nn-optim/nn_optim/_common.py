"""What the algorithms share: their configuration, the call of ``opfunc``, and block-wise loops
(shared by the cores: ``_threads``).

Configuration keys are torch/optim's in snake_case (``learningRate`` is ``learning_rate``).  As
in Torch, ``state`` defaults to ``config`` itself, so a configuration may also hold the state's
keys; any other key is an error naming it (and nncore's name where it is Torch's).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from nncore.plugin import InputError, InputTypeError, ShapeError

from . import _threads

#: elements per block of the element-wise updates: a few arrays of this many float64 fit in L2
BLOCK = 1 << 16

Opfunc = Callable[[np.ndarray], Any]


def setup(
    name: str,
    config: dict[str, Any] | None,
    state: dict[str, Any] | None,
    defaults: Mapping[str, Any],
    state_keys: Sequence[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(options, state)``: the configuration with its defaults filled in, and the state
    (``config`` itself when ``state`` is None).  An unknown key is an ``InputError``."""
    config = {} if config is None else config
    state = config if state is None else state
    if not isinstance(config, dict) or not isinstance(state, dict):
        raise InputTypeError(
            f"optim.{name}: expected config and state to be dicts, got "
            f"{type(config).__name__} and {type(state).__name__}"
        )
    unknown = config.keys() - defaults.keys() - set(state_keys)
    if unknown:
        raise InputError(_unknown(name, sorted(unknown)[0], defaults))
    return {**defaults, **{k: v for k, v in config.items() if k in defaults}}, state


def _unknown(name: str, key: Any, defaults: Mapping[str, Any]) -> str:
    message = f"optim.{name}: unknown configuration key {key!r}"
    python = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(key)).lower()
    if python in defaults:
        return f"{message}: Torch's {key} is {python} in nncore"
    return f"{message} (it takes {', '.join(defaults)})"


def expect_params(name: str, x: Any) -> np.ndarray:
    """``x`` itself, once checked to be a writable float array (updated in place)."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        what = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise InputTypeError(f"optim.{name}: expected x to be a float array, got {what}")
    if not x.flags.writeable:
        raise InputError(f"optim.{name}: x is read-only, and is updated in place")
    return x


def evaluate(name: str, opfunc: Opfunc, x: np.ndarray) -> tuple[float, np.ndarray]:
    """``opfunc(x)`` checked: a loss (as a float) and a gradient of ``x``'s shape."""
    result = opfunc(x)
    if not isinstance(result, (tuple, list)) or len(result) < 2:
        raise InputError(
            f"optim.{name}: expected opfunc(x) to return (f(x), df/dx), got {result!r:.80}"
        )
    f, grad = result[0], result[1]
    if not isinstance(grad, np.ndarray) or grad.shape != x.shape:
        got = grad.shape if isinstance(grad, np.ndarray) else type(grad).__name__
        raise ShapeError(
            f"optim.{name}: expected opfunc(x)'s gradient to be an array of x's shape "
            f"{x.shape}, got {got}"
        )
    return float(f), grad


def value(name: str, opfunc: Opfunc, x: np.ndarray) -> float:
    """``f(x)`` alone, for the methods that use no gradient: ``opfunc`` may return the loss
    or ``(loss, gradient)``."""
    result = opfunc(x)
    return float(result[0] if isinstance(result, (tuple, list)) else result)


def expect_like(name: str, key: str, array: Any, x: np.ndarray) -> np.ndarray | None:
    """A per-parameter option (``learning_rates``, ``weight_decays``): None or an array of
    ``x``'s shape."""
    if array is None:
        return None
    array = np.asarray(array)
    if array.shape != x.shape:
        raise ShapeError(f"optim.{name}: expected {key} of x's shape {x.shape}, got {array.shape}")
    return array


def zeros_state(state: dict[str, Any], key: str, x: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """``state[key]``, created as an array of ``x``'s shape and dtype filled with ``fill``."""
    array = state.get(key)
    if array is None:
        array = state[key] = np.full(x.shape, fill, x.dtype)
    elif not isinstance(array, np.ndarray) or array.shape != x.shape:
        got = array.shape if isinstance(array, np.ndarray) else type(array).__name__
        raise ShapeError(f"expected state[{key!r}] of x's shape {x.shape}, got {got}")
    return array


_scratch = threading.local()


def _buffer(dtype: np.dtype, size: int) -> np.ndarray:
    cache = getattr(_scratch, "buffers", None)
    if cache is None:
        cache = _scratch.buffers = {}
    buffer = cache.get(dtype)
    if buffer is None or buffer.size < size:
        buffer = cache[dtype] = np.empty(size, dtype)
    return buffer


def blocks(arrays: Sequence[np.ndarray | None], scratch: int = 1) -> Iterator[list[Any]]:
    """Views of the same run of elements of every array (None stays None), then ``scratch``
    buffers of that length, block after block.

    An element-wise update done block by block touches memory once, where whole-array numpy
    operations read and write every array once per operation; the numbers are the same, bit
    for bit.  Arrays that are not all C-contiguous come whole, with whole scratch arrays.
    """
    present = [a for a in arrays if a is not None]
    first = present[0]
    if not all(a.flags.c_contiguous for a in present):
        yield [*arrays, *(np.empty(first.shape, first.dtype) for _ in range(scratch))]
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    size = first.size
    length = min(size, BLOCK)
    buffer = _buffer(first.dtype, max(length, 1) * scratch)
    spare = [buffer[i * length : (i + 1) * length] for i in range(scratch)]
    for start in range(0, size, BLOCK):
        stop = min(start + BLOCK, size)
        n = stop - start
        views = [None if a is None else a[start:stop] for a in flat]
        yield [*views, *(s if n == length else s[:n] for s in spare)]


def elementwise(
    update: Callable[..., None], arrays: Sequence[np.ndarray | None], scratch: int = 1
) -> None:
    """``update(*views, *buffers)`` for every block of :func:`blocks`, on the machine's cores.

    ``update`` is an algorithm's element-wise step written for one block: it is given views
    of the same run of elements of every array (None stays None) and ``scratch`` buffers of
    that length, and changes the arrays in place.  Long vectors are cut into one contiguous
    range per thread on block boundaries (``_threads.split``), each thread meeting the very
    blocks the caller would have met alone: the result is the same bit for bit on any number
    of threads.  Short vectors, and arrays that are not all C-contiguous, are updated in the
    caller.  An exception in any range is raised here, after every range has finished.
    """
    present = [a for a in arrays if a is not None]
    if not all(a.flags.c_contiguous for a in present):
        for views in blocks(arrays, scratch):
            update(*views)
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]

    def part(start: int, stop: int) -> None:
        for views in blocks([None if a is None else a[start:stop] for a in flat], scratch):
            update(*views)

    _threads.run(part, _threads.split(present[0].size, BLOCK))


def abs_sum(a: np.ndarray) -> float:
    """``sum(|a|)`` without a temporary of ``a``'s size."""
    total = 0.0
    for part, tmp in blocks([a]):
        total += float(np.abs(part, out=tmp).sum())
    return total


def divide(a: float, b: float) -> float:
    """``a / b`` as Lua (and IEEE) computes it: inf or NaN where Python raises."""
    with np.errstate(all="ignore"):
        return float(np.float64(a) / np.float64(b))


def sqrt(a: float) -> float:
    """``sqrt(a)``, NaN for a negative ``a`` as in Lua."""
    with np.errstate(all="ignore"):
        return float(np.sqrt(np.float64(a)))
