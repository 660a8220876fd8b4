"""The figures of the network, activation and softmax kinds agree with the numbers they illustrate.

Over 200 seeds of every bundled template: a network's node values are the steps' results, each
computed node is f(Σ weight · source value) over the figure's own edges (the bias on the edge
from the "+1" unit), and a backward figure's gradients are the steps' and move the weights to the
answer; a logic gate's unit is fed the input pair whose z is nearest 0; an activation's (PReLU's,
σ's and tanh's) curve and point are the function (recomputed with ``math``) and its slope is the
answer's derivative and a central difference; softmax bars are softmax of the
logits beside them, with the true class marked.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np
import pytest

from studyapp.core.figure import Bars, Curve, Network, figure_type
from studyapp.core.kinds import KINDS
from studyapp.core.kinds.net_figures import BIAS_LABEL
from studyapp.core.kinds.nnmath import SELU_ALPHA, SELU_LAMBDA, compare
from studyapp.core.library import load_library
from studyapp.core.problems import generate

SEEDS = range(200)
H = 1e-6
DECLARED = {"backprop_step": "network", "mlp_forward": "network", "perceptron": "network",
            "logic_gate": "network", "activation": "curve", "prelu": "curve",
            "sigmoid_tanh_identity": "curve", "softmax": "bars", "softmax_cross_entropy": "bars",
            "binary_cross_entropy": "bars"}
PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))
TEMPLATES = [t for t in load_library().templates if t.kind in DECLARED]
CJK = re.compile(r"[\u4e00-\u9fff]")


def templates(*kinds: str) -> list:
    return [pytest.param(t, id=t.id) for t in TEMPLATES if t.kind in kinds]


def figures(problem) -> list[tuple[int, object]]:
    return [(i, step.figure) for i, step in enumerate(problem.steps) if step.figure is not None]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


HIDDEN = {"sigmoid": sigmoid, "tanh": math.tanh, "relu": lambda z: max(z, 0.0),
          "identity": lambda z: z}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def layers(fig: Network) -> dict[int, list[int]]:
    """Each layer's nodes (indices), bias units left out."""
    out: dict[int, list[int]] = defaultdict(list)
    for i, node in enumerate(fig.nodes):
        if node.label != BIAS_LABEL:
            out[node.layer].append(i)
    return out


def assert_forward(fig: Network, activation) -> None:
    """Every node with a value and incoming edges is ``activation(layer)(Σ w·source)``."""
    incoming = defaultdict(list)
    for edge in fig.edges:
        assert fig.nodes[edge.source].layer + 1 == fig.nodes[edge.target].layer
        incoming[edge.target].append(edge)
    for i, node in enumerate(fig.nodes):
        if node.label == BIAS_LABEL:
            assert node.value == 1.0 and i not in incoming
        if node.value is None or not incoming[i]:
            continue
        z = math.fsum(e.weight * fig.nodes[e.source].value for e in incoming[i])
        assert math.isclose(node.value, activation(node.layer)(z), rel_tol=1e-9, abs_tol=1e-12), \
            (node.label, node.value, z)


def assert_weights(fig: Network, layer: int, w: list[list[float]], b: list[float] | None) -> None:
    """The edges into ``layer``: W[j][i] from node i to node j, then b[j] from the "+1" unit."""
    sources, targets = layers(fig)[layer - 1], layers(fig)[layer]
    edges = {(e.source, e.target): e for e in fig.edges}
    for j, row in enumerate(w):
        for i, weight in enumerate(row):
            assert edges[sources[i], targets[j]].weight == weight
    biases = [e for e in fig.edges if fig.nodes[e.source].label == BIAS_LABEL
              and fig.nodes[e.target].layer == layer]
    assert [e.weight for e in biases] == ([] if b is None else list(b))


def values(fig: Network, layer: int) -> list[float | None]:
    return [fig.nodes[i].value for i in layers(fig)[layer]]


@pytest.mark.parametrize("kind", sorted(DECLARED))
def test_each_kind_declares_its_figure_and_every_caption_is_bilingual(kind):
    assert KINDS[kind].figures == (DECLARED[kind],)
    for t in TEMPLATES:
        if t.kind != kind:
            continue
        for seed in SEEDS:
            drawn = figures(generate(t, seed))
            assert drawn, f"{t.id}@{seed} draws no figure"
            for _, fig in drawn:
                assert figure_type(fig) == DECLARED[kind]
                en, zh = fig.caption.en, fig.caption.zh
                assert en and zh and en != zh and CJK.search(zh) and not CJK.search(en)
                assert len(en) <= 70, en


# --- networks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("template", templates("backprop_step"))
def test_backprop_figures_carry_the_steps_values_and_gradients(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        p, steps, answer = pr.params, pr.steps, pr.answer
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [3, 6, 9]
        forward, outputs_back, full_back = (fig for _, fig in drawn)
        assert not forward.backward and outputs_back.backward and full_back.backward
        for fig in (forward, outputs_back, full_back):
            assert values(fig, 0) == p["x"]
            assert values(fig, 1) == steps[1].result  # out_h
            assert values(fig, 2) == steps[3].result  # out_o
            assert_forward(fig, lambda layer: sigmoid)
            assert_weights(fig, 1, p["W1"], p["b1"])
            assert_weights(fig, 2, p["W2"], p["b2"])
        assert all(n.grad is None for n in forward.nodes) and all(e.grad is None for e in forward.edges)
        # ∂E/∂node is the error term δ = ∂E/∂net the steps compute; inputs and +1 units have none
        assert [full_back.nodes[i].grad for i in layers(full_back)[2]] == steps[5].result
        assert [full_back.nodes[i].grad for i in layers(full_back)[1]] == steps[8].result
        assert [outputs_back.nodes[i].grad for i in layers(outputs_back)[2]] == steps[5].result
        assert all(outputs_back.nodes[i].grad is None for i in layers(outputs_back)[1])
        grads_w = {1: steps[9].result, 2: steps[6].result}
        grads_b = {1: steps[10].result, 2: steps[7].result}
        for fig in (outputs_back, full_back):
            for e in fig.edges:
                src, dst = fig.nodes[e.source], fig.nodes[e.target]
                if fig is outputs_back and dst.layer == 1:
                    assert e.grad is None
                    continue
                # ∂E/∂w = δ(target) · value(source); the step's number, and the answer's update
                assert close(e.grad, dst.grad * src.value)
                j = layers(fig)[dst.layer].index(e.target)
                if src.label == BIAS_LABEL:
                    assert e.grad == grads_b[dst.layer][j]
                    new = answer[f"b{dst.layer}"][j]
                else:
                    i = layers(fig)[src.layer].index(e.source)
                    assert e.grad == grads_w[dst.layer][j][i]
                    new = answer[f"W{dst.layer}"][j][i]
                assert math.isclose(new, e.weight - p["lr"] * e.grad, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("template", templates("mlp_forward"))
def test_mlp_figures_fill_in_layer_by_layer(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        p = pr.params
        depth = 3 if p.get("W3") is not None else 2
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [2 * k + 1 for k in range(depth)]  # each activation step

        hidden, output = HIDDEN[p["activation"]], HIDDEN[p["output_activation"]]
        for done, (index, fig) in enumerate(drawn, 1):
            assert not fig.backward and all(e.grad is None for e in fig.edges)
            assert values(fig, 0) == p["x"]
            for layer in range(1, depth + 1):
                assert_weights(fig, layer, p[f"W{layer}"], p[f"b{layer}"])
                expected = pr.steps[2 * layer - 1].result if layer <= done else [None] * len(p[f"b{layer}"])
                assert values(fig, layer) == expected
            assert values(fig, done) == pr.steps[index].result
            assert_forward(fig, lambda layer, d=depth, h=hidden, o=output: o if layer == d else h)
        np.testing.assert_allclose(values(drawn[-1][1], depth), pr.answer, rtol=1e-12)


@pytest.mark.parametrize("template", templates("perceptron"))
def test_perceptron_figure_is_the_unit_and_its_output(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        p = pr.params
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [len(pr.steps) - 1]
        fig = drawn[0][1]
        assert values(fig, 0) == p["x"] and values(fig, 1) == [float(pr.answer["output"])]
        assert_weights(fig, 1, [p["w"]], None if p.get("bias") is None else [p["bias"]])
        threshold = p["threshold"] if p.get("bias") is None else 0.0
        assert_forward(fig, lambda layer, t=threshold: lambda z: float(compare(z, t) > 0))


@pytest.mark.parametrize("template", templates("logic_gate"))
def test_logic_gate_figure_is_the_unit_at_the_pair_nearest_its_boundary(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        (w1, w2), b = pr.params["w"], pr.params["bias"]
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [1]  # "Step function: fire when z > 0"
        fig = drawn[0][1]
        zs = [w1 * x1 + w2 * x2 + b for x1, x2 in PAIRS]
        k = min(range(4), key=lambda i: abs(zs[i]))
        assert values(fig, 0) == list(PAIRS[k]) and values(fig, 1) == [float(pr.answer[k])]
        assert str(PAIRS[k]) in fig.caption.en and str(PAIRS[k]) in fig.caption.zh
        assert_weights(fig, 1, [pr.params["w"]], [b])
        assert_forward(fig, lambda layer: lambda z: float(compare(z, 0.0) > 0))


# --- activation curves ------------------------------------------------------------------------

def reference(function: str, alpha: float):
    """The activation, written out again with ``math``."""
    if function == "sigmoid":
        return sigmoid
    if function == "tanh":
        return math.tanh
    if function == "relu":
        return lambda x: max(x, 0.0)
    if function == "leaky_relu":
        return lambda x: x if x > 0 else alpha * x
    if function == "elu":
        return lambda x: x if x > 0 else alpha * math.expm1(x)
    if function == "selu":
        return lambda x: SELU_LAMBDA * (x if x > 0 else SELU_ALPHA * math.expm1(x))
    assert function == "softplus"
    return lambda x: math.log1p(math.exp(x))


@pytest.mark.parametrize("template", templates("activation"))
def test_activation_curve_is_the_function_and_its_tangent_the_derivative(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        p = pr.params
        alpha = p["alpha"] if p.get("alpha") is not None else {"leaky_relu": 0.01}.get(p["function"], 1.0)
        f = reference(p["function"], alpha)
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [1 if p["derivative"] else 0]
        curve = drawn[0][1]
        assert isinstance(curve, Curve)
        x, y = curve.point
        assert x == p["x"]
        assert len(curve.xs) == len(curve.ys) == 41
        np.testing.assert_allclose(np.diff(curve.xs), (curve.xs[-1] - curve.xs[0]) / 40, atol=1e-12)
        assert curve.xs[0] + 1 <= x <= curve.xs[-1] - 1
        np.testing.assert_allclose(curve.ys, [f(v) for v in curve.xs], rtol=1e-12, atol=1e-15)
        assert math.isclose(y, f(x), rel_tol=1e-12, abs_tol=1e-15)
        if p["derivative"]:
            assert curve.slope == pr.answer
            central = (f(x + H) - f(x - H)) / (2 * H)
            assert math.isclose(curve.slope, central, rel_tol=1e-5, abs_tol=1e-8), (curve.slope, central)
        else:
            assert curve.slope is None and y == pr.answer
        assert curve.secant is None


def assert_curve(curve: Curve, f, x: float, y: float, slope: float | None) -> None:
    """41 even samples of ``f`` (written out again) around x, the point on it, and the tangent's
    slope: the answer's derivative and a central difference of ``f``."""
    assert isinstance(curve, Curve) and curve.point == (x, y) and curve.secant is None
    assert len(curve.xs) == len(curve.ys) == 41
    np.testing.assert_allclose(np.diff(curve.xs), (curve.xs[-1] - curve.xs[0]) / 40, atol=1e-12)
    assert curve.xs[0] + 1 <= x <= curve.xs[-1] - 1
    np.testing.assert_allclose(curve.ys, [f(v) for v in curve.xs], rtol=1e-12, atol=1e-15)
    assert math.isclose(y, f(x), rel_tol=1e-12, abs_tol=1e-15)
    assert curve.slope == slope
    if slope is not None:
        assert math.isclose(slope, (f(x + H) - f(x - H)) / (2 * H), rel_tol=1e-5, abs_tol=1e-8)


@pytest.mark.parametrize("template", templates("prelu"))
def test_prelu_curves_in_x_and_in_a_carry_both_gradients(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        x, a, answer = pr.params["x"], pr.params["a"], pr.answer
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [0, 1, 2]
        assert answer["f"] == (x if x > 0 else a * x)
        def in_x(v: float, a: float = a) -> float:  # PReLU again, with the slope a
            return v if v > 0 else a * v

        assert_curve(drawn[0][1], in_x, x, answer["f"], None)
        assert_curve(drawn[1][1], in_x, x, answer["f"], answer["df_dx"])
        assert answer["df_dx"] == (1.0 if x > 0 else a)
        # against the slope a, x fixed: the line a·x (x < 0), or the constant x
        assert_curve(drawn[2][1], lambda s, x=x: x if x > 0 else s * x, a, answer["f"], answer["df_da"])
        assert answer["df_da"] == (0.0 if x > 0 else x)


@pytest.mark.parametrize("template", templates("sigmoid_tanh_identity"))
def test_sigmoid_tanh_identity_curves_and_tangents(template):
    def scaled(v: float) -> float:
        return 2.0 / (1.0 + math.exp(-2 * v)) - 1

    for seed in SEEDS:
        pr = generate(template, seed)
        x, answer = pr.params["x"], pr.answer
        drawn = figures(pr)
        if pr.params["mode"] == "derivative":
            assert [i for i, _ in drawn] == [1, 3]
            assert_curve(drawn[0][1], sigmoid, x, pr.steps[0].result, answer["sigmoid_prime"])
            assert_curve(drawn[1][1], math.tanh, x, pr.steps[2].result, answer["tanh_prime"])
            continue
        assert [i for i, _ in drawn] == [1, 2]
        assert_curve(drawn[0][1], sigmoid, 2 * x, answer["sigmoid_2x"], None)
        assert_curve(drawn[1][1], scaled, x, pr.steps[2].result, None)
        # the scaled sigmoid is tanh: its curve and point lie on tanh too
        np.testing.assert_allclose(drawn[1][1].ys, np.tanh(drawn[1][1].xs), rtol=1e-12, atol=1e-15)
        assert math.isclose(drawn[1][1].point[1], answer["tanh"], rel_tol=1e-12, abs_tol=1e-15)


# --- bars -------------------------------------------------------------------------------------

def softmax(z: list[float]) -> np.ndarray:
    e = np.exp(np.asarray(z) - max(z))
    return e / e.sum()


def series(bars: Bars) -> dict[str, list[float]]:
    assert all(len(v) == len(bars.labels) for _, v in bars.series)
    return dict(bars.series)


@pytest.mark.parametrize("template", templates("softmax", "softmax_cross_entropy"))
def test_softmax_bars_are_the_probabilities_of_the_logits(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        z, target = pr.params["logits"], pr.params.get("target")
        drawn = figures(pr)
        assert drawn[0][0] == 3  # "Divide each by the sum"
        probs = series(drawn[0][1])
        assert probs["z"] == z and drawn[0][1].focus == target
        assert math.isclose(math.fsum(probs["p"]), 1.0, rel_tol=1e-12)
        np.testing.assert_allclose(probs["p"], softmax(z), rtol=1e-12, atol=1e-15)
        if target is None:
            assert len(drawn) == 1
            assert probs["p"] == pr.answer
            continue
        assert [i for i, _ in drawn] == [3, 4, 5] and all(fig.focus == target for _, fig in drawn)
        loss, grad = series(drawn[1][1]), series(drawn[2][1])
        np.testing.assert_allclose(loss["−ln p"], -np.log(softmax(z)), rtol=1e-9, atol=1e-12)
        assert loss["p"] == probs["p"] and loss["−ln p"][target] == pr.answer["loss"]
        assert grad["y"] == [float(i == target) for i in range(len(z))]
        np.testing.assert_allclose(grad["p − y"], np.asarray(grad["p"]) - grad["y"], atol=1e-15)
        assert grad["p − y"] == pr.answer["grad"]


@pytest.mark.parametrize("template", templates("binary_cross_entropy"))
def test_bce_bars_are_each_samples_output_and_loss(template):
    for seed in SEEDS:
        pr = generate(template, seed)
        X, y, w, b = pr.params["X"], pr.params["y"], pr.params["w"], pr.params["b"]
        drawn = figures(pr)
        assert [i for i, _ in drawn] == [1, 2]
        out, loss = series(drawn[0][1]), series(drawn[1][1])
        np.testing.assert_allclose(out["z"], np.asarray(X) @ w + b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(out["a"], [sigmoid(v) for v in out["z"]], rtol=1e-12)
        assert loss["a"] == out["a"] and loss["y"] == [float(v) for v in y]
        expected = [-(t * math.log(a) + (1 - t) * math.log(1 - a)) for a, t in zip(out["a"], y, strict=True)]
        np.testing.assert_allclose(loss["ℓ"], expected, rtol=1e-9)
        assert math.isclose(sum(loss["ℓ"]) / len(y), pr.answer["cost"], rel_tol=1e-12)
        assert drawn[1][1].focus == int(np.argmax(loss["ℓ"])) and drawn[0][1].focus is None
