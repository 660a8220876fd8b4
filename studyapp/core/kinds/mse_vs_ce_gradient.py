"""mse_vs_ce_gradient: ∂C/∂z of a sigmoid output under the quadratic cost, (a − y)·σ'(z), and
under cross-entropy, a − y: why a saturated neuron learns slowly with the first."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.nnmath import sigmoid
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step


def _small(x: float) -> str:
    """A value that may be tiny or huge, with its significant digits (2.0612e-09, 15.2)."""
    return num(x, 8) if 1e-4 <= abs(x) < 1e6 or x == 0 else f"{x:.5g}"


class MseVsCeGradient(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        y = k.pick("target")
        if k.pick("saturated"):
            size = float(k.pick("z_saturated"))
            z = size if y == 0 else -size  # saturated on the wrong side: the slow-learning case
        else:
            z = k.pick("z")
        return {"z": z, "y": y}

    def check(self, p: dict[str, Any]) -> list[str]:
        if not 0 <= p["y"] <= 1:
            return [f"y must lie between 0 and 1 (got {num(p['y'])})"]
        return []

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        z, y = num(p["z"]), num(p["y"])
        if lang == "zh":
            return (f"一个 sigmoid 输出神经元 a = σ(z),带权输入 z = {z},目标 y = {y}。分别对二次代价 "
                    f"C = ½(a − y)² 和交叉熵代价 C = −[y ln a + (1 − y) ln(1 − a)] 求 ∂C/∂z。"
                    f"按“mse: …; ce: …”作答。{decimals_clause(lang, decimals)}")
        return (f"A sigmoid output neuron a = σ(z) has the weighted input z = {z} and the target y = {y}. "
                f"Compute ∂C/∂z for the quadratic cost C = ½(a − y)² and for the cross-entropy cost "
                f"C = −[y ln a + (1 − y) ln(1 − a)]. Answer as “mse: …; ce: …”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        z, y = float(p["z"]), float(p["y"])
        a, rest = sigmoid(z), sigmoid(-z)  # 1 − a without cancellation when a is close to 1
        s = a * rest
        err = a - y
        mse, ce = err * s, err
        af, sf, ef = num(a, 8), _small(s), paren(err, 8)
        tiny = 8 if s >= 1e-4 or s == 0 else min(20, 4 - math.floor(math.log10(s)))
        ratio = 1 / s if s > 0 else None
        times = "" if ratio is None else num(ratio, 1) if ratio < 1e6 else f"{ratio:.4g}"
        if ratio is None:
            note = T("σ'(z) underflows to 0 in floating point: the quadratic cost's gradient vanishes and "
                     "learning stops; cross-entropy keeps the full error.",
                     "σ'(z) 在浮点数中下溢为 0:二次代价的梯度消失,学习停止;交叉熵保留了完整的误差。")
        elif s < 0.05:
            note = T(f"σ'(z) = {sf} is tiny: the neuron is saturated, so the quadratic cost's gradient is "
                     f"{times} times smaller and learning crawls; cross-entropy keeps the full error.",
                     f"σ'(z) = {sf} 很小:神经元已饱和,二次代价的梯度小了 {times} 倍,学习很慢;"
                     f"交叉熵保留了完整的误差。")
        else:
            note = T(f"The neuron is not saturated (σ'(z) = {sf}; its largest value is 0.25), yet the "
                     f"quadratic cost's gradient is still {num(ratio, 2)} times smaller.",
                     f"神经元未饱和(σ'(z) = {sf};其最大值为 0.25),二次代价的梯度仍小了 {num(ratio, 2)} 倍。")
        steps = [
            Step(T("Output of the neuron", "神经元的输出"), "a = σ(z) = 1 / (1 + e⁻ᶻ)",
                 f"1 / (1 + e^{paren(-z)})", a, decimals=8),
            Step(T("Slope of the sigmoid", "sigmoid 的斜率"), "σ'(z) = a(1 − a)",
                 f"{af} × {_small(rest)}", s,
                 T("σ'(z) is at most 1/4 (at z = 0) and close to 0 when |z| is large.",
                   "σ'(z) 最大为 1/4(z = 0 时),|z| 很大时接近 0。"), decimals=tiny),
            Step(T("Error of the output", "输出的误差"), "a − y", f"{af} − {num(y)}", err, decimals=8),
            Step(T("Quadratic cost: chain rule through σ", "二次代价:经过 σ 的链式法则"),
                 "∂C/∂z = ∂C/∂a · ∂a/∂z = (a − y)·σ'(z)", f"{ef} × {sf}", mse, decimals=tiny),
            Step(T("Cross-entropy: σ'(z) cancels", "交叉熵:σ'(z) 被约掉"),
                 "∂C/∂a = (a − y) / (a(1 − a)), so ∂C/∂z = (a − y)/(a(1 − a)) · a(1 − a) = a − y",
                 f"{af} − {num(y)}", ce, decimals=8),
            Step(T("Compare the two", "比较两者"), "(∂C/∂z)_CE / (∂C/∂z)_MSE = 1 / σ'(z)",
                 f"1 / {sf}", ratio, note, decimals=2),
        ]
        return Solution({"mse": mse, "ce": ce}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        a = sigmoid(float(p["z"]))
        err = a - float(p["y"])
        mse = err * a * (1 - a)
        return [
            Mistake("mvc.swapped", T("The two are swapped: the quadratic cost carries σ'(z), cross-entropy "
                                     "does not.", "两者对调了:二次代价含 σ'(z),交叉熵不含。"),
                    {"mse": err, "ce": mse}, 3),
            Mistake("mvc.mse_forgot_sigma_prime",
                    T("For C = ½(a − y)² the chain rule through a = σ(z) adds the factor σ'(z) = a(1 − a).",
                      "对 C = ½(a − y)²,经过 a = σ(z) 的链式法则要乘 σ'(z) = a(1 − a)。"),
                    {"mse": err, "ce": err}, 3),
            Mistake("mvc.ce_with_sigma_prime",
                    T("For cross-entropy σ'(z) cancels against the 1/(a(1 − a)) of ∂C/∂a: ∂C/∂z = a − y.",
                      "交叉熵中 σ'(z) 与 ∂C/∂a 的 1/(a(1 − a)) 相消:∂C/∂z = a − y。"),
                    {"mse": mse, "ce": mse}, 4),
            Mistake("mvc.sign", T("The error is a − y (output minus target), not y − a.",
                                  "误差是 a − y(输出减目标),不是 y − a。"), {"mse": -mse, "ce": -err}, 2),
        ]


KIND = MseVsCeGradient(
    name="mse_vs_ce_gradient",
    summary=T("∂C/∂z of a sigmoid output under the quadratic cost and under cross-entropy.",
              "sigmoid 输出在二次代价与交叉熵下的 ∂C/∂z。"),
    params=(
        Param("z", "number", "the weighted input z of the output neuron"),
        Param("y", "number", "the target, between 0 and 1"),
    ),
    knobs=(
        Knob("saturated", "bool", [False, True], "a neuron saturated on the wrong side (|z| large)"),
        Knob("z", "number", {"min": -2.5, "max": 2.5, "step": 0.05}, "z when not saturated"),
        Knob("z_saturated", "number", {"min": 3, "max": 6, "step": 0.1}, "|z| when saturated"),
        Knob("target", "number", [0, 1], "target y"),
    ),
    decimals=5,
)
