"""The network kinds: perceptron, logic_gate, mlp_forward, chain_rule, one_hot.

Each answer is checked against an independent computation (exact fractions, plain loops,
central finite differences for every gradient), the seeds' worked examples, a 1,000-seed
sweep of the default knobs, every mistake's diagnosis and the messages of bad params.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from fractions import Fraction

import numpy as np
import orjson
import pytest

from studyapp.core.diagnosis import matches
from studyapp.core.kinds.base import Knobs, ParamError
from studyapp.core.kinds.chain_rule import KIND as CHAIN_RULE
from studyapp.core.kinds.chain_rule import chain_value
from studyapp.core.kinds.logic_gate import GATES
from studyapp.core.kinds.logic_gate import KIND as LOGIC_GATE
from studyapp.core.kinds.mlp_forward import KIND as MLP_FORWARD
from studyapp.core.kinds.one_hot import KIND as ONE_HOT
from studyapp.core.kinds.perceptron import KIND as PERCEPTRON
from studyapp.core.numfmt import format_answer
from studyapp.core.problems import default_tolerance, grade_answer
from studyapp.core.steps import render_text

KINDS_NETWORKS = (PERCEPTRON, LOGIC_GATE, MLP_FORWARD, CHAIN_RULE, ONE_HOT)  # in the registry's order
H = 1e-6
INPUT_PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))


def gen(kind, seed: int, **knobs):
    return kind.generate(Knobs(kind, knobs, np.random.PCG64(seed)))


def solve(kind, **params):
    return kind.solve(kind.validate(params))


def _flat(value):
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flat(v)]
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    return [value]


def _exact(v) -> Fraction:
    """The decimal a person reads, as an exact fraction (0.1 is 1/10, not the nearest double)."""
    return Fraction(repr(float(v)))


# --- the 1,000-seed sweep -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS_NETWORKS, ids=lambda k: k.name)
def test_default_sweep_is_valid_finite_and_serialisable(kind):
    for seed in range(1000):
        params = gen(kind, seed)
        checked = kind.validate(json.loads(json.dumps(params)))
        sol = kind.solve(params)
        again = kind.solve(checked)
        assert orjson.dumps(sol.answer) == orjson.dumps(again.answer) or matches(
            again.answer, sol.answer, default_tolerance(kind), kind.exact)
        flat = _flat(sol.answer)
        assert flat and all(math.isfinite(v) for v in flat), (seed, params)
        if kind.exact:
            assert all(isinstance(v, int) for v in flat), (seed, params, sol.answer)
        for value in _flat(params):
            if isinstance(value, float):
                assert math.isfinite(value) and value == round(value, 2)
        orjson.dumps({"params": params, "answer": sol.answer,
                      "solution": [s.to_dict("en") for s in sol.steps]})
        assert sol.steps and all(s.title.en and s.title.zh for s in sol.steps)
    assert kind.prompt(checked, "en", kind.decimals) != kind.prompt(checked, "zh", kind.decimals)


@pytest.mark.parametrize("kind", KINDS_NETWORKS, ids=lambda k: k.name)
def test_same_seed_same_params(kind):
    assert gen(kind, 42) == gen(kind, 42)
    assert len({json.dumps(gen(kind, s), sort_keys=True) for s in range(40)}) >= 10


# --- perceptron ------------------------------------------------------------------------------


def test_perceptron_against_exact_fractions():
    ties = 0
    for seed in range(1000):
        p = PERCEPTRON.validate(json.loads(json.dumps(gen(PERCEPTRON, seed, x={"min": -2, "max": 2,
                                                                                 "step": 0.1}) if seed % 2
                                                      else gen(PERCEPTRON, seed))))
        s = sum(_exact(a) * _exact(b) for a, b in zip(p["x"], p["w"], strict=True))
        ans = PERCEPTRON.solve(p).answer
        if p["threshold"] is not None:
            t = _exact(p["threshold"])
            assert ans["sum"] == pytest.approx(float(s), abs=1e-9)
            assert ans["output"] == int(s > t)
            ties += s == t
        else:
            z = s + _exact(p["bias"])
            assert ans["z"] == pytest.approx(float(z), abs=1e-9)
            assert ans["output"] == int(z > 0)
            ties += z == 0
    assert ties > 100  # the generator makes the sum hit the threshold often enough to matter


def test_perceptron_seed_judges_example():
    sol = solve(PERCEPTRON, x=[4, 1, -3], w=[1, 3, 2], threshold=3)
    assert sol.answer == {"sum": 1.0, "output": 0}
    assert "4 × 1 + 1 × 3 + (-3) × 2 = 4 + 3 − 6" in sol.steps[0].work
    assert "1 < 3" in sol.steps[1].work
    tie = solve(PERCEPTRON, x=[1, 0, 1], w=[1, 3, 2], threshold=3)
    assert tie.answer == {"sum": 3.0, "output": 0}
    assert tie.steps[1].note is not None
    bias = solve(PERCEPTRON, x=[4, 1, -3], w=[1, 3, 2], bias=-3)
    assert bias.answer == {"z": -2.0, "output": 0}


def test_perceptron_decimal_tie_is_a_tie():
    # 0.1·1 + 0.2·1 is 0.30000000000000004 in floats; on paper it equals the threshold 0.3.
    assert solve(PERCEPTRON, x=[0.1, 0.2], w=[1, 1], threshold=0.3).answer["output"] == 0
    assert solve(PERCEPTRON, x=[0.1, 0.2], w=[1, 1], bias=-0.3).answer["output"] == 0


def test_perceptron_seed_nand_unit_sum_is_not_the_output():
    """The seed calls 0·(−2) + 1·(−2) + 3 = 1 the output: 1 is z; the output is 1 because z > 0."""
    sol = solve(PERCEPTRON, x=[1, 1], w=[-2, -2], bias=3)
    assert sol.answer == {"z": -1.0, "output": 0}
    grade = grade_answer(PERCEPTRON, PERCEPTRON.validate({"x": [1, 1], "w": [-2, -2], "bias": 3}),
                         sol.answer, "z: -1; output: -1", default_tolerance(PERCEPTRON))
    assert grade.mistake.tag == "perceptron.sum_as_output"


# --- logic gates -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["truth_table", "which_gate"])
def test_logic_gate_against_exact_fractions(mode):
    for seed in range(500):
        p = LOGIC_GATE.validate(gen(LOGIC_GATE, seed, mode=mode))
        w1, w2, b = (_exact(v) for v in (*p["w"], p["bias"]))
        expected = [int(w1 * a + w2 * c + b > 0) for a, c in INPUT_PAIRS]
        assert LOGIC_GATE.solve(p).answer == expected


@pytest.mark.parametrize("gate", sorted(GATES))
def test_which_gate_draws_the_asked_gate(gate):
    for seed in range(60):
        p = gen(LOGIC_GATE, seed, mode="which_gate", gate=gate)
        assert tuple(LOGIC_GATE.solve(p).answer) == GATES[gate][0]


def test_logic_gate_seed_nand():
    sol = solve(LOGIC_GATE, w=[-2, -2], bias=3)
    assert sol.answer == [1, 1, 1, 0]
    assert "(0, 1): 0·(-2) + 1·(-2) + 3 = 1" in sol.steps[0].work
    assert "NAND" in sol.steps[-1].title.en and "与非" in sol.steps[-1].title.zh
    # The deck's AND card: weights (1, 1) and b = −2 never fire, since z = 0 at (1, 1).
    assert solve(LOGIC_GATE, w=[1, 1], bias=-2).answer == [0, 0, 0, 0]
    assert solve(LOGIC_GATE, w=[1, 1], bias=-1).answer == [0, 0, 0, 1]
    assert solve(LOGIC_GATE, w=[1, 1], bias=-0.5).answer == [0, 1, 1, 1]


# --- forward pass ------------------------------------------------------------------------------


def _loop_forward(p) -> list[float]:
    """The forward pass with explicit sums over units, and math instead of NumPy."""
    f = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "relu": lambda v: max(v, 0.0),
         "identity": lambda v: v}
    names = [("W1", "b1"), ("W2", "b2")] + ([("W3", "b3")] if p.get("W3") is not None else [])
    a = [float(v) for v in p["x"]]
    for index, (wn, bn) in enumerate(names):
        act = f[p["output_activation"] if index == len(names) - 1 else p["activation"]]
        a = [act(math.fsum(p[wn][j][i] * a[i] for i in range(len(a))) + p[bn][j])
             for j in range(len(p[bn]))]
    return a


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["identity", "same"])
def test_mlp_forward_against_loops(activation, output):
    for seed in range(150):
        p = MLP_FORWARD.validate(gen(MLP_FORWARD, seed, activation=activation, output_activation=output))
        np.testing.assert_allclose(MLP_FORWARD.solve(p).answer, _loop_forward(p), rtol=1e-12, atol=1e-12)


def test_mlp_forward_seed_network():
    """The seed's 2-2-2 sigmoid network: out_o1 is 0.75136507 (the seed misprints 0.75136079)."""
    sol = solve(MLP_FORWARD, x=[0.05, 0.10], W1=[[0.15, 0.20], [0.25, 0.30]], b1=[0.35, 0.35],
                W2=[[0.40, 0.45], [0.50, 0.55]], b2=[0.60, 0.60], activation="sigmoid",
                output_activation="sigmoid")
    assert round(sol.answer[0], 8) == 0.75136507
    assert round(sol.answer[1], 9) == 0.772928465
    text = render_text(sol.steps)
    for value in ("0.3775", "0.59327", "0.596884", "1.105906", "0.751365", "0.772928"):
        assert value in text


def test_mlp_two_hidden_layers_shapes():
    p = MLP_FORWARD.validate({"x": [1, 2, 3], "W1": [[1, 0, 0], [0, 1, 0]], "b1": [0, 0],
                              "W2": [[1, 1], [1, -1], [0, 1]], "b2": [0, 0, 0],
                              "W3": [[1, 1, 1]], "b3": [0.5], "activation": "relu"})
    sol = MLP_FORWARD.solve(p)
    # a¹ = relu([1, 2]) = [1, 2]; a² = relu([3, −1, 2]) = [3, 0, 2]; y = 3 + 0 + 2 + 0.5
    assert sol.answer == [5.5]
    assert len(sol.steps) == 6


# --- chain rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("graph", ["mul_add", "fanout", "max_mul", "sigmoid_affine", "shared_input"])
def test_chain_rule_gradient_matches_central_differences(graph):
    for seed in range(200):
        p = CHAIN_RULE.validate(gen(CHAIN_RULE, seed, graph=graph))
        names = {"sigmoid_affine": ("w", "x", "b"), "fanout": ("x", "y")}.get(graph, ("x", "y", "z"))
        values = {n: p[n] for n in names}
        ans = CHAIN_RULE.solve(p).answer
        assert ans["f"] == pytest.approx(chain_value(graph, values), rel=1e-12, abs=1e-12)
        numeric = []
        for n in names:
            up, down = dict(values), dict(values)
            up[n] += H
            down[n] -= H
            numeric.append((chain_value(graph, up) - chain_value(graph, down)) / (2 * H))
        np.testing.assert_allclose(ans["grad"], numeric, rtol=1e-6, atol=1e-7)


def test_chain_rule_seed_graph_q_times_z():
    """The seed's f = q(x, y)·z with q = x + y, on the usual numbers x = −2, y = 5, z = −4."""
    sol = solve(CHAIN_RULE, graph="mul_add", x=-2, y=5, z=-4)
    assert sol.answer == {"f": -12.0, "grad": [-4.0, -4.0, 3.0]}
    fan = solve(CHAIN_RULE, graph="fanout", x=3, y=-2)
    assert fan.answer == {"f": -3.0, "grad": [-1.0, 3.0]}  # ∂f/∂x = y + 1: both branches summed
    sig = solve(CHAIN_RULE, graph="sigmoid_affine", w=2, x=-1, b=-3)
    s = 1 / (1 + math.exp(5))
    np.testing.assert_allclose(sig.answer["grad"], [-s * (1 - s), 2 * s * (1 - s), s * (1 - s)], rtol=1e-12)


# --- one-hot -----------------------------------------------------------------------------------


def test_one_hot_against_numpy():
    for seed in range(1000):
        p = ONE_HOT.validate(gen(ONE_HOT, seed))
        ans = ONE_HOT.solve(p).answer
        if p["mode"] == "encode":
            assert ans == np.eye(p["classes"], dtype=int)[p["label"]].tolist()
        else:
            assert ans == int(np.argmax(p["probs"]))
            assert math.fsum(p["probs"]) == pytest.approx(1.0, abs=1e-9)
            assert all(round(v, 2) == v for v in p["probs"])


def test_one_hot_seed_prediction():
    assert solve(ONE_HOT, mode="predict", probs=[0.05, 0.10, 0.85]).answer == 2
    assert solve(ONE_HOT, mode="encode", classes=3, label=2).answer == [0, 0, 1]


# --- mistakes ----------------------------------------------------------------------------------

MISTAKE_KNOBS = {
    "perceptron": [{"form": "threshold"}, {"form": "bias"}],
    "logic_gate": [{"mode": "truth_table"}, {"mode": "which_gate", "gate": sorted(GATES)}],
    "mlp_forward": [{"output_activation": "identity"}, {"output_activation": "same"}],
    "chain_rule": [{"graph": g} for g in ("mul_add", "fanout", "max_mul", "sigmoid_affine", "shared_input")],
    "one_hot": [{"mode": "encode"}, {"mode": "predict"}],
}
TAGS = {
    "perceptron": {"perceptron.fired_at_threshold", "perceptron.bias_sign", "perceptron.sum_as_output",
                   "perceptron.dropped_minus", "perceptron.forgot_bias"},
    "logic_gate": {"gate.fired_at_zero", "gate.swapped_inputs", "gate.bias_sign", "gate.forgot_bias"},
    "mlp_forward": {"mlp.forgot_bias", "mlp.forgot_hidden_activation", "mlp.activated_output",
                    "mlp.forgot_output_activation", "mlp.transposed_weights"},
    "chain_rule": {"chain.mul_own_input", "chain.forgot_upstream", "chain.fanout_one_branch",
                   "chain.fanout_multiplied", "chain.max_both_inputs", "chain.max_smaller_input",
                   "chain.sigmoid_value_as_derivative"},
    "one_hot": {"onehot.one_based", "onehot.binary_code", "onehot.inverted", "onehot.argmin",
                "onehot.probability_for_class"},
}


@pytest.mark.parametrize("kind", KINDS_NETWORKS, ids=lambda k: k.name)
def test_every_mistake_is_diagnosed_and_the_right_answer_never(kind):
    tol = default_tolerance(kind)
    diagnosed: dict[str, int] = defaultdict(int)
    for knobs in MISTAKE_KNOBS[kind.name]:
        for seed in range(150):
            params = kind.validate(json.loads(json.dumps(gen(kind, seed, **knobs))))
            right = kind.solve(params).answer
            grade = grade_answer(kind, params, right, format_answer(right, 12), tol)
            assert grade.correct and grade.mistake is None
            mistakes = kind.mistakes(params)
            assert len(mistakes) >= 2
            for mistake in mistakes:
                assert mistake.message.en and mistake.message.zh and mistake.step is not None
                assert 0 <= mistake.step < len(kind.solve(params).steps)
                if matches(mistake.answer, right, tol, kind.exact):
                    continue  # the mistake happens to give the right answer for these numbers
                grade = grade_answer(kind, params, right, format_answer(mistake.answer, 12), tol)
                assert not grade.correct, (mistake.tag, params)
                assert grade.mistake is not None, (mistake.tag, params)
                assert grade.mistake.tag == mistake.tag or matches(
                    mistake.answer, grade.mistake.answer, tol, kind.exact), (mistake.tag, params)
                diagnosed[grade.mistake.tag] += 1
    assert set(diagnosed) == TAGS[kind.name]


# --- bad params ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, params, message", [
    (PERCEPTRON, {"x": [1, 2], "w": [1], "threshold": 1}, "w must have one weight per input: 2 values"),
    (PERCEPTRON, {"x": [1, 2], "w": [1, 1]}, "give exactly one of threshold"),
    (PERCEPTRON, {"x": [1, 2], "w": [1, 1], "threshold": 1, "bias": -1}, "both were given"),
    (PERCEPTRON, {"x": [], "w": [1], "threshold": 1}, "param 'x' must be a non-empty list"),
    (LOGIC_GATE, {"w": [1, 2, 3], "bias": 1}, "w must hold 2 weights"),
    (LOGIC_GATE, {"w": [1, 2], "bias": 1, "mode": "xor"}, "param 'mode' must be one of"),
    (MLP_FORWARD, {"x": [1, 2], "W1": [[1, 2]], "b1": [0, 0], "W2": [[1, 1]], "b2": [0],
                   "activation": "relu"}, r"W1 must be 2×2 \(units of b1 × values of x\), got 1×2"),
    (MLP_FORWARD, {"x": [1, 2], "W1": [[1, 2], [1, 1]], "b1": [0, 0], "W2": [[1, 1, 1]], "b2": [0],
                   "activation": "relu"}, "W2 must be 1×2"),
    (MLP_FORWARD, {"x": [1, 2], "W1": [[1, 2], [1, 1]], "b1": [0, 0], "W2": [[1, 1]], "b2": [0],
                   "b3": [1], "activation": "tanh"}, "give W3 and b3 together"),
    (MLP_FORWARD, {"x": [1], "W1": [[1]], "b1": [0], "W2": [[1]], "b2": [0], "activation": "elu"},
     "param 'activation' must be one of"),
    (CHAIN_RULE, {"graph": "mul_add", "x": 1, "y": 2}, r"graph mul_add \(f = \(x \+ y\)·z\) needs z"),
    (CHAIN_RULE, {"graph": "fanout", "x": 1, "y": 2, "z": 3}, "has no input z"),
    (CHAIN_RULE, {"graph": "max_mul", "x": 2, "y": 2, "z": 1}, "max\\(x, y\\) has no derivative when x = y"),
    (ONE_HOT, {"mode": "encode", "classes": 3, "label": 3}, "label must be a class index from 0 to 2"),
    (ONE_HOT, {"mode": "encode", "classes": 1, "label": 0}, "classes must be at least 2"),
    (ONE_HOT, {"mode": "encode", "classes": 3}, "mode encode needs classes"),
    (ONE_HOT, {"mode": "predict", "probs": [0.5, 0.6]}, "probs must sum to 1"),
    (ONE_HOT, {"mode": "predict", "probs": [0.4, 0.4, 0.2]}, "two classes share the largest probability"),
    (ONE_HOT, {"mode": "predict", "probs": [1.5, -0.5]}, "probs must each be between 0 and 1"),
    (ONE_HOT, {"mode": "predict", "probs": [0.5, 0.5], "label": 1}, "classes and label are for mode encode"),
])
def test_bad_params_are_named(kind, params, message):
    with pytest.raises(ParamError, match=message):
        kind.validate(params)


def test_knobs_and_params_are_documented():
    names = [k.name for k in KINDS_NETWORKS]
    assert names == ["perceptron", "logic_gate", "mlp_forward", "chain_rule", "one_hot"]
    for kind in KINDS_NETWORKS:
        assert kind.summary.en and kind.summary.zh
        assert all(p.doc for p in kind.params) and all(k.doc for k in kind.knobs)
