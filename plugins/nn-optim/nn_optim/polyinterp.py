"""The minimum of the polynomial interpolating points with values and slopes (torch/optim's
``polyinterp.lua``, after minFunc)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nncore.plugin import ShapeError


def polyinterp(
    points: Any, xmin_bound: float | None = None, xmax_bound: float | None = None
) -> tuple[float, float]:
    """Where the polynomial matching values and slopes at ``points`` is least, and its value
    there: ``(min_pos, min_val)``.

    ``points`` holds N rows ``(x, f(x), f'(x))``; the polynomial, of order ``2N - 1``, matches
    every value and slope.  Two points without bounds (what the Wolfe line search mostly asks)
    take the closed form of the cubic::

        d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2);  d2 = sqrt(d1**2 - g1 g2)
        t = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2), clipped to [x1, x2]

    (``x1`` the smaller, the midpoint when ``d2`` is not real).  Otherwise the least value of
    the polynomial among its real critical points and the bounds, within ``[xmin_bound,
    xmax_bound]`` (default: the points' range), wins; the midpoint of the bounds, with the
    value ``inf``, if none is.  Torch returns ``minPos, fmin`` from this general case and the
    position alone from the closed form; nncore returns the cubic's value at the position from
    the closed form too.

    >>> polyinterp([[0.0, 1.0, -2.0], [2.0, 1.0, 2.0]])   # the parabola (x - 1)**2
    (1.0, 0.0)
    >>> pos, val = polyinterp([[0.0, 0.0, -3.0], [2.0, 2.0, 9.0]], -1.0, 3.0)   # x**3 - 3x
    >>> round(pos, 9), round(val, 9)
    (1.0, -2.0)
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < 1:
        raise ShapeError(f"optim.polyinterp: expected N rows (x, f, g), got shape {pts.shape}")
    with np.errstate(all="ignore"):
        if len(pts) == 2 and xmin_bound is None and xmax_bound is None:
            return _cubic(pts)
        return _general(pts, xmin_bound, xmax_bound)


def _cubic(pts: np.ndarray) -> tuple[float, float]:
    low = int(np.argmin(pts[:, 0]))
    (x1, f1, g1), (x2, f2, g2) = pts[low], pts[1 - low]
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2 = np.sqrt(d1 * d1 - g1 * g2)
    if d2 == d2:
        t = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        t = min(max(t, x1), x2)
    else:
        t = np.mean(pts[:, 0])
    return float(t), _hermite(t, x1, f1, g1, x2, f2, g2)


def _hermite(t: float, x1: float, f1: float, g1: float, x2: float, f2: float, g2: float) -> float:
    """The value at ``t`` of the cubic with values ``f1, f2``, slopes ``g1, g2`` at ``x1, x2``."""
    h = x2 - x1
    s = (t - x1) / h
    h00, h10 = (1 + 2 * s) * (1 - s) ** 2, s * (1 - s) ** 2
    h01, h11 = s * s * (3 - 2 * s), s * s * (s - 1)
    return float(h00 * f1 + h10 * h * g1 + h01 * f2 + h11 * h * g2)


def _general(
    pts: np.ndarray, xmin_bound: float | None, xmax_bound: float | None
) -> tuple[float, float]:
    n = len(pts)
    order = 2 * n - 1
    low = float(pts[:, 0].min()) if xmin_bound is None else float(xmin_bound)
    high = float(pts[:, 0].max()) if xmax_bound is None else float(xmax_bound)
    powers = np.arange(order, -1, -1)
    values = pts[:, :1] ** powers  # rows x**order ... x**0
    slopes = np.zeros((n, order + 1))
    slopes[:, :-1] = powers[:-1] * pts[:, :1] ** (powers[:-1] - 1)
    system = np.vstack([values, slopes])
    params = np.linalg.lstsq(system, np.concatenate([pts[:, 1], pts[:, 2]]), rcond=None)[0]
    params[np.abs(params) <= 1e-12] = 0
    derivative = params[:-1] * powers[:-1]
    candidates: list[complex] = [complex(low), complex(high), *map(complex, pts[:, 0])]
    if np.all(np.isfinite(derivative)):
        candidates += list(_roots(derivative))
    best, fbest = (low + high) / 2, math.inf
    for point in candidates:
        if point.imag == 0 and low <= point.real <= high:
            value = float(np.polyval(params, point.real))
            if value < fbest:
                best, fbest = point.real, value
    return float(best), fbest


def _roots(coefficients: np.ndarray) -> np.ndarray:
    """The roots of a polynomial (highest power first), coefficients below 1e-12 taken as 0."""
    c = np.where(np.abs(coefficients) < 1e-12, 0.0, coefficients)
    if not np.any(c):
        return np.zeros(0, complex)
    return np.roots(c).astype(complex)
