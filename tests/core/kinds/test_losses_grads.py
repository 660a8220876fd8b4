"""Losses and gradients kinds: independent computations, finite differences, seed sweeps,
mistake diagnosis and parameter checks."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import orjson
import pytest

from studyapp.core.diagnosis import matches
from studyapp.core.kinds.base import Knobs, ParamError
from studyapp.core.kinds.binary_cross_entropy import KIND as BINARY_CROSS_ENTROPY
from studyapp.core.kinds.center_loss import KIND as CENTER_LOSS
from studyapp.core.kinds.mse_vs_ce_gradient import KIND as MSE_VS_CE_GRADIENT
from studyapp.core.kinds.residual_block import KIND as RESIDUAL_BLOCK
from studyapp.core.kinds.sigmoid_tanh_identity import KIND as SIGMOID_TANH_IDENTITY
from studyapp.core.kinds.vanishing_gradient import KIND as VANISHING_GRADIENT
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import default_tolerance, grade_answer
from studyapp.core.steps import render_markdown, render_text

KINDS_LOSSES_GRADS = (BINARY_CROSS_ENTROPY, MSE_VS_CE_GRADIENT, SIGMOID_TANH_IDENTITY, VANISHING_GRADIENT,
                      RESIDUAL_BLOCK, CENTER_LOSS)  # in the registry's order
H = 1e-6
FD_SEEDS = range(200)
KIND_IDS = [k.name for k in KINDS_LOSSES_GRADS]


def each_seed(seeds):
    """One test that runs the check for every seed and names the seed that fails.

    (A test per seed would spend most of its time in the per-test fixtures.)
    """
    def wrap(check):
        def test():
            for seed in seeds:
                try:
                    check(seed)
                except AssertionError as exc:
                    raise AssertionError(f"seed {seed}: {exc}") from exc
        test.__name__, test.__doc__ = check.__name__, check.__doc__
        return test
    return wrap


def gen(kind, seed: int, **knobs) -> dict:
    return kind.generate(Knobs(kind, knobs, np.random.PCG64(seed)))


def fd(f, x: float) -> float:
    return (f(x + H) - f(x - H)) / (2 * H)


def sig(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def flat(value) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in flat(v)]
    if isinstance(value, list):
        return [x for v in value for x in flat(v)]
    return [value]


# --- binary cross-entropy -------------------------------------------------------------


def bce_cost(X, y, w, b) -> float:
    a = sig(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b)
    y = np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))


@each_seed(FD_SEEDS)
def test_bce_cost_and_finite_difference_gradients(seed):
    p = gen(BINARY_CROSS_ENTROPY, seed)
    ans = BINARY_CROSS_ENTROPY.solve(p).answer
    X, y, w, b = p["X"], p["y"], np.asarray(p["w"], dtype=float), p["b"]
    assert ans["cost"] == pytest.approx(bce_cost(X, y, w, b), rel=1e-12)
    numeric_w = []
    for j in range(len(w)):
        e = np.zeros_like(w)
        e[j] = H
        numeric_w.append((bce_cost(X, y, w + e, b) - bce_cost(X, y, w - e, b)) / (2 * H))
    np.testing.assert_allclose(ans["grad_w"], numeric_w, rtol=1e-6, atol=1e-9)
    assert ans["grad_b"] == pytest.approx(fd(lambda v: bce_cost(X, y, w, v), b), rel=1e-6, abs=1e-9)


def test_bce_hand_worked_example():
    # one feature, w = 1, b = 0: z = x; a = σ(0) = 1/2 and σ(ln 3) = 3/4
    p = BINARY_CROSS_ENTROPY.validate({"X": [[0], [math.log(3)]], "y": [1, 0], "w": [1], "b": 0})
    ans = BINARY_CROSS_ENTROPY.solve(p).answer
    assert ans["cost"] == pytest.approx((math.log(2) + math.log(4)) / 2)
    assert ans["grad_b"] == pytest.approx(((0.5 - 1) + 0.75) / 2)
    assert ans["grad_w"] == pytest.approx([math.log(3) * 0.75 / 2])


def test_bce_stays_finite_when_the_neuron_saturates():
    p = BINARY_CROSS_ENTROPY.validate({"X": [[50], [-50]], "y": [0, 1], "w": [1], "b": 0})
    ans = BINARY_CROSS_ENTROPY.solve(p).answer
    assert ans["cost"] == pytest.approx(50, rel=1e-9)  # −ln(1 − σ(50)) ≈ 50, not inf
    assert ans["grad_w"] == pytest.approx([50.0])  # both samples wrong by 1: (50·1 + (−50)·(−1)) / 2


# --- MSE against cross-entropy --------------------------------------------------------


def mse_cost(z, y):
    return 0.5 * (sig(z) - y) ** 2


def ce_cost(z, y):
    a = sig(z)
    return -(y * np.log(a) + (1 - y) * np.log(1 - a))


@each_seed(FD_SEEDS)
def test_mse_vs_ce_finite_differences(seed):
    p = gen(MSE_VS_CE_GRADIENT, seed)
    ans = MSE_VS_CE_GRADIENT.solve(p).answer
    z, y = p["z"], p["y"]
    assert ans["mse"] == pytest.approx(fd(lambda v: mse_cost(v, y), z), rel=1e-5, abs=1e-9)
    assert ans["ce"] == pytest.approx(fd(lambda v: ce_cost(v, y), z), rel=1e-6, abs=1e-9)


def test_mse_vs_ce_generates_saturated_and_unsaturated_cases():
    saturated = unsaturated = 0
    for seed in range(300):
        p = gen(MSE_VS_CE_GRADIENT, seed)
        a = 1 / (1 + math.exp(-p["z"]))
        if abs(p["z"]) >= 3:
            saturated += 1
            assert a * (1 - a) < 0.05
            assert abs(a - p["y"]) > 0.9  # saturated on the wrong side: the slow-learning case
        else:
            unsaturated += 1
            assert abs(p["z"]) <= 2.5
    assert saturated > 50 and unsaturated > 50
    steps = MSE_VS_CE_GRADIENT.solve(MSE_VS_CE_GRADIENT.validate({"z": 5, "y": 0})).steps
    assert "saturated" in steps[-1].note.en and "饱和" in steps[-1].note.zh


# --- tanh as a scaled sigmoid ---------------------------------------------------------


@each_seed(FD_SEEDS)
def test_sigmoid_tanh_identity_against_numpy_and_finite_differences(seed):
    for mode in ("value", "derivative"):
        p = gen(SIGMOID_TANH_IDENTITY, seed, mode=mode)
        ans = SIGMOID_TANH_IDENTITY.solve(p).answer
        x = p["x"]
        if mode == "value":
            assert ans["tanh"] == pytest.approx(np.tanh(x), rel=1e-12, abs=1e-15)
            assert ans["sigmoid_2x"] == pytest.approx(float(sig(2 * x)), rel=1e-12)
            assert 2 * ans["sigmoid_2x"] - 1 == pytest.approx(ans["tanh"], abs=1e-12)
        else:
            assert ans["sigmoid_prime"] == pytest.approx(fd(sig, x), rel=1e-6, abs=1e-10)
            assert ans["tanh_prime"] == pytest.approx(fd(np.tanh, x), rel=1e-6, abs=1e-10)
            assert 0 < ans["sigmoid_prime"] <= 0.25 and 0 < ans["tanh_prime"] <= 1


def test_seed_derivative_values_at_zero_and_the_seeds_tanh_error():
    """Seed 002: σ'(0) = 0.25 and tanh'(0) = 1 (right); tanh' = −tanh² (wrong, it lacks the 1)."""
    p = SIGMOID_TANH_IDENTITY.validate({"x": 0, "mode": "derivative"})
    assert SIGMOID_TANH_IDENTITY.solve(p).answer == {"sigmoid_prime": 0.25, "tanh_prime": 1.0}
    p = SIGMOID_TANH_IDENTITY.validate({"x": 0.5, "mode": "derivative"})
    right = SIGMOID_TANH_IDENTITY.solve(p).answer
    assert right["tanh_prime"] == pytest.approx(1 - math.tanh(0.5) ** 2)
    seed_answer = f"sigmoid_prime: {right['sigmoid_prime']:.4f}; tanh_prime: {-math.tanh(0.5) ** 2:.4f}"
    g = grade_answer(SIGMOID_TANH_IDENTITY, p, right, seed_answer, default_tolerance(SIGMOID_TANH_IDENTITY))
    assert not g.correct and g.mistake.tag == "sti.tanh_minus_tanh_squared"


def test_seed_identity_tanh_is_two_sigma_two_x_minus_one():
    """Seed 004: tanh(x) = 2σ(2x) − 1."""
    p = SIGMOID_TANH_IDENTITY.validate({"x": 1})
    ans = SIGMOID_TANH_IDENTITY.solve(p).answer
    assert ans["sigmoid_2x"] == pytest.approx(1 / (1 + math.exp(-2)))
    assert ans["tanh"] == pytest.approx(0.761594156, abs=1e-9)


# --- vanishing gradient ---------------------------------------------------------------


def chain_output(x: float, w, b, residual: bool) -> float:
    h = x
    for wi, bi in zip(w, b, strict=True):
        s = float(sig(wi * h + bi))
        h = h + s if residual else s
    return h


@each_seed(FD_SEEDS)
def test_vanishing_gradient_finite_differences_of_both_chains(seed):
    p = gen(VANISHING_GRADIENT, seed, mode="sigmoid", biases={"min": -1, "max": 1, "step": 0.5})
    ans = VANISHING_GRADIENT.solve(p).answer
    x, w, b = p["x"], p["w"], p["b"]
    assert ans["plain"] == pytest.approx(fd(lambda v: chain_output(v, w, b, False), x), rel=1e-5, abs=1e-10)
    assert ans["residual"] == pytest.approx(fd(lambda v: chain_output(v, w, b, True), x), rel=1e-6)


@each_seed(range(50))
def test_vanishing_gradient_given_mode_expands_into_paths(seed):
    """Π(1 + lᵢ) = Σ over every subset S of the blocks of Π_{i∈S} lᵢ: one term per path."""
    p = gen(VANISHING_GRADIENT, seed, mode="given")
    ans = VANISHING_GRADIENT.solve(p).answer
    loc = p["local"]
    paths = sum(math.prod(c) for r in range(len(loc) + 1) for c in itertools.combinations(loc, r))
    assert ans["residual"] == pytest.approx(paths, rel=1e-12)
    assert ans["plain"] == pytest.approx(math.prod(loc), rel=1e-12)
    # the linear chains h ← lᵢ·h and h ← h + lᵢ·h, by finite differences
    assert ans["plain"] == pytest.approx(fd(lambda v: v * math.prod(loc), 0.3), rel=1e-6)
    assert ans["residual"] == pytest.approx(fd(lambda v: v * math.prod(1 + li for li in loc), 0.3), rel=1e-6)


def test_seed_times_point_one_per_layer():
    """Seed 001: each layer multiplies the gradient by 0.1; the identity shortcuts keep it large."""
    p = VANISHING_GRADIENT.validate({"mode": "given", "local": [0.1, 0.1, 0.1]})
    ans = VANISHING_GRADIENT.solve(p).answer
    assert ans["plain"] == pytest.approx(0.001)
    assert ans["residual"] == pytest.approx(1.331)


# --- residual block -------------------------------------------------------------------


def block(x, W1, W2):
    x = np.asarray(x, dtype=float)
    return np.asarray(W2, dtype=float) @ np.maximum(np.asarray(W1, dtype=float) @ x, 0) + x


@each_seed(FD_SEEDS)
def test_residual_block_forward_and_finite_difference_jacobian(seed):
    p = gen(RESIDUAL_BLOCK, seed)
    ans = RESIDUAL_BLOCK.solve(p).answer
    np.testing.assert_allclose(ans["H"], block(p["x"], p["W1"], p["W2"]), rtol=1e-12, atol=1e-12)
    x = np.asarray(p["x"], dtype=float)
    numeric = np.zeros((len(x), len(x)))
    for j in range(len(x)):
        e = np.zeros_like(x)
        e[j] = H
        numeric[:, j] = (block(x + e, p["W1"], p["W2"]) - block(x - e, p["W1"], p["W2"])) / (2 * H)
    np.testing.assert_allclose(ans["J"], numeric, rtol=1e-6, atol=1e-6)


def test_residual_block_generator_avoids_the_kink_and_uses_both_relu_regimes():
    for seed in range(300):
        p = gen(RESIDUAL_BLOCK, seed)
        u = np.asarray(p["W1"], dtype=float) @ np.asarray(p["x"], dtype=float)
        assert np.all(u != 0) and np.any(u > 0) and np.any(u < 0)


def test_residual_block_scalar_version():
    p = RESIDUAL_BLOCK.validate({"x": [2], "W1": [[1.5]], "W2": [[-2]]})
    ans = RESIDUAL_BLOCK.solve(p).answer
    assert ans == {"H": [-4.0], "J": [[-2.0]]}  # H = −2·relu(3) + 2; J = −2·1.5 + 1
    p = gen(RESIDUAL_BLOCK, 3, size=1, hidden=1)
    assert RESIDUAL_BLOCK.solve(p).answer["J"][0][0] == pytest.approx(
        1 + p["W2"][0][0] * p["W1"][0][0] * (p["W1"][0][0] * p["x"][0] > 0))


# --- center loss ----------------------------------------------------------------------


def center_loss(X, labels, C) -> float:
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    return float(0.5 * np.sum((X - C[np.asarray(labels, dtype=int)]) ** 2))


@each_seed(FD_SEEDS)
def test_center_loss_finite_difference_gradient_and_centre_update(seed):
    p = gen(CENTER_LOSS, seed)
    ans = CENTER_LOSS.solve(p).answer
    X, labels, C = np.asarray(p["features"], dtype=float), p["labels"], np.asarray(p["centers"], dtype=float)
    assert ans["loss"] == pytest.approx(center_loss(X, labels, C), rel=1e-12)
    numeric = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        e = np.zeros_like(X)
        e[idx] = H
        numeric[idx] = (center_loss(X + e, labels, C) - center_loss(X - e, labels, C)) / (2 * H)
    np.testing.assert_allclose(ans["grad"], numeric, rtol=1e-6, atol=1e-6)
    # With α = 1 the update c_j − Δc_j is the mean of c_j and the class's features (Wen et al. 2016).
    for j in range(len(C)):
        members = X[np.asarray(labels) == j]
        mean = (C[j] + members.sum(axis=0)) / (1 + len(members))
        np.testing.assert_allclose(C[j] - np.asarray(ans["delta_c"][j]), mean, rtol=1e-12, atol=1e-12)


def test_center_loss_hand_worked_example():
    p = CENTER_LOSS.validate({"features": [[1, 2], [3, 2], [0, 0]], "labels": [0, 0, 1],
                              "centers": [[2, 2], [1, 1], [5, 5]]})
    ans = CENTER_LOSS.solve(p).answer
    assert ans["loss"] == pytest.approx(0.5 * (1 + 1 + 2))
    assert ans["grad"] == [[-1.0, 0.0], [1.0, 0.0], [-1.0, -1.0]]
    # class 0: ((2,2)−(1,2)) + ((2,2)−(3,2)) = (0, 0); class 1: (1,1)/2; class 2: absent, 0
    assert ans["delta_c"] == [[0.0, 0.0], [0.5, 0.5], [0.0, 0.0]]


# --- every kind: sweep, serialisation, prompts ----------------------------------------


@pytest.mark.parametrize("kind", KINDS_LOSSES_GRADS, ids=KIND_IDS)
def test_thousand_seed_sweep(kind):
    for seed in range(1000):
        params = gen(kind, seed)
        checked = kind.validate(json.loads(json.dumps(params)))
        sol = kind.solve(params)
        again = kind.solve(checked).answer
        values = flat(sol.answer)
        assert all(math.isfinite(v) for v in values), (seed, params)
        np.testing.assert_allclose(flat(again), values, rtol=1e-12, atol=1e-15)
        orjson.dumps({"params": params, "answer": sol.answer,
                      "solution": [s.to_dict("en") for s in sol.steps]})
        for name in ("labels",):
            if name in params:
                assert all(type(v) is int for v in params[name])
        for key in ("w", "local"):
            if kind is VANISHING_GRADIENT and params.get(key) is not None:
                assert 2 <= len(params[key]) <= 4
        if seed < 20:
            for lang in ("en", "zh"):
                text = kind.prompt(checked, lang, kind.decimals)
                assert "“" in text and "`" not in text and str(kind.decimals) in text
                assert render_text(sol.steps, lang) and render_markdown(sol.steps, lang)


def test_generation_is_reproducible():
    for kind in KINDS_LOSSES_GRADS:
        assert gen(kind, 1234) == gen(kind, 1234)


# --- mistakes -------------------------------------------------------------------------

EXPECTED_TAGS = {
    "binary_cross_entropy": {"bce.forgot_mean", "bce.log10", "bce.sigma_prime_factor", "bce.grad_sign"},
    "mse_vs_ce_gradient": {"mvc.swapped", "mvc.mse_forgot_sigma_prime", "mvc.ce_with_sigma_prime",
                           "mvc.sign"},
    "sigmoid_tanh_identity": {"sti.sigma_x_not_2x", "sti.forgot_minus_one", "sti.tanh_minus_tanh_squared",
                              "sti.chain_factor_two", "sti.values_for_derivatives"},
    "vanishing_gradient": {"vg.summed", "vg.forgot_weights", "vg.residual_plus_one_once",
                           "vg.residual_used_plain_forward", "vg.residual_no_shortcut"},
    "residual_block": {"rb.forgot_shortcut", "rb.forgot_shortcut_forward", "rb.forgot_identity",
                       "rb.relu_derivative_flipped", "rb.forgot_relu", "rb.jacobian_transposed"},
    "center_loss": {"cl.forgot_half", "cl.grad_sign", "cl.grad_times_two", "cl.delta_without_plus_one",
                    "cl.delta_sign"},
}


@pytest.mark.parametrize("kind", KINDS_LOSSES_GRADS, ids=KIND_IDS)
def test_mistakes_are_diagnosed_and_the_right_answer_never(kind):
    tol = default_tolerance(kind)
    diagnosed = set()
    for seed in range(150):
        params = kind.validate(json.loads(json.dumps(gen(kind, seed))))
        right = kind.solve(params).answer
        ok = grade_answer(kind, params, right, format_answer(right, 12), tol)
        assert ok.correct and ok.mistake is None
        assert grade_answer(kind, params, right, format_answer(right, kind.decimals), tol).correct
        mistakes = kind.mistakes(params)
        assert len(mistakes) >= 2
        steps = kind.solve(params).steps
        for mistake in mistakes:
            assert mistake.step is not None and 0 <= mistake.step < len(steps), mistake.tag
            assert mistake.message.en and mistake.message.zh
            assert np.shape(flat(mistake.answer)) == np.shape(flat(right)), mistake.tag
            if matches(mistake.answer, right, tol, kind.exact):
                continue  # for these numbers the mistake gives the right answer
            g = grade_answer(kind, params, right, format_answer(mistake.answer, 12), tol)
            assert not g.correct, (mistake.tag, params)
            assert g.mistake is not None, (mistake.tag, params)
            # an earlier mistake with the same answer may be named instead
            assert matches(mistake.answer, g.mistake.answer, tol, kind.exact), (mistake.tag, g.mistake.tag)
            diagnosed.add(g.mistake.tag)
    assert diagnosed == EXPECTED_TAGS[kind.name]


# --- parameter checks -----------------------------------------------------------------


def rejects(kind, params: dict, *fragments: str) -> None:
    with pytest.raises(ParamError) as info:
        kind.validate(params)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_bce_checks():
    ok = {"X": [[1, 2], [0, 1]], "y": [1, 0], "w": [0.5, -1], "b": 0}
    BINARY_CROSS_ENTROPY.validate(ok)
    rejects(BINARY_CROSS_ENTROPY, {**ok, "w": [1]}, "w must have 2 weights")
    rejects(BINARY_CROSS_ENTROPY, {**ok, "y": [1, 0, 1]}, "y must have 2 targets")
    rejects(BINARY_CROSS_ENTROPY, {**ok, "y": [1.5, 0]}, "between 0 and 1", "1.5")
    rejects(BINARY_CROSS_ENTROPY, {**ok, "X": [[1, 2], [1]]}, "param 'X'")
    rejects(BINARY_CROSS_ENTROPY, {**ok, "X": [[1e299, 1e299], [0, 1]], "w": [1e299, 1]}, "overflows")
    rejects(BINARY_CROSS_ENTROPY, {"X": [[1]], "w": [1]}, "missing param 'y'")


def test_mse_vs_ce_checks():
    rejects(MSE_VS_CE_GRADIENT, {"z": 1, "y": 2}, "y must lie between 0 and 1 (got 2)")
    rejects(MSE_VS_CE_GRADIENT, {"z": "big", "y": 0}, "param 'z' must be a finite number")
    for z in (30, 800, -1e299):  # σ'(z) is 1e-13, then underflows to 0: still an answer, no traceback
        sol = MSE_VS_CE_GRADIENT.solve(MSE_VS_CE_GRADIENT.validate({"z": z, "y": 0.5}))
        assert sol.answer["ce"] == pytest.approx(0.5 if z > 0 else -0.5)
        assert abs(sol.answer["mse"]) < 1e-12
        orjson.dumps([s.to_dict("zh") for s in sol.steps])
        if z == 30:
            assert "e-14" in sol.steps[1].work and "e-14" in sol.steps[-1].note.en
            assert "0.000000000000093" in render_text(sol.steps)


def test_sigmoid_tanh_identity_checks():
    rejects(SIGMOID_TANH_IDENTITY, {"x": 1, "mode": "integral"}, "must be one of value, derivative")
    rejects(SIGMOID_TANH_IDENTITY, {}, "missing param 'x'")


def test_vanishing_gradient_checks():
    rejects(VANISHING_GRADIENT, {"mode": "given"}, "mode 'given' needs local")
    rejects(VANISHING_GRADIENT, {"mode": "given", "local": [0.1], "w": [1]},
            "w is only used in mode 'sigmoid'")
    rejects(VANISHING_GRADIENT, {"w": [1, 2]}, "mode 'sigmoid' needs x")
    rejects(VANISHING_GRADIENT, {"x": 1, "w": [1, 2], "b": [0]}, "b must have 2 biases")
    rejects(VANISHING_GRADIENT, {"x": 1, "w": [1], "local": [0.1]}, "local is only used in mode 'given'")
    rejects(VANISHING_GRADIENT, {"mode": "given", "local": [1e200, 1e200]}, "overflows")
    ans = VANISHING_GRADIENT.solve(VANISHING_GRADIENT.validate({"x": 0, "w": [2]})).answer
    assert ans == {"plain": 0.5, "residual": 1.5}  # b defaults to 0: σ'(0)·2 = 0.5


def test_residual_block_checks():
    ok = {"x": [1, 2], "W1": [[1, 0], [0, -1]], "W2": [[1, 1], [1, 1]]}
    RESIDUAL_BLOCK.validate(ok)
    rejects(RESIDUAL_BLOCK, {**ok, "W1": [[1, 0, 1], [0, 1, 1]]}, "W1 must have 2 columns")
    rejects(RESIDUAL_BLOCK, {**ok, "W2": [[1, 1]]}, "W2 must be 2×2", "got 1×2")
    rejects(RESIDUAL_BLOCK, {**ok, "W1": [[2, -1], [0, 1]]}, "u₁ = 0", "ReLU has no derivative at 0")
    rejects(RESIDUAL_BLOCK, {**ok, "x": [1e200, 1], "W1": [[1e200, 1], [1, -1]]}, "overflow")


def test_center_loss_checks():
    ok = {"features": [[1, 2], [0, 1]], "labels": [0, 1], "centers": [[0, 0], [1, 1]]}
    CENTER_LOSS.validate(ok)
    rejects(CENTER_LOSS, {**ok, "labels": [0, 2]}, "class index from 0 to 1", "got 2")
    rejects(CENTER_LOSS, {**ok, "labels": [0, 0.5]}, "got 0.5")
    rejects(CENTER_LOSS, {**ok, "labels": [0]}, "labels must have 2 entries")
    rejects(CENTER_LOSS, {**ok, "centers": [[0, 0, 0], [1, 1, 1]]}, "centers must have 2 columns")
    # each squared distance fits in a float, their sum does not
    rejects(CENTER_LOSS, {**ok, "features": [[1e154, 0], [1e154, 0]]}, "overflow")
