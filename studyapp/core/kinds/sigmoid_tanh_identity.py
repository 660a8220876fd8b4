"""sigmoid_tanh_identity: tanh as a scaled and shifted sigmoid, tanh(x) = 2σ(2x) − 1, and the
derivatives σ'(x) and tanh'(x) at a point."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Curve
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.net_figures import curve_half, symmetric_samples
from studyapp.core.kinds.nnmath import sigmoid
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

D = 6  # decimals of the intermediate values in the worked solutions


def _via_sigmoid(x: float) -> float:
    """2σ(2x) − 1, as the solver computes it from σ(2x)."""
    return 2 * sigmoid(2 * x) - 1


# The functions the solver evaluates, by the name each curve is drawn with.
FUNCTIONS: dict[str, Callable[[float], float]] = {
    "σ(x)": sigmoid, "tanh(x)": math.tanh, "2σ(2x) − 1": _via_sigmoid}
SIGMOID_2X_CAPTION = T("The sigmoid at 2x: the marked point is (2x, σ(2x))",
                       "2x 处的 sigmoid:标出的点是 (2x, σ(2x))")
SCALED_CAPTION = T("2σ(2x) − 1 against x: it is the tanh curve, through (0, 0)",
                   "2σ(2x) − 1 随 x 的曲线:正是过 (0, 0) 的 tanh 曲线")
SIGMOID_SLOPE_CAPTION = T("The tangent to σ at x: its slope is σ'(x), at most 1/4",
                          "σ 在 x 处的切线:斜率就是 σ'(x),最大 1/4")
TANH_SLOPE_CAPTION = T("The tangent to tanh at x: its slope is tanh'(x), at most 1",
                       "tanh 在 x 处的切线:斜率就是 tanh'(x),最大 1")


@lru_cache(maxsize=32)  # three functions × a few widths: the same curve serves every problem
def _samples(name: str, half: int) -> tuple[list[float], list[float]]:
    xs = symmetric_samples(half)
    return xs, list(map(FUNCTIONS[name], xs))


def _curve(caption: Text, name: str, x: float, y: float, slope: float | None = None) -> Curve:
    """The function ``name`` over a domain around x, the point (x, y) and the tangent's slope."""
    xs, ys = _samples(name, curve_half(x))
    return Curve(caption, name, xs, ys, (x, y), slope, decimals=D)


class SigmoidTanhIdentity(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        x = k.pick("x")
        for _ in range(20):
            if x != 0 or mode == "derivative":  # at x = 0 the value version is trivial
                break
            x = k.pick("x")
        else:
            x = 1
        return {"x": x, "mode": mode}

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x = num(p["x"])
        if p["mode"] == "derivative":
            if lang == "zh":
                return (f"求 sigmoid 和 tanh 在 x = {x} 处的导数 σ'(x) 和 tanh'(x)。"
                        f"按“sigmoid_prime: …; tanh_prime: …”作答。{decimals_clause(lang, decimals)}")
            return (f"Compute the derivatives σ'(x) of the sigmoid and tanh'(x) at x = {x}. "
                    f"Answer as “sigmoid_prime: …; tanh_prime: …”. {decimals_clause(lang, decimals)}")
        if lang == "zh":
            return (f"tanh 是缩放平移后的 sigmoid:tanh(x) = 2σ(2x) − 1。对 x = {x},先求 σ(2x),"
                    f"再由此求 tanh(x)。按“sigmoid_2x: …; tanh: …”作答。{decimals_clause(lang, decimals)}")
        return (f"tanh is a scaled and shifted sigmoid: tanh(x) = 2σ(2x) − 1. For x = {x}, compute σ(2x) "
                f"and from it tanh(x). Answer as “sigmoid_2x: …; tanh: …”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        x = float(p["x"])
        if p["mode"] == "derivative":
            s = sigmoid(x)
            ds = s * (1 - s)
            t = math.tanh(x)
            dt = 1 - t * t
            s2 = sigmoid(2 * x)
            via = 4 * s2 * (1 - s2)
            sf, s2f = num(s, D), num(s2, D)
            steps = [
                Step(T("Sigmoid", "sigmoid 函数值"), "σ(x) = 1 / (1 + e⁻ˣ)",
                     f"1 / (1 + e^{paren(-x)})", s, decimals=D),
                Step(T("Derivative of the sigmoid", "sigmoid 的导数"), "σ'(x) = σ(x)·(1 − σ(x))",
                     f"{sf} × (1 − {sf})", ds,
                     T("σ'(x) ∈ (0, 1/4]: at most 0.25, reached at x = 0.",
                       "σ'(x) ∈ (0, 1/4]:最大 0.25,在 x = 0 处取到。"), decimals=D,
                     figure=_curve(SIGMOID_SLOPE_CAPTION, "σ(x)", x, s, ds)),
                Step(T("tanh", "tanh 函数值"), "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
                     f"(e^{paren(x)} − e^{paren(-x)}) / (e^{paren(x)} + e^{paren(-x)})", t, decimals=D),
                Step(T("Derivative of tanh", "tanh 的导数"), "tanh'(x) = 1 − tanh²(x)",
                     f"1 − {paren(t, D)}²", dt,
                     T("tanh'(x) ∈ (0, 1]: at most 1, at x = 0, four times the sigmoid's largest slope. "
                       "A common miscopy is −tanh²(x), which is never positive: the 1 is missing.",
                       "tanh'(x) ∈ (0, 1]:最大为 1(x = 0 处),是 sigmoid 最大斜率的 4 倍。"
                       "常见的抄错写法是 −tanh²(x),它不可能为正:漏了 1。"), decimals=D,
                     figure=_curve(TANH_SLOPE_CAPTION, "tanh(x)", x, t, dt)),
                Step(T("Check with tanh(x) = 2σ(2x) − 1", "用 tanh(x) = 2σ(2x) − 1 验算"),
                     "tanh'(x) = 2·σ'(2x)·2 = 4σ(2x)(1 − σ(2x))",
                     f"σ({num(2 * x)}) = {s2f}; 4 × {s2f} × (1 − {s2f})", via,
                     T("The inner derivative of 2x gives the second factor 2.",
                       "内层 2x 的导数带来第二个因子 2。"), decimals=D),
            ]
            return Solution({"sigmoid_prime": ds, "tanh_prime": dt}, steps)
        s2 = sigmoid(2 * x)
        via = 2 * s2 - 1
        t = math.tanh(x)
        s2f = num(s2, D)
        steps = [
            Step(T("Double the input", "输入乘 2"), "2x", f"2 × {paren(x)}", 2 * x),
            Step(T("Sigmoid of 2x", "2x 的 sigmoid"), "σ(2x) = 1 / (1 + e⁻²ˣ)",
                 f"1 / (1 + e^{paren(-2 * x)})", s2, decimals=D,
                 figure=_curve(SIGMOID_2X_CAPTION, "σ(x)", 2 * x, s2)),
            Step(T("Scale by 2 and shift by −1", "乘 2 再减 1"), "tanh(x) = 2σ(2x) − 1",
                 f"2 × {s2f} − 1", via,
                 T("σ has range (0, 1); 2σ − 1 stretches it to tanh's range (−1, 1), centred on 0.",
                   "σ 的值域是 (0, 1);2σ − 1 把它拉伸到 tanh 的值域 (−1, 1),以 0 为中心。"), decimals=D,
                 figure=_curve(SCALED_CAPTION, "2σ(2x) − 1", x, via)),
            Step(T("Check with the definition of tanh", "用 tanh 的定义验算"),
                 "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
                 f"(e^{paren(x)} − e^{paren(-x)}) / (e^{paren(x)} + e^{paren(-x)})", t,
                 T("2/(1 + e⁻²ˣ) − 1 = (1 − e⁻²ˣ)/(1 + e⁻²ˣ); multiply above and below by eˣ.",
                   "2/(1 + e⁻²ˣ) − 1 = (1 − e⁻²ˣ)/(1 + e⁻²ˣ);分子分母同乘 eˣ 即得。"), decimals=D),
        ]
        return Solution({"sigmoid_2x": s2, "tanh": t}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = float(p["x"])
        if p["mode"] == "derivative":
            s, t, s2 = sigmoid(x), math.tanh(x), sigmoid(2 * x)
            ds = s * (1 - s)
            return [
                Mistake("sti.tanh_minus_tanh_squared",
                        T("tanh'(x) = 1 − tanh²(x); −tanh²(x) drops the 1 (a common miscopy) and "
                          "is never positive.", "tanh'(x) = 1 − tanh²(x);−tanh²(x) 漏了 1(常见的抄错写法),"
                          "而且不可能为正。"), {"sigmoid_prime": ds, "tanh_prime": -t * t}, 3),
                Mistake("sti.chain_factor_two",
                        T("d/dx[2σ(2x) − 1] = 2·σ'(2x)·2: the inner derivative of 2x adds a second factor 2.",
                          "d/dx[2σ(2x) − 1] = 2·σ'(2x)·2:内层 2x 的导数再带来一个因子 2。"),
                        {"sigmoid_prime": ds, "tanh_prime": 2 * s2 * (1 - s2)}, 4),
                Mistake("sti.values_for_derivatives",
                        T("These are σ(x) and tanh(x) themselves, not their derivatives.",
                          "这是 σ(x) 和 tanh(x) 的函数值,不是导数。"),
                        {"sigmoid_prime": s, "tanh_prime": t}, 1),
            ]
        s1, s2 = sigmoid(x), sigmoid(2 * x)
        return [
            Mistake("sti.sigma_x_not_2x", T("The identity uses σ(2x), not σ(x): tanh(x) = 2σ(2x) − 1.",
                                            "恒等式用的是 σ(2x),不是 σ(x):tanh(x) = 2σ(2x) − 1。"),
                    {"sigmoid_2x": s1, "tanh": 2 * s1 - 1}, 1),
            Mistake("sti.forgot_minus_one", T("2σ(2x) lies in (0, 2); subtract 1 to get tanh(x) in (−1, 1).",
                                              "2σ(2x) 在 (0, 2) 内;减去 1 才得到 (−1, 1) 内的 tanh(x)。"),
                    {"sigmoid_2x": s2, "tanh": 2 * s2}, 2),
        ]


KIND = SigmoidTanhIdentity(
    name="sigmoid_tanh_identity",
    summary=T("tanh as a scaled sigmoid, tanh(x) = 2σ(2x) − 1, and the two derivatives at a point.",
              "tanh 是缩放的 sigmoid:tanh(x) = 2σ(2x) − 1;以及两者在某点的导数。"),
    params=(
        Param("x", "number", "the input"),
        Param("mode", "choice", "value: σ(2x) and tanh(x); derivative: σ'(x) and tanh'(x)",
              default="value", choices=("value", "derivative")),
    ),
    knobs=(
        Knob("mode", "choice", ["value", "derivative"], "which question", ("value", "derivative")),
        Knob("x", "number", {"min": -3, "max": 3, "step": 0.02}, "the input"),
    ),
    figures=("curve",),
)
