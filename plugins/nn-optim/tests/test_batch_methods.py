"""cg, lbfgs (with and without lswolfe), polyinterp, fista, cmaes, de and checkgrad: hand-computed
values and convergence on Rosenbrock's function and convex quadratics."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nncore
from nncore import optim


def rosenbrock(x):
    """Rosenbrock's function in ``len(x)`` dimensions (minimum 0 at all ones) and its gradient."""
    f = float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return f, g


def quadratic(dim=8, seed=0):
    """A convex quadratic ``1/2 x'Ax - b'x`` with condition number 100, and its minimum."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    a = q @ np.diag(np.geomspace(1, 100, dim)) @ q.T
    b = rng.standard_normal(dim)
    return (lambda x: (float(0.5 * x @ a @ x - b @ x), a @ x - b)), np.linalg.solve(a, b)


def test_polyinterp_closed_form_and_bounded_cases():
    # (x - 1)^2 through (0, 1, -2) and (2, 1, 2): least at 1, where it is 0
    assert optim.polyinterp([[0.0, 1.0, -2.0], [2.0, 1.0, 2.0]]) == pytest.approx((1.0, 0.0))
    x1, f1, g1, x2, f2, g2 = 0.0, 0.0, -1.0, 1.0, -0.25, 0.5
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2 = np.sqrt(d1**2 - g1 * g2)
    t = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    position, _ = optim.polyinterp([[x2, f2, g2], [x1, f1, g1]])
    assert position == pytest.approx(t, abs=1e-15)
    # no real root of the slope: the midpoint when nothing is lower
    assert optim.polyinterp([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])[0] == pytest.approx(0.0)
    with pytest.raises(nncore.ShapeError):
        optim.polyinterp([[0.0, 1.0]])


def cubic(x):
    """``x^3 - 3x``: a local minimum at 1 (value -2), a local maximum at -1 (value 2)."""
    return x**3 - 3 * x, 3 * x**2 - 3


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((), (1.0, -2.0)),  # the closed form
        ((-1.0, 3.0), (1.0, -2.0)),  # the general case: the critical point
        ((1.5, 3.0), (1.5, 1.5**3 - 4.5)),  # the lower bound, past the critical point
        ((-3.0, 3.0), (-3.0, -18.0)),  # the lower bound, below the local minimum
    ],
)
def test_polyinterp_returns_the_position_and_value_of_a_cubics_minimum(bounds, expected):
    points = [[x, *cubic(x)] for x in (2.0, 0.0)]  # the interpolating cubic is x^3 - 3x
    position, value = optim.polyinterp(points, *bounds)
    assert position == pytest.approx(expected[0], abs=1e-9)
    assert value == pytest.approx(expected[1], abs=1e-9)


def test_polyinterp_value_in_the_closed_forms_fallback_and_with_three_points():
    # x^3 + x has no critical point: the midpoint of 0 and 1, where it is 0.625
    position, value = optim.polyinterp([[0.0, 0.0, 1.0], [1.0, 2.0, 4.0]])
    assert (position, value) == pytest.approx((0.5, 0.625), abs=1e-15)
    # three points of (x - 0.5)^2 + 2: the interpolating quintic is that parabola
    points = [[x, (x - 0.5) ** 2 + 2, 2 * (x - 0.5)] for x in (0.0, 1.0, 2.0)]
    assert optim.polyinterp(points) == pytest.approx((0.5, 2.0), abs=1e-9)
    # bounds that hold no point: the midpoint, and Torch's fmin left at infinity
    assert optim.polyinterp(points, 3.0, 1.0) == (2.0, math.inf)


def test_lswolfe_returns_a_step_satisfying_the_strong_wolfe_conditions():
    fn, _ = quadratic()
    x = np.zeros(8)
    f, g = fn(x)
    d = -g
    gtd = float(g @ d)
    start = x.copy()
    f_new, g_new, x_new, t, evaluations = optim.lswolfe(fn, x, 1.0, d, f, g, gtd)
    assert x_new is x and np.allclose(x, start + t * d)
    assert f_new <= f + 1e-4 * t * gtd
    assert abs(float(g_new @ d)) <= -0.9 * gtd
    assert f_new == pytest.approx(fn(x)[0]) and evaluations >= 1
    with pytest.raises(ValueError, match="tolx"):
        optim.lswolfe(fn, x, 1.0, d, f, g, gtd, {"tolx": 1.0})


@pytest.mark.parametrize("line_search", [None, "lswolfe"])
def test_lbfgs_solves_rosenbrock(line_search):
    x = np.zeros(10)
    state: dict = {}
    config = {"max_iter": 100, "line_search": line_search, "tol_fun": 1e-12, "tol_x": 1e-15}
    if line_search is None:
        config["learning_rate"] = 0.05  # fixed steps need a small rate on this valley
        config["max_iter"] = 5000
        config["max_eval"] = 10000
    for _ in range(30):
        _, losses, _ = optim.lbfgs(rosenbrock, x, config, state)
    assert losses[-1] < 1e-10
    np.testing.assert_allclose(x, 1.0, atol=1e-4)


def test_lbfgs_line_search_given_as_the_function_and_torch_first_step():
    fn, solution = quadratic()
    x = np.zeros(8)
    _, losses, evaluations = optim.lbfgs(
        fn, x, {"max_iter": 50, "line_search": optim.lswolfe, "tol_fun": 1e-12, "tol_x": 1e-15}
    )
    np.testing.assert_allclose(x, solution, atol=1e-6)
    assert losses[0] == 0.0 and evaluations >= len(losses)  # lswolfe counts its evaluations
    # the first iteration steps min(1, 1/sum|g|) * learning_rate along -g
    x = np.zeros(8)
    g = fn(x)[1]
    optim.lbfgs(fn, x, {"max_iter": 1})
    np.testing.assert_allclose(x, -min(1, 1 / np.abs(g).sum()) * g)


def test_lbfgs_keeps_n_correction_pairs_and_stops_at_an_optimum():
    fn, solution = quadratic()
    x = np.zeros(8)
    state: dict = {}
    optim.lbfgs(fn, x, {"max_iter": 6, "n_correction": 3, "tol_fun": 0, "tol_x": 0}, state)
    assert len(state["old_dirs"]) == len(state["old_stps"]) == 3
    assert state["n_iter"] == 6 and state["func_eval"] == 6
    x[...] = solution
    _, losses, evaluations = optim.lbfgs(fn, x, {}, {})
    assert evaluations == 1 and len(losses) == 1  # sum|g| <= tol_fun at once


def test_cg_solves_a_quadratic_and_rosenbrock():
    fn, solution = quadratic()
    x = np.zeros(8)
    _, losses, evaluations = optim.cg(fn, x, {"max_eval": 100})
    assert losses == sorted(losses, reverse=True) and evaluations <= 100
    for _ in range(5):  # as in Torch, a failed line search ends a call: call again
        optim.cg(fn, x, {"max_eval": 100})
    np.testing.assert_allclose(x, solution, atol=1e-6)
    x = np.zeros(2)
    for _ in range(10):
        optim.cg(rosenbrock, x, {"max_eval": 100})
    np.testing.assert_allclose(x, 1.0, atol=1e-6)


def test_cg_first_evaluations_by_hand():
    # f(x) = x^2 from 1: the first trial step is red / (1 - d1) with d1 = -|g|^2 = -4
    seen = []

    def fn(x):
        seen.append(float(x[0]))
        return float(x[0] ** 2), 2 * x.copy()

    optim.cg(fn, np.array([1.0]), {"max_eval": 3})
    assert seen[:2] == [1.0, pytest.approx(1.0 - 2.0 / 5.0)]


def l1_prox(threshold):
    """The proximal operator of ``threshold * |x|_1``, in place: soft shrinkage by ``t / L``."""

    def pl(x, big_l):
        np.copyto(x, np.sign(x) * np.maximum(np.abs(x) - threshold / big_l, 0))

    return pl


def test_fista_solves_a_lasso_problem_and_beats_ista():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((30, 10))
    truth = np.zeros(10)
    truth[[1, 4]] = [2.0, -3.0]
    b = a @ truth
    lam = 0.1

    def smooth(x):
        r = a @ x - b
        return float(0.5 * r @ r), a.T @ r

    config = {"g": lambda x: lam * float(np.abs(x).sum()), "pl": l1_prox(lam)}
    x = np.ones(10)  # ignored as in Torch: the iterations start at zero
    _, fista_losses, history = optim.fista(smooth, x, {**config, "max_iter": 200, "err_thres": 0})
    np.testing.assert_allclose(x, truth, atol=0.05)
    assert np.count_nonzero(np.abs(x) > 1e-6) == 2
    assert {"nline", "L", "F", "Fply", "Gply", "Q"} <= history[0].keys()
    ista = {**config, "max_iter": 200, "err_thres": 0, "do_fista_update": False}
    _, ista_losses, _ = optim.fista(smooth, np.zeros(10), ista)
    assert fista_losses[3] < ista_losses[3] and fista_losses[6] < ista_losses[6]  # sooner


def test_cmaes_and_de_minimise_rosenbrock():
    nncore.manual_seed(0)
    x = np.zeros(4)
    _, losses, evaluations = optim.cmaes(rosenbrock, x, {"sigma": 0.5, "max_eval": 20000})
    assert losses[-1] < 1e-8 and rosenbrock(x)[0] == losses[-1]
    assert evaluations <= 20000 + 20
    np.testing.assert_allclose(x, 1.0, atol=1e-3)
    x = np.zeros(2)
    config = {"popsize": 50, "scale_factor": 0.5, "crossover_rate": 0.9, "max_fes": 3000}
    _, losses = optim.de(rosenbrock, x, config)
    assert len(losses) >= 2999 and rosenbrock(x)[0] == min(losses)
    np.testing.assert_allclose(x, 1.0, atol=1e-2)
    again = np.zeros(2)
    optim.de(rosenbrock, again, config)  # seeded like Torch: every call draws the same
    np.testing.assert_array_equal(x, again)
    with pytest.raises(nncore.InputError, match="scale_factor"):
        optim.de(rosenbrock, x, {"max_fes": 10, "crossover_rate": 0.5})
    with pytest.raises(nncore.InputError, match="sigma"):
        optim.cmaes(rosenbrock, x, {})


def test_cmaes_accepts_a_loss_alone_and_uses_nncore_seed():
    fn = lambda x: float(np.sum((x - 3) ** 2))  # noqa: E731
    results = []
    for _ in range(2):
        nncore.manual_seed(7)
        x = np.zeros(3)
        optim.cmaes(fn, x, {"sigma": 1.0, "max_eval": 300})
        results.append(x.copy())
    np.testing.assert_array_equal(*results)


def test_checkgrad_finds_a_wrong_gradient():
    x = np.array([0.5, -1.0, 2.0])
    good = lambda x: (float(np.sum(np.sin(x))), np.cos(x))  # noqa: E731
    bad = lambda x: (float(np.sum(np.sin(x))), np.cos(x) * [1, 1, 2])  # noqa: E731
    diff, exact, estimate = optim.checkgrad(good, x)
    assert diff < 1e-7 and np.allclose(exact, estimate, atol=1e-7)
    assert optim.checkgrad(bad, x)[0] > 0.1
    np.testing.assert_array_equal(x, [0.5, -1.0, 2.0])  # restored
