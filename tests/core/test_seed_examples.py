"""The worked examples of the seed notes, reproduced to the digits the seed prints.

Where a seed is wrong (it prints out_o1 = 0.75136079), the correct value is asserted.
"""

from __future__ import annotations

import numpy as np
import pytest

from studyapp.core.kinds import KINDS

BACKPROP = {
    "x": [0.05, 0.10], "target": [0.01, 0.99],
    "W1": [[0.15, 0.20], [0.25, 0.30]], "b1": [0.35, 0.35],
    "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60], "lr": 0.5,
}


def solve(kind: str, **params):
    k = KINDS[kind]
    return k.solve(k.validate(params))


def test_backprop_example_matches_the_seed():
    from studyapp.core.kinds.backprop_step import forward

    net_h, out_h, net_o, out_o = forward(BACKPROP)
    assert round(out_h[0], 9) == 0.593269992
    assert round(out_h[1], 9) == 0.596884378
    assert round(net_o[0], 9) == 1.105905967
    assert round(out_o[0], 8) == 0.75136507  # the seed misprints 0.75136079
    assert round(out_o[1], 9) == 0.772928465
    sol = solve("backprop_step", **BACKPROP)
    assert round(sol.answer["loss"], 9) == 0.298371109
    assert round(sol.answer["W2"][0][0], 8) == 0.35891648  # w5 after one step
    assert round(sol.answer["W2"][0][1], 9) == 0.408666186  # w6
    assert round(sol.answer["W2"][1][0], 9) == 0.511301270  # w7
    assert round(sol.answer["W2"][1][1], 9) == 0.561370121  # w8
    assert round(sol.answer["W1"][0][0], 9) == 0.149780716  # w1


def test_backprop_solution_shows_every_intermediate_value():
    from studyapp.core.steps import render_text

    text = render_text(solve("backprop_step", **BACKPROP).steps)
    for value in ("0.3775", "0.593269992", "1.105905967", "0.75136507", "0.274811083",
                  "0.023560026", "0.298371109", "0.138498562", "0.082167041", "0.35891648"):
        assert value in text


def test_conv_output_size_example():
    sol = solve("conv_output_size", input_size=5, kernel_size=3, padding=0, stride=2)
    assert sol.answer == 2
    assert "⌊(5 − 3 + 2·0) / 2⌋ + 1" in sol.steps[0].work


def test_the_seeds_seven_by_seven_by_three_example_gives_three_by_three_by_two():
    """The seed's 7×7×3 is the *padded* volume: a 5×5×3 input with one ring of zeros.

    Read literally (a 7×7×3 input padded by 1), the output would be 4×4×2, as
    ⌊(7 − 3 + 2)/2⌋ + 1 = 4 shows; the app computes what the formula says.
    """
    rng = np.random.default_rng(0)
    x = rng.integers(-2, 3, size=(3, 5, 5)).tolist()
    kernels = [rng.integers(-1, 2, size=(3, 3, 3)).tolist() for _ in range(2)]
    maps = [solve("conv2d", input=x, kernel=k, bias=1, stride=2, padding=1) for k in kernels]
    assert np.shape([m.answer for m in maps]) == (2, 3, 3)
    padded = maps[0].steps[0].result
    assert np.shape(padded) == (3, 7, 7)
    literal = np.zeros((3, 7, 7)).tolist()
    assert np.shape(solve("conv2d", input=literal, kernel=kernels[0], stride=2, padding=1).answer) == (4, 4)


def test_conv_param_count_example():
    assert solve("conv_param_count", kernel_size=3, in_channels=3, filters=2).answer == 56


@pytest.mark.parametrize(("function", "expected"), [("sigmoid", 0.25), ("tanh", 1.0)])
def test_activation_derivatives_at_zero(function, expected):
    assert solve("activation", function=function, x=0, derivative=True).answer == expected


def test_conv2d_single_channel_by_hand():
    x = [[1, 2, 0], [0, 1, 3], [2, 1, 0]]
    w = [[[1, 0], [0, -1]]]
    sol = solve("conv2d", input=x, kernel=w, bias=0.5, stride=1, padding=0, activation="relu")
    # a(0,0) = 1·1 + 0·2 + 0·0 + (−1)·1 + 0.5 = 0.5; a(0,1) = 2 − 3 + 0.5 → ReLU 0
    np.testing.assert_allclose(sol.answer, [[0.5, 0.0], [0.0, 1.5]])


def test_pooling_by_hand():
    x = [[1, 3, 2, 4], [5, 6, 1, 0], [7, 2, 9, 8], [0, 1, 3, 4]]
    assert solve("pool2d", input=x, size=2, stride=2, mode="max").answer == [[6, 4], [7, 9]]
    np.testing.assert_allclose(solve("pool2d", input=x, size=2, stride=2, mode="avg").answer,
                               [[3.75, 1.75], [2.5, 6.0]])


def test_batch_norm_uses_the_biased_variance():
    sol = solve("batch_norm", x=[1, 2, 3, 6], gamma=2, beta=1, eps=0)
    assert sol.answer["mean"] == 3
    assert sol.answer["var"] == pytest.approx(3.5)  # (4 + 1 + 0 + 9) / 4, not / 3
    np.testing.assert_allclose(sol.answer["y"], 2 * (np.array([1, 2, 3, 6]) - 3) / np.sqrt(3.5) + 1)


def test_softmax_and_cross_entropy():
    z = [1.0, 2.0, 3.0]
    p = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(solve("softmax", logits=z).answer, p)
    sol = solve("softmax_cross_entropy", logits=z, target=2)
    assert sol.answer["loss"] == pytest.approx(-np.log(p[2]))
    np.testing.assert_allclose(sol.answer["grad"], p - np.array([0, 0, 1]))


@pytest.mark.parametrize(("function", "x", "alpha", "value"), [
    ("relu", -2, None, 0.0), ("leaky_relu", -2, 0.1, -0.2), ("elu", -1, 1.0, np.exp(-1) - 1),
    ("selu", 1, None, 1.0507009873554805), ("softplus", 0, None, np.log(2)),
    ("tanh", 0.5, None, np.tanh(0.5)), ("sigmoid", 2, None, 1 / (1 + np.exp(-2))),
])
def test_activation_values(function, x, alpha, value):
    params = {"function": function, "x": x}
    if alpha is not None:
        params["alpha"] = alpha
    assert solve("activation", **params).answer == pytest.approx(value)
