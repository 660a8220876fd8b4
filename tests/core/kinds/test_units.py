"""maxout, prelu, selu_stats, xavier_init and batch_norm_features against independent computations."""

from __future__ import annotations

import json
import math
import statistics
from fractions import Fraction

import numpy as np
import orjson
import pytest

from studyapp.core.diagnosis import matches
from studyapp.core.kinds import batch_norm_features, maxout, prelu, selu_stats, xavier_init
from studyapp.core.kinds.activation import KIND as ACTIVATION
from studyapp.core.kinds.base import Knobs, ParamError
from studyapp.core.kinds.batch_norm import KIND as BATCH_NORM
from studyapp.core.kinds.nnmath import SELU_ALPHA, SELU_LAMBDA
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import default_tolerance, grade_answer
from studyapp.core.steps import render_markdown, render_text

UNITS = (maxout, prelu, selu_stats, xavier_init, batch_norm_features)  # in the registry's order
MAXOUT, PRELU, SELU_STATS = maxout.KIND, prelu.KIND, selu_stats.KIND
XAVIER_INIT, BATCH_NORM_FEATURES = xavier_init.KIND, batch_norm_features.KIND
KINDS_UNITS = tuple(module.KIND for module in UNITS)
MESSAGES = {tag: message for module in UNITS for tag, message in module.MESSAGES.items()}  # every unit's
H = 1e-6
KIND_IDS = [k.name for k in KINDS_UNITS]
PREFIX = {"maxout": "maxout.", "prelu": "prelu.", "selu_stats": "selu.", "xavier_init": "xavier.",
          "batch_norm_features": "bnf."}


def gen(kind, seed, **knobs):
    return kind.generate(Knobs(kind, knobs, np.random.PCG64(seed)))


def solve(kind, **params):
    return kind.solve(kind.validate(params))


def flat(value):
    if isinstance(value, dict):
        return [x for v in value.values() for x in flat(v)]
    if isinstance(value, list):
        return [x for v in value for x in flat(v)]
    return [value]


# --- 1,000-seed sweep with the default knobs ------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS_UNITS, ids=KIND_IDS)
def test_a_thousand_generated_problems_are_valid_and_finite(kind):
    for seed in range(1000):
        params = gen(kind, seed)
        assert kind.validate(json.loads(json.dumps(params))) == params
        sol = kind.solve(params)
        assert all(math.isfinite(v) for v in flat(sol.answer)), (seed, params)
        orjson.dumps({"params": params, "answer": sol.answer,
                      "solution": [s.to_dict("en") for s in sol.steps]})
        if kind is MAXOUT:
            assert isinstance(sol.answer["piece"], int) and 0 <= sol.answer["piece"] < len(params["W"])
            assert 2 <= len(params["W"]) <= 4 and 2 <= len(params["x"]) <= 3
        elif kind is PRELU:
            assert params["x"] != 0
        elif kind is SELU_STATS:
            assert 4 <= len(params["x"]) <= 6 and isinstance(params["fan_in"], int)
        elif kind is XAVIER_INIT:
            assert isinstance(params["fan_in"], int) and isinstance(params["fan_out"], int)
            assert params["fan_in"] >= 1 and params["fan_out"] >= 1
        else:
            x = np.asarray(params["x"])
            assert 3 <= x.shape[0] <= 4 and 2 <= x.shape[1] <= 3
            assert np.all(x.max(axis=0) > x.min(axis=0))  # every feature varies: no 0 variance


@pytest.mark.parametrize("kind", KINDS_UNITS, ids=KIND_IDS)
def test_prompts_and_worked_solutions_in_both_languages(kind):
    for seed in range(30):
        params = gen(kind, seed)
        sol = kind.solve(params)
        form = "; ".join(f"{key}: " for key in sol.answer)
        for lang in ("en", "zh"):
            text = kind.prompt(params, lang, 4)
            assert all(f"{key}:" in text for key in sol.answer), form
            assert ("4 decimal" in text) if lang == "en" else ("4 位小数" in text)
            assert render_text(sol.steps, lang) and render_markdown(sol.steps, lang)
            for step in sol.steps:
                assert step.title.get(lang)


# --- maxout ---------------------------------------------------------------------------------------
def test_maxout_against_exact_fractions():
    for seed in range(300):
        p = gen(MAXOUT, seed)
        z = [sum(Fraction(w) * Fraction(x) for w, x in zip(row, p["x"], strict=True)) + Fraction(b)
             for row, b in zip(p["W"], p["b"], strict=True)]
        best = max(z)
        assert z.count(best) == 1
        answer = MAXOUT.solve(p).answer
        assert answer["output"] == float(best)
        assert answer["piece"] == z.index(best)


def test_maxout_hand_worked_case_and_relu_as_a_special_case():
    sol = solve(MAXOUT, W=[[1, -2], [0.5, 1]], b=[1, -1], x=[2, 0.5])
    # z₀ = 1·2 − 2·0.5 + 1 = 2, z₁ = 0.5·2 + 1·0.5 − 1 = 0.5
    assert sol.steps[0].result == [2.0, 0.5]
    assert sol.answer == {"output": 2.0, "piece": 0}
    # ReLU(wᵀx + b) is maxout with the pieces (w, b) and (0, 0)
    for w, b, x in [([1, 2], -1, [1, 1]), ([1, 2], -5, [1, 1]), ([-1, 0.5], 0.5, [3, -2])]:
        out = solve(MAXOUT, W=[w, [0, 0]], b=[b, 0], x=x).answer["output"]
        assert out == max(0.0, float(np.dot(w, x) + b))


# --- PReLU ----------------------------------------------------------------------------------------
def _prelu(x, a):
    return x if x > 0 else a * x


def test_prelu_gradients_match_central_differences_over_200_seeds():
    for seed in range(200):
        p = gen(PRELU, seed)
        x, a = p["x"], p["a"]
        answer = PRELU.solve(p).answer
        assert answer["f"] == pytest.approx(_prelu(x, a), abs=1e-15)
        dfdx = (_prelu(x + H, a) - _prelu(x - H, a)) / (2 * H)
        dfda = (_prelu(x, a + H) - _prelu(x, a - H)) / (2 * H)
        assert answer["df_dx"] == pytest.approx(dfdx, rel=1e-6, abs=1e-8), p
        assert answer["df_da"] == pytest.approx(dfda, rel=1e-6, abs=1e-8), p


def test_prelu_is_the_piecewise_function_not_the_notes_max_form_for_a_above_one():
    # The notes write PReLU = max(a·x, x): equal for a ≤ 1, but for a = 2 at x = 1 it gives 2.
    assert solve(PRELU, x=1, a=2).answer == {"f": 1.0, "df_dx": 1.0, "df_da": 0.0}
    assert solve(PRELU, x=-1.5, a=0.1).answer == pytest.approx({"f": -0.15, "df_dx": 0.1, "df_da": -1.5})
    for x in (-2.5, -0.5, 0.5, 3.0):
        assert solve(PRELU, x=x, a=0.25).answer["f"] == max(0.25 * x, x)


# --- SELU statistics ------------------------------------------------------------------------------
def test_selu_constants_are_klambauers():
    assert SELU_LAMBDA == 1.0507009873554805 and SELU_ALPHA == 1.6732632423543772
    # The defining property: SELU maps N(0, 1) to mean 0 and variance 1 (quadrature on a fine grid).
    z = np.linspace(-12, 12, 480_001)
    phi = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    s = SELU_LAMBDA * np.where(z > 0, z, SELU_ALPHA * (np.exp(np.minimum(z, 0)) - 1))
    dz = z[1] - z[0]
    mean = float(np.sum(s * phi) * dz)
    second = float(np.sum(s * s * phi) * dz)
    assert abs(mean) < 1e-6 and abs(second - 1) < 1e-6


def test_selu_stats_against_math_and_the_activation_kind():
    for seed in range(200):
        p = gen(SELU_STATS, seed)
        answer = SELU_STATS.solve(p).answer
        y = [SELU_LAMBDA * v if v > 0 else SELU_LAMBDA * SELU_ALPHA * (math.exp(v) - 1) for v in p["x"]]
        assert answer["y"] == pytest.approx(y, rel=1e-12, abs=1e-15)
        for v, got in zip(p["x"], answer["y"], strict=True):
            assert got == pytest.approx(ACTIVATION.solve({"function": "selu", "x": v, "alpha": None,
                                                          "derivative": False}).answer, rel=1e-12, abs=1e-15)
        assert answer["mean"] == pytest.approx(statistics.fmean(y), rel=1e-12, abs=1e-14)
        assert answer["var"] == pytest.approx(statistics.pvariance(y), rel=1e-10, abs=1e-14)
        assert answer["weight_var"] == 1 / p["fan_in"]


def test_selu_stats_hand_worked_case():
    sol = solve(SELU_STATS, x=[-1, 0, 1, 2], fan_in=50)
    la = SELU_LAMBDA * SELU_ALPHA  # 1.7581
    y = [la * (math.exp(-1) - 1), 0.0, SELU_LAMBDA, 2 * SELU_LAMBDA]
    assert [round(v, 4) for v in sol.answer["y"]] == [-1.1113, 0.0, 1.0507, 2.1014]
    assert sol.answer["y"] == pytest.approx(y)
    # μ = (−1.111331 + 0 + 1.050701 + 2.101402) / 4 = 0.510193
    # σ² = (1.621524² + 0.510193² + 0.540508² + 1.591209²) / 4 = 5.713731 / 4
    assert round(sol.answer["mean"], 4) == 0.5102
    assert round(sol.answer["var"], 4) == 1.4284
    assert sol.answer["weight_var"] == 0.02
    assert sol.steps[0].result == 0.5 and sol.steps[1].result == 1.25  # before: mean 0.5, variance 1.25


# --- Xavier / He ----------------------------------------------------------------------------------
def test_xavier_hand_worked_cases():
    sol = solve(XAVIER_INIT, fan_in=64, fan_out=32)
    assert sol.answer["var"] == pytest.approx(2 / 96) and sol.answer["bound"] == pytest.approx(0.25)
    sol = solve(XAVIER_INIT, fan_in=6, fan_out=100, scheme="he")
    assert sol.answer == pytest.approx({"var": 1 / 3, "bound": 1.0})
    assert solve(XAVIER_INIT, fan_in=6, scheme="he").answer == sol.answer  # fan_out not needed for He


def test_the_uniform_bound_has_the_asked_variance():
    u = np.linspace(-1, 1, 200_001)  # U(−r, r) = r·U(−1, 1): variance r²·E[u²]
    second = float(np.mean(u * u))
    for seed in range(200):
        p = gen(XAVIER_INIT, seed)
        answer = XAVIER_INIT.solve(p).answer
        expected = 2 / (p["fan_in"] + p["fan_out"]) if p["scheme"] == "xavier" else 2 / p["fan_in"]
        assert answer["var"] == pytest.approx(expected, rel=1e-15)
        assert answer["bound"] ** 2 * second == pytest.approx(answer["var"], rel=1e-4)


# --- batch norm of several features ---------------------------------------------------------------
@pytest.mark.parametrize("knobs", [{}, {"batch": 3, "features": 3}, {"gamma": 1, "beta": 0}])
def test_batch_norm_features_column_by_column_with_the_one_feature_kind(knobs):
    for seed in range(150):
        p = gen(BATCH_NORM_FEATURES, seed, **knobs)
        sol = BATCH_NORM_FEATURES.solve(p)
        y = np.asarray(sol.answer["y"])
        for j, column in enumerate(np.asarray(p["x"]).T.tolist()):
            one = solve(BATCH_NORM, x=column, gamma=p["gamma"][j], beta=p["beta"][j], eps=p["eps"]).answer
            assert sol.answer["mean"][j] == pytest.approx(one["mean"], rel=1e-12, abs=1e-14)
            assert sol.answer["var"][j] == pytest.approx(one["var"], rel=1e-12, abs=1e-14)
            assert y[:, j].tolist() == pytest.approx(one["y"], rel=1e-12, abs=1e-12)
        # the last step: γ = √(σ² + ε), β = μ gives back the input
        assert np.allclose(sol.steps[-1].result, p["x"], rtol=0, atol=1e-12)


def test_batch_norm_features_hand_worked_case_and_defaults():
    sol = solve(BATCH_NORM_FEATURES, x=[[1, 10], [2, 20], [3, 30]], eps=0)
    assert sol.answer["mean"] == [2.0, 20.0]
    assert sol.answer["var"] == pytest.approx([2 / 3, 200 / 3])
    r = math.sqrt(1.5)  # (x − μ)/σ = ±1/√(2/3) = ±√1.5 in both columns
    assert np.allclose(sol.answer["y"], [[-r, -r], [0, 0], [r, r]], rtol=1e-12, atol=0)
    sol = solve(BATCH_NORM_FEATURES, x=[[1, 10], [2, 20], [3, 30]], gamma=[2, 1], beta=[0, -1], eps=0)
    assert np.allclose(sol.answer["y"], [[-2 * r, -r - 1], [0, -1], [2 * r, r - 1]], rtol=1e-12, atol=0)


# --- mistakes -------------------------------------------------------------------------------------
MISTAKE_RUNS = [(MAXOUT, {}), (PRELU, {}), (SELU_STATS, {}), (XAVIER_INIT, {}),
                (BATCH_NORM_FEATURES, {}), (BATCH_NORM_FEATURES, {"batch": 3, "features": 3})]


@pytest.mark.parametrize("kind", KINDS_UNITS, ids=KIND_IDS)
def test_every_mistake_tag_is_diagnosed_and_the_right_answer_never(kind):
    tol = default_tolerance(kind)
    diagnosed: set[str] = set()
    for k, knobs in MISTAKE_RUNS:
        if k is not kind:
            continue
        for seed in range(250):
            params = gen(kind, seed, **knobs)
            sol = kind.solve(params)
            right = grade_answer(kind, params, sol.answer, format_answer(sol.answer, 12), tol)
            assert right.correct and right.mistake is None
            for mistake in kind.mistakes(params):
                assert mistake.tag.startswith(PREFIX[kind.name]) and 0 <= mistake.step < len(sol.steps)
                assert set(mistake.answer) == set(sol.answer)
                if matches(mistake.answer, sol.answer, tol, kind.exact):
                    continue  # this mistake happens to give the right answer for these numbers
                grade = grade_answer(kind, params, sol.answer, format_answer(mistake.answer, 12), tol)
                assert not grade.correct
                assert grade.mistake is not None, (mistake.tag, params)
                # an earlier mistake with the same answer may be named instead
                assert matches(mistake.answer, grade.mistake.answer, tol, kind.exact)
                diagnosed.add(grade.mistake.tag)
    tags = {t for t in MESSAGES if t.startswith(PREFIX[kind.name])}
    assert diagnosed == tags


def test_every_mistake_message_is_bilingual():
    for tag, message in MESSAGES.items():
        assert message.en and message.zh and message.en != message.zh, tag


# --- check() --------------------------------------------------------------------------------------
BAD_PARAMS = [
    (MAXOUT, {"W": [[1, 2]], "b": [0], "x": [1, 1]}, "W needs at least 2 rows"),
    (MAXOUT, {"W": [[1, 2], [3, 4]], "b": [0], "x": [1, 1]}, "b has 1 entry but W has 2 rows"),
    (MAXOUT, {"W": [[1, 2], [3, 4]], "b": [0, 1], "x": [1, 1, 1]},
     "x has 3 entries but the rows of W have 2"),
    (MAXOUT, {"W": [[1, 0], [0, 1]], "b": [0, 0], "x": [1, 1]}, "pieces 0 and 1 tie at the maximum"),
    (MAXOUT, {"W": [[1, 0], [0, 1]], "b": [0, 0], "x": [1e200, 1]}, "values of x must lie within ±1e100"),
    (MAXOUT, {"W": [[1, 0], [0, 1]], "b": [0, 0]}, "missing param 'x'"),
    (PRELU, {"x": 0, "a": 0.1}, "x must not be 0"),
    (PRELU, {"x": 1e250, "a": 1e250}, "values of x must lie within ±1e100"),
    (PRELU, {"x": "one", "a": 0.1}, "param 'x' must be a finite number"),
    (SELU_STATS, {"x": [1], "fan_in": 4}, "x needs at least 2 values"),
    (SELU_STATS, {"x": [1, 2], "fan_in": 0}, "fan_in must be at least 1 (got 0)"),
    (SELU_STATS, {"x": [1, 2], "fan_in": 2.5}, "param 'fan_in' must be a whole number"),
    (XAVIER_INIT, {"fan_in": 0, "fan_out": 3}, "fan_in must be at least 1 (got 0)"),
    (XAVIER_INIT, {"fan_in": 4, "fan_out": -3}, "fan_out must be at least 1 (got -3)"),
    (XAVIER_INIT, {"fan_in": 4}, "fan_out is needed for the xavier scheme"),
    (XAVIER_INIT, {"fan_in": 4, "fan_out": 4, "scheme": "kaiming"}, "must be one of xavier, he"),
    (BATCH_NORM_FEATURES, {"x": [[1, 2]]}, "x needs at least 2 rows"),
    (BATCH_NORM_FEATURES, {"x": [[1, 2], [3, 4]], "gamma": [1, 2, 3]},
     "gamma has 3 entries but x has 2 features"),
    (BATCH_NORM_FEATURES, {"x": [[1, 2], [3, 4]], "beta": [1]}, "beta has 1 entry but x has 2 features"),
    (BATCH_NORM_FEATURES, {"x": [[1, 2], [3, 4]], "eps": -1}, "eps must be 0 or more (got -1.0)"),
    (BATCH_NORM_FEATURES, {"x": [[1, 5], [3, 5]], "eps": 0}, "feature 1 has the same value in every sample"),
    (BATCH_NORM_FEATURES, {"x": [[1, 2], [3]]}, "must be a matrix"),
]


@pytest.mark.parametrize(("kind", "raw", "message"), BAD_PARAMS)
def test_bad_params_are_refused_with_a_clear_message(kind, raw, message):
    with pytest.raises(ParamError) as info:
        kind.validate(raw)
    assert message in str(info.value)


def test_edge_params_that_are_fine():
    assert solve(BATCH_NORM_FEATURES, x=[[1, 5], [3, 5]]).answer["var"] == [1.0, 0.0]  # ε > 0 saves it
    assert solve(SELU_STATS, x=[0, 0], fan_in=1).answer["var"] == 0.0
    assert solve(PRELU, x=-2, a=-0.5).answer == {"f": 1.0, "df_dx": -0.5, "df_da": -2.0}
    answer = solve(MAXOUT, W=[[1, 0], [0, 1], [1, 1]], b=[0, 0, 0], x=[1, 1]).answer
    assert answer == {"output": 2.0, "piece": 2}
