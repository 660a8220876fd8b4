"""activation: f(x) or f'(x) for one activation function at one point.

The functions are sigmoid, tanh, ReLU, leaky ReLU, ELU, SELU (λ and α of Klambauer et al. 2017,
from nnmath) and softplus; the derivative is refused where the function has a kink.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Curve
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.like_numpy import exp, log1p
from studyapp.core.kinds.nnmath import SELU_ALPHA, SELU_LAMBDA, is_zero_at
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus")
DEFAULT_ALPHA = {"leaky_relu": 0.01, "elu": 1.0}
NAMES = {
    "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU",
    "elu": "ELU", "selu": "SELU", "softplus": "softplus",
}
SAMPLES = 41  # points of the drawn curve, 40 intervals
CURVE_NAMES = {f: f"{name}(x)" for f, name in NAMES.items()}


# Each function applied to a list of inputs: the solver's value (of [x]) and the drawn curve (of
# the samples) come from the same expressions, so the point sits on the curve by construction.
def _sigmoid_values(xs: list[float], _a: float) -> list[float]:
    return [1.0 / (1.0 + exp(-v)) for v in xs]


def _tanh_values(xs: list[float], _a: float) -> list[float]:
    out: list[float] = np.tanh(np.asarray(xs, dtype=float)).tolist()
    return out


def _relu_values(xs: list[float], _a: float) -> list[float]:
    return [max(0.0, v) for v in xs]


def _leaky_relu_values(xs: list[float], a: float) -> list[float]:
    return [v if v > 0 else a * v for v in xs]


def _elu_values(xs: list[float], a: float) -> list[float]:
    return [v if v > 0 else a * (exp(v) - 1) for v in xs]


def _selu_values(xs: list[float], _a: float) -> list[float]:
    return [SELU_LAMBDA * v if v > 0 else SELU_LAMBDA * SELU_ALPHA * (exp(v) - 1) for v in xs]


def _softplus_values(xs: list[float], _a: float) -> list[float]:
    return [log1p(exp(v)) if v < 30 else v + math.log1p(math.exp(-v)) for v in xs]


VALUES: dict[str, Callable[[list[float], float], list[float]]] = {
    "sigmoid": _sigmoid_values, "tanh": _tanh_values, "relu": _relu_values,
    "leaky_relu": _leaky_relu_values, "elu": _elu_values, "selu": _selu_values,
    "softplus": _softplus_values,
}
VALUE_CAPTION = T("The function around x; the marked point is (x, f(x))",
                  "x 附近的函数曲线;标出的点是 (x, f(x))")
SLOPE_CAPTION = T("The tangent at x: its slope is the derivative f'(x)",
                  "x 处的切线:它的斜率就是导数 f'(x)")


@lru_cache(maxsize=128)  # a few functions × α × domain widths: the same curve serves many problems
def curve_samples(function: str, alpha: float, half: int) -> tuple[list[float], list[float]]:
    """``SAMPLES`` points of the function over [−half, half], evenly spaced, 0 among them."""
    mid = SAMPLES // 2
    xs = [(i - mid) * half / mid for i in range(SAMPLES)]
    return xs, VALUES[function](xs, alpha)


def curve_figure(function: str, alpha: float, x: float, value: float, slope: float | None) -> Curve:
    """The curve over a domain symmetric about 0 that holds x with a margin of at least 1."""
    xs, ys = curve_samples(function, alpha, max(4, math.ceil(abs(x)) + 1))
    return Curve(SLOPE_CAPTION if slope is not None else VALUE_CAPTION, CURVE_NAMES[function],
                 xs, ys, (x, value), slope)


def _kinked_at_zero(function: str, alpha: float) -> bool:
    """Functions whose derivative does not exist at x = 0."""
    if function in ("relu", "leaky_relu"):
        return alpha != 1.0 if function == "leaky_relu" else True
    if function == "elu":
        return alpha != 1.0
    return function == "selu"


def _activation_both(f: str, x: float, a: float) -> tuple[float, float]:
    """(value, derivative) of an activation, computed independently of the solver's steps (and
    used by the generator to reject answers that are 0)."""
    s = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    if f == "sigmoid":
        return s, s * (1 - s)
    if f == "tanh":
        t = math.tanh(x)
        return t, 1 - t * t
    if f == "relu":
        return max(x, 0.0), float(x > 0)
    if f == "leaky_relu":
        return (x, 1.0) if x > 0 else (a * x, a)
    if f == "elu":
        return (x, 1.0) if x > 0 else (a * (math.exp(x) - 1), a * math.exp(x))
    if f == "selu":
        if x > 0:
            return SELU_LAMBDA * x, SELU_LAMBDA
        return SELU_LAMBDA * SELU_ALPHA * (math.exp(x) - 1), SELU_LAMBDA * SELU_ALPHA * math.exp(x)
    return math.log1p(math.exp(x)) if x < 30 else x, s  # softplus


class Activation(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        function = k.pick("function")
        derivative = bool(k.pick("derivative"))
        p: dict[str, Any] = {"function": function, "x": 0.0, "derivative": derivative}
        if function in DEFAULT_ALPHA:
            p["alpha"] = float(k.pick("leaky_alpha" if function == "leaky_relu" else "elu_alpha"))
        alpha = self._alpha(p)
        for _ in range(50):
            x = p["x"] = float(k.pick("x"))
            if derivative and x == 0 and _kinked_at_zero(function, alpha):
                continue  # no derivative at a kink
            if not is_zero_at(_activation_both(function, x, alpha)[derivative]):
                break  # not 0 at the asked decimals (ReLU for x ≤ 0, f(0) = 0): nothing to compute
        else:
            p["x"] = 1.0
        return p

    @staticmethod
    def _alpha(p: dict[str, Any]) -> float:
        alpha = p.get("alpha")
        return DEFAULT_ALPHA.get(p["function"], 1.0) if alpha is None else float(alpha)

    def check(self, p: dict[str, Any]) -> list[str]:
        if p["derivative"] and p["x"] == 0 and _kinked_at_zero(p["function"], self._alpha(p)):
            return [f"{p['function']} has no derivative at x = 0 (its left and right slopes differ)"]
        return []

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        name, x = NAMES[p["function"]], num(p["x"])
        alpha = num(self._alpha(p)) if p["function"] in DEFAULT_ALPHA else None
        if lang == "zh":  # "α = 0.2 时的 LeakyReLU(−3.5)", never "LeakyReLU (α = 0.2)(−3.5)"
            when = f"α = {alpha} 时 " if alpha is not None else ""
            what = (f"{when}{name} 在 x = {x} 处的导数" if p["derivative"]
                    else f"{when.rstrip()}{'的 ' if when else ''}{name}({x})")
            return f"计算 {what}。{decimals_clause(lang, decimals)}"
        with_alpha = f" with α = {alpha}" if alpha is not None else ""
        what = (f"the derivative of {name}{with_alpha} at x = {x}" if p["derivative"]
                else f"{name}({x}){with_alpha}")
        return f"Compute {what}. {decimals_clause(lang, decimals)}"

    def solve(self, p: dict[str, Any]) -> Solution:
        f, x, alpha = p["function"], float(p["x"]), self._alpha(p)
        steps: list[Step] = []
        value, slope = getattr(self, "_" + f)(x, alpha, steps)
        if p["derivative"]:
            steps[1].figure = curve_figure(f, alpha, x, value, slope)
            return Solution(slope, steps)
        steps[0].figure = curve_figure(f, alpha, x, value, None)
        return Solution(value, steps[:1])

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        f, x, deriv = p["function"], float(p["x"]), p["derivative"]
        a = self._alpha(p)
        value, slope = _activation_both(f, x, a)
        out = []
        if deriv:
            out.append(Mistake("act.value_for_derivative",
                               T(f"This is {f}(x) itself, not its derivative.",
                                 f"这是 {f}(x) 的函数值,不是导数。"), value, 1))
            if f == "sigmoid":
                out.append(Mistake("act.sigmoid_one_minus_squared",
                                   T("σ'(x) is σ(x)·(1 − σ(x)), not (1 − σ(x))².",
                                     "σ'(x) = σ(x)·(1 − σ(x)),而不是 (1 − σ(x))²。"), (1 - value) ** 2, 1))
            if f == "tanh":
                out.append(Mistake("act.tanh_minus_tanh_squared",
                                   T("tanh'(x) is 1 − tanh²(x); −tanh²(x) drops the 1 (a common miscopy).",
                                     "tanh'(x) = 1 − tanh²(x);−tanh²(x) 漏掉了 1(常见的抄错写法)。"),
                                   -value * value, 1))
            if f in ("leaky_relu", "elu") and x < 0:
                out.append(Mistake("act.negative_slope_ignored",
                                   T("For x < 0 the slope is α (Leaky ReLU) or α·eˣ (ELU), not 0 as in ReLU.",
                                     "x < 0 时斜率是 α(Leaky ReLU)或 α·eˣ(ELU),不是 ReLU 的 0。"),
                                   0.0, 1))
            if f == "softplus":
                out.append(Mistake("act.softplus_derivative_sign",
                                   T("softplus'(x) = σ(x) = 1/(1 + e⁻ˣ); 1/(1 + eˣ) is σ(−x).",
                                     "softplus'(x) = σ(x) = 1/(1 + e⁻ˣ);1/(1 + eˣ) 是 σ(−x)。"),
                                   1 - slope, 1))
            if f == "selu":
                out.append(Mistake("act.selu_forgot_lambda",
                                   T("SELU's derivative keeps the scale λ ≈ 1.0507.",
                                     "SELU 的导数要乘以缩放系数 λ ≈ 1.0507。"), slope / SELU_LAMBDA, 1))
        else:
            out.append(Mistake("act.derivative_for_value",
                               T(f"This is the derivative {f}'(x); the question asks for {f}(x).",
                                 f"这是导数 {f}'(x);题目要的是函数值 {f}(x)。"), slope, 0))
            if f == "elu" and x < 0:
                out.append(Mistake("act.elu_forgot_minus_one",
                                   T("ELU(x) = α(eˣ − 1) for x < 0: the − 1 is missing.",
                                     "x < 0 时 ELU(x) = α(eˣ − 1):漏了 − 1。"), a * math.exp(x), 0))
            if f == "selu":
                out.append(Mistake("act.selu_forgot_lambda",
                                   T("SELU multiplies by λ ≈ 1.0507 on both sides of 0.",
                                     "SELU 在 0 的两侧都要乘以 λ ≈ 1.0507。"), value / SELU_LAMBDA, 0))
            if f in ("leaky_relu", "elu", "selu") and x < 0:
                out.append(Mistake("act.negative_part_zero",
                                   T("Unlike ReLU, this function is not 0 for x < 0.",
                                     "与 ReLU 不同,这个函数在 x < 0 时不为 0。"), 0.0, 0))
        return out

    # Each helper appends the value step, then the derivative step.
    def _sigmoid(self, x: float, _a: float, steps: list[Step]) -> tuple[float, float]:
        e = exp(-x)
        s = _sigmoid_values([x], _a)[0]
        steps.append(Step(T("Sigmoid", "Sigmoid 函数值"), "σ(x) = 1 / (1 + e⁻ˣ)",
                          f"σ({num(x)}) = 1 / (1 + e^{paren(-x)}) = 1 / (1 + {num(e, 6)})", s))
        d = s * (1 - s)
        steps.append(Step(T("Derivative", "导数"), "σ'(x) = σ(x)·(1 − σ(x))",
                          f"σ'({num(x)}) = {num(s, 6)} × (1 − {num(s, 6)})", d,
                          T("σ' is at most 1/4, reached at x = 0", "σ' 最大为 1/4,在 x = 0 处取到")))
        return s, d

    def _tanh(self, x: float, _a: float, steps: list[Step]) -> tuple[float, float]:
        ep, en = exp(x), exp(-x)
        t = _tanh_values([x], _a)[0]
        steps.append(Step(T("tanh", "tanh 函数值"), "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
                          f"tanh({num(x)}) = ({num(ep, 6)} − {num(en, 6)}) / "
                          f"({num(ep, 6)} + {num(en, 6)})", t))
        d = 1 - t * t
        steps.append(Step(T("Derivative", "导数"), "tanh'(x) = 1 − tanh²(x)",
                          f"tanh'({num(x)}) = 1 − {paren(t, 6)}²", d,
                          T("tanh' is at most 1, reached at x = 0", "tanh' 最大为 1,在 x = 0 处取到")))
        return t, d

    def _relu(self, x: float, _a: float, steps: list[Step]) -> tuple[float, float]:
        v = _relu_values([x], _a)[0]
        steps.append(Step(T("ReLU", "ReLU 函数值"), "ReLU(x) = max(0, x)",
                          f"ReLU({num(x)}) = max(0, {num(x)})", v))
        d = 1.0 if x > 0 else 0.0
        steps.append(Step(T("Derivative", "导数"), "ReLU'(x) = 1 if x > 0, 0 if x < 0",
                          f"x = {num(x)} {'> 0' if x > 0 else '< 0'}", d))
        return v, d

    def _leaky_relu(self, x: float, a: float, steps: list[Step]) -> tuple[float, float]:
        v = _leaky_relu_values([x], a)[0]
        work = f"{num(x)} > 0, so f(x) = x" if x > 0 else f"{num(x)} ≤ 0, so f(x) = {num(a)} × {paren(x)}"
        steps.append(Step(T("Leaky ReLU", "Leaky ReLU 函数值"), "f(x) = x if x > 0, αx otherwise",
                          work, v))
        d = 1.0 if x > 0 else a
        steps.append(Step(T("Derivative", "导数"), "f'(x) = 1 if x > 0, α if x < 0",
                          f"x = {num(x)} {'> 0' if x > 0 else '< 0'}", d))
        return v, d

    def _elu(self, x: float, a: float, steps: list[Step]) -> tuple[float, float]:
        if x > 0:
            steps.append(Step(T("ELU", "ELU 函数值"), "ELU(x) = x if x > 0, α(eˣ − 1) otherwise",
                              f"{num(x)} > 0, so ELU(x) = x", x))
            steps.append(Step(T("Derivative", "导数"), "ELU'(x) = 1 if x > 0", "", 1.0))
            return x, 1.0
        e = exp(x)
        v = _elu_values([x], a)[0]
        steps.append(Step(T("ELU", "ELU 函数值"), "ELU(x) = x if x > 0, α(eˣ − 1) otherwise",
                          f"{num(x)} ≤ 0, so ELU(x) = {num(a)} × (e^{paren(x)} − 1) = "
                          f"{num(a)} × ({num(e, 6)} − 1)", v))
        steps.append(Step(T("Derivative", "导数"), "ELU'(x) = α·eˣ (= ELU(x) + α) if x < 0",
                          f"{num(a)} × {num(e, 6)}", a * e))
        return v, a * e

    def _selu(self, x: float, _a: float, steps: list[Step]) -> tuple[float, float]:
        lam, al = SELU_LAMBDA, SELU_ALPHA
        formula = "SELU(x) = λx if x > 0, λα(eˣ − 1) otherwise; λ ≈ 1.0507, α ≈ 1.6733"
        if x > 0:
            steps.append(Step(T("SELU", "SELU 函数值"), formula, f"{num(lam, 6)} × {num(x)}", lam * x))
            steps.append(Step(T("Derivative", "导数"), "SELU'(x) = λ if x > 0", "", lam))
            return lam * x, lam
        e = exp(x)
        v = _selu_values([x], _a)[0]
        steps.append(Step(T("SELU", "SELU 函数值"), formula,
                          f"{num(lam, 6)} × {num(al, 6)} × (e^{paren(x)} − 1) = "
                          f"{num(lam * al, 6)} × ({num(e, 6)} − 1)", v))
        d = lam * al * e
        steps.append(Step(T("Derivative", "导数"), "SELU'(x) = λα·eˣ if x < 0",
                          f"{num(lam * al, 6)} × {num(e, 6)}", d))
        return v, d

    def _softplus(self, x: float, _a: float, steps: list[Step]) -> tuple[float, float]:
        e = exp(x)
        v = _softplus_values([x], _a)[0]
        steps.append(Step(T("Softplus", "Softplus 函数值"), "softplus(x) = ln(1 + eˣ)",
                          f"ln(1 + e^{paren(x)}) = ln(1 + {num(e, 6)})", v))
        d = 1.0 / (1.0 + exp(-x))
        steps.append(Step(T("Derivative", "导数"), "softplus'(x) = σ(x) = 1 / (1 + e⁻ˣ)",
                          f"1 / (1 + e^{paren(-x)})", d))
        return v, d


KIND = Activation(
    name="activation",
    summary=T("An activation function, or its derivative, at one point.",
              "激活函数在某一点的函数值或导数。"),
    params=(
        Param("function", "choice", "one of " + ", ".join(FUNCTIONS), choices=FUNCTIONS),
        Param("x", "number", "the input"),
        Param("alpha", "number", "negative slope of leaky_relu (default 0.01), α of elu (default 1)",
              default=None),
        Param("derivative", "bool", "true for the derivative f'(x) instead of f(x)", default=False),
    ),
    knobs=(
        Knob("function", "choice", list(FUNCTIONS), "which functions to draw from", FUNCTIONS),
        Knob("x", "number", {"min": -4, "max": 4, "step": 0.1}, "the input"),
        Knob("derivative", "bool", [False, True], "ask for the derivative"),
        Knob("leaky_alpha", "number", [0.01, 0.1, 0.2], "leaky_relu negative slope"),
        Knob("elu_alpha", "number", [1.0, 0.5], "ELU α"),
    ),
    figures=("curve",),
)
