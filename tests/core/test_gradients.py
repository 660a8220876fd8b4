"""Every gradient-type answer against a central finite difference of the same forward pass."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from studyapp.core.kinds import KINDS, Knobs
from studyapp.core.kinds.activation import FUNCTIONS, SELU_ALPHA, SELU_LAMBDA
from studyapp.core.kinds.backprop_step import loss as backprop_loss

H = 1e-6
SEEDS = range(200)


def generated(kind_name: str, seed: int, **knobs):
    kind = KINDS[kind_name]
    return kind, kind.generate(Knobs(kind, knobs, np.random.default_rng(seed)))


def activation_value(function: str, x: float, alpha: float | None) -> float:
    a = {"leaky_relu": 0.01, "elu": 1.0}.get(function, 1.0) if alpha is None else alpha
    table = {
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: max(v, 0.0),
        "leaky_relu": lambda v: v if v > 0 else a * v,
        "elu": lambda v: v if v > 0 else a * (np.exp(v) - 1),
        "selu": lambda v: SELU_LAMBDA * (v if v > 0 else SELU_ALPHA * (np.exp(v) - 1)),
        "softplus": lambda v: np.log1p(np.exp(v)),
    }
    return float(table[function](x))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_activation_derivative_matches_finite_difference(function):
    for seed in range(200):
        kind, p = generated("activation", seed, function=function, derivative=True)
        a = p.get("alpha")
        x = p["x"]
        numeric = (activation_value(function, x + H, a) - activation_value(function, x - H, a)) / (2 * H)
        assert kind.solve(p).answer == pytest.approx(numeric, rel=1e-5, abs=1e-6), (seed, p)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_cross_entropy_gradient(seed):
    kind, p = generated("softmax_cross_entropy", seed)
    answer = kind.solve(p).answer

    def ce(z):
        z = np.asarray(z, dtype=float)
        return float(np.log(np.exp(z - z.max()).sum()) + z.max() - z[p["target"]])

    assert answer["loss"] == pytest.approx(ce(p["logits"]), rel=1e-12)
    numeric = []
    for i in range(len(p["logits"])):
        up, down = list(p["logits"]), list(p["logits"])
        up[i] += H
        down[i] -= H
        numeric.append((ce(up) - ce(down)) / (2 * H))
    np.testing.assert_allclose(answer["grad"], numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("seed", SEEDS)
def test_backprop_step_equals_gradient_descent_on_finite_differences(seed):
    i, h, o = [(2, 2, 2), (3, 2, 1), (2, 3, 2)][seed % 3]
    kind, p = generated("backprop_step", seed, inputs=i, hidden=h, outputs=o)
    answer = kind.solve(p).answer
    assert answer["loss"] == pytest.approx(backprop_loss(p), rel=1e-12)
    for name in ("W1", "b1", "W2", "b2"):
        old = np.asarray(p[name], dtype=float)
        numeric = np.zeros_like(old)
        for index in np.ndindex(old.shape):
            up, down = copy.deepcopy(p), copy.deepcopy(p)
            _set(up[name], index, old[index] + H)
            _set(down[name], index, old[index] - H)
            numeric[index] = (backprop_loss(up) - backprop_loss(down)) / (2 * H)
        np.testing.assert_allclose(answer[name], old - p["lr"] * numeric, rtol=1e-7, atol=1e-9)


def _set(nested, index, value):
    for i in index[:-1]:
        nested = nested[i]
    nested[index[-1]] = value
