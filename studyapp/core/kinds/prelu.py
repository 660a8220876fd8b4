"""prelu: PReLU, f(x) = x for x > 0 and a·x otherwise, with its gradients with respect to the
input and to the learned slope a."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Curve
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import magnitude_errors
from studyapp.core.kinds.net_figures import curve_half, symmetric_samples
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

# The usual mistakes, one entry per tag (tags are stable: progress records refer to them).
MESSAGES = {
    "prelu.dfda_is_a": T("∂(a·x)/∂a is x, not a: differentiate with respect to the slope, not the input.", "∂(a·x)/∂a 等于 x,不是 a:这里是对斜率求导,不是对输入求导。"),  # noqa: E501
    "prelu.relu_gradient": T("For x < 0 PReLU's slope is a, not 0 as in ReLU.", "x < 0 时 PReLU 的斜率是 a,不是 ReLU 的 0。"),  # noqa: E501
    "prelu.dfda_for_positive": T("For x > 0, f = x does not involve a, so ∂f/∂a = 0.", "x > 0 时 f = x 与 a 无关,所以 ∂f/∂a = 0。"),  # noqa: E501
}


def _mistake(tag: str, answer: Any, step: int) -> Mistake:
    return Mistake(tag, MESSAGES[tag], answer, step)


NEGATIVE_SLOPE_NOTE = T("Unlike ReLU the slope for x < 0 is a, not 0: the unit never dies",
                        "与 ReLU 不同,x < 0 时斜率是 a 而不是 0:神经元不会“死亡”")


def prelu(x: float, a: float) -> tuple[float, float, float]:
    """(f, ∂f/∂x, ∂f/∂a) of PReLU at x ≠ 0."""
    return (x, 1.0, 0.0) if x > 0 else (a * x, a, x)


VALUE_CAPTION = T("PReLU around x; the marked point is (x, f(x))",
                  "x 附近的 PReLU 曲线;标出的点是 (x, f(x))")
INPUT_SLOPE_CAPTION = T("The tangent at x: its slope is ∂f/∂x (1 or a)",
                        "x 处的切线:它的斜率就是 ∂f/∂x(1 或 a)")
SLOPE_PARAM_CAPTION = T("f as a function of the slope a, x fixed: its slope is ∂f/∂a",
                        "固定 x,f 作为斜率 a 的函数:它的斜率就是 ∂f/∂a")


@lru_cache(maxsize=128)  # 9 slopes × a few widths: the same curve serves many problems
def _curve_in_x(a: float, half: int) -> tuple[list[float], list[float]]:
    """f over x ∈ [−half, half] at slope a, by ``prelu`` itself."""
    xs = symmetric_samples(half)
    return xs, [prelu(v, a)[0] for v in xs]


@lru_cache(maxsize=256)  # ~100 inputs x on the knob's grid
def _curve_in_a(x: float, half: int) -> tuple[list[float], list[float]]:
    """f over a ∈ [−half, half] at input x, by ``prelu`` itself: a line of slope x (x ≤ 0) or 0."""
    slopes = symmetric_samples(half)
    return slopes, [prelu(x, v)[0] for v in slopes]


def _figures(steps: list[Step], x: float, a: float, f: float, dx: float, da: float) -> None:
    """Step 0: the point (x, f) on the curve; step 1: the tangent there; step 2: f against a."""
    xs, ys = _curve_in_x(a, curve_half(x))
    steps[0].figure = Curve(VALUE_CAPTION, "PReLU(x)", xs, ys, (x, f))
    steps[1].figure = Curve(INPUT_SLOPE_CAPTION, "PReLU(x)", xs, ys, (x, f), dx)
    slopes, fs = _curve_in_a(x, curve_half(a, 1))
    steps[2].figure = Curve(SLOPE_PARAM_CAPTION, "f(a)", slopes, fs, (a, f), da)


class PReLU(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        x = 0.0
        for _ in range(50):
            x = float(k.pick("x"))
            if x != 0:
                break
        else:
            x = -1.0
        return {"x": x, "a": float(k.pick("a"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = magnitude_errors("x", [p["x"]]) + magnitude_errors("a", [p["a"]])
        if p["x"] == 0:
            errors.append("x must not be 0: PReLU has a kink there, so ∂f/∂x is not defined "
                          "(its left slope is a, its right slope 1)")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, a = num(p["x"]), num(p["a"])
        if lang == "zh":
            return (f"PReLU(参数化 Leaky ReLU):x > 0 时 f(x) = x,否则 f(x) = a·x,斜率 a 是可学习参数。"
                    f"当 a = {a}、x = {x} 时,求 f(x)、∂f/∂x 和 ∂f/∂a。"
                    f"按“f: …; df_dx: …; df_da: …”作答。{decimals_clause(lang, decimals)}")
        return (f"PReLU (a leaky ReLU with a learned slope a) is f(x) = x if x > 0, a·x otherwise. "
                f"With a = {a} and x = {x}, give f(x), ∂f/∂x and ∂f/∂a. "
                f"Answer as “f: …; df_dx: …; df_da: …”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        x, a = float(p["x"]), float(p["a"])
        f, dx, da = prelu(x, a)
        xs, as_ = num(x), num(a)
        positive = x > 0
        steps = [
            Step(T("Forward value: which side of 0 is x?", "前向值:x 在 0 的哪一侧?"),
                 "f(x) = x if x > 0, a·x if x ≤ 0",
                 f"x = {xs} > 0 ⇒ f = x" if positive else f"x = {xs} ≤ 0 ⇒ f = {as_} × {paren(x)}", f,
                 note=T("The form max(a·x, x), often seen, agrees only when a ≤ 1; for a > 1 it would "
                        "pick a·x for positive x",
                        "常见的写法 max(a·x, x) 只在 a ≤ 1 时成立;a > 1 时对正的 x 它会取 a·x")),
            Step(T("Gradient with respect to the input", "对输入 x 的梯度"),
                 "∂f/∂x = 1 if x > 0, a if x < 0",
                 f"x = {xs} > 0 ⇒ ∂f/∂x = 1" if positive else f"x = {xs} < 0 ⇒ ∂f/∂x = a = {as_}", dx,
                 note=None if positive else NEGATIVE_SLOPE_NOTE),
            Step(T("Gradient with respect to the slope a", "对斜率 a 的梯度"),
                 "∂f/∂a = 0 if x > 0, x if x ≤ 0",
                 f"x = {xs} > 0 ⇒ f = x, ∂x/∂a = 0" if positive
                 else f"x = {xs} ≤ 0 ⇒ ∂(a·x)/∂a = x = {xs}", da,
                 note=T("When a is shared by many units, its gradient sums upstream·x over the "
                        "inputs with x ≤ 0",
                        "若 a 被多个单元共享,其梯度是所有 x ≤ 0 的输入上 upstream·x 之和")),
        ]
        _figures(steps, x, a, f, dx, da)
        return Solution({"f": f, "df_dx": dx, "df_da": da}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x, a = float(p["x"]), float(p["a"])
        f, dx, da = prelu(x, a)
        out = [_mistake("prelu.dfda_is_a", {"f": f, "df_dx": dx, "df_da": a}, 2)]
        if x < 0:
            out.append(_mistake("prelu.relu_gradient", {"f": f, "df_dx": 0.0, "df_da": da}, 1))
        else:
            out.append(_mistake("prelu.dfda_for_positive", {"f": f, "df_dx": dx, "df_da": x}, 2))
        return out


KIND = PReLU(
    name="prelu",
    summary=T("PReLU / leaky ReLU: the value and the gradients with respect to the input and the slope.",
              "PReLU / Leaky ReLU:函数值,以及对输入和对斜率的梯度。"),
    params=(
        Param("x", "number", "the input (not 0: the kink)"),
        Param("a", "number", "the slope a for x ≤ 0"),
    ),
    knobs=(
        Knob("x", "number", {"min": -5, "max": 5, "step": 0.1}, "the input (0 is skipped)"),
        Knob("a", "number", [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5], "the slope a"),
    ),
    figures=("curve",),
)
