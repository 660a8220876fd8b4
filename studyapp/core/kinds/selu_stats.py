"""selu_stats: SELU of a small sample, the sample's mean and variance after it, and the weight
variance 1/n that SELU's self-normalisation assumes (Klambauer et al. 2017)."""

from __future__ import annotations

from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import magnitude_errors
from studyapp.core.kinds.like_numpy import expm1, np_dot, np_sum
from studyapp.core.kinds.nnmath import SELU_ALPHA, SELU_LAMBDA
from studyapp.core.kinds.wording import T, decimals_clause, sum_text
from studyapp.core.numfmt import num, paren, vec
from studyapp.core.steps import Step

# The usual mistakes, one entry per tag (tags are stable: progress records refer to them).
MESSAGES = {
    "selu.forgot_lambda": T("SELU multiplies by λ ≈ 1.0507 on both sides of 0.", "SELU 在 0 的两侧都要乘以 λ ≈ 1.0507。"),  # noqa: E501
    "selu.negative_without_lambda": T("The negative branch is λα(eˣ − 1): λ multiplies it too.", "负半轴是 λα(eˣ − 1):这一支也要乘 λ。"),  # noqa: E501
    "selu.input_stats": T("The mean and variance asked for are those of y = SELU(x), not of x.", "题目要的是 y = SELU(x) 的均值和方差,不是 x 的。"),  # noqa: E501
    "selu.unbiased_variance": T("The population variance divides by m, not m − 1.", "总体方差除以 m,不是 m − 1。"),  # noqa: E501
    "selu.he_weight_var": T("SELU assumes Var(w) = 1/n; 2/n is He initialisation for ReLU.", "SELU 假设 Var(w) = 1/n;2/n 是针对 ReLU 的 He 初始化。"),  # noqa: E501
}


def _mistake(tag: str, answer: Any, step: int) -> Mistake:
    return Mistake(tag, MESSAGES[tag], answer, step)


SELU_FORMULA = "SELU(x) = λx if x > 0, λα(eˣ − 1) if x ≤ 0"


def selu(x: np.ndarray) -> np.ndarray:
    return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _stats(y: np.ndarray, ddof: int = 0) -> tuple[float, float]:
    mean = float(y.mean())
    dev = y - mean
    return mean, float(dev @ dev) / (len(y) - ddof)


def _plain_stats(y: list[float]) -> tuple[float, float]:
    """``_stats(np.asarray(y))`` on plain floats."""
    mean = np_sum(y) / len(y)
    dev = [v - mean for v in y]
    return mean, np_dot(dev, dev) / len(y)


class SeluStats(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        m = k.int("samples")
        x: list[Any] = []
        for _ in range(20):
            x = k.values("x", (m,))
            if min(x) < 0 < max(x):  # both branches of SELU show
                break
        return {"x": x, "fan_in": k.int("fan_in")}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if len(p["x"]) < 2:
            errors.append("x needs at least 2 values: a variance of one value says nothing")
        if p["fan_in"] < 1:
            errors.append(f"fan_in must be at least 1 (got {p['fan_in']})")
        return errors + magnitude_errors("x", p["x"])

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, n = vec(p["x"]), p["fan_in"]
        lam, al = num(SELU_LAMBDA, 6), num(SELU_ALPHA, 6)
        if lang == "zh":
            return (f"x > 0 时 SELU(x) = λx,x ≤ 0 时 SELU(x) = λα(eˣ − 1),"
                    f"λ ≈ {lam},α ≈ {al}(Klambauer 等,2017)。"
                    f"对样本 x = {x} 逐个求 y = SELU(x),再求 y 的均值和总体方差(除以 m,不是 m − 1)。"
                    f"另外,该层有 n = {n} 个输入,SELU 的自归一化假设权重方差是多少?"
                    f"按“y: […]; mean: …; var: …; weight_var: …”作答。{decimals_clause(lang, decimals)}")
        return (f"SELU(x) = λx for x > 0 and λα(eˣ − 1) for x ≤ 0, with λ ≈ {lam} and α ≈ {al} "
                f"(Klambauer et al. 2017). For the sample x = {x}, give y = SELU(x) for each value, "
                f"then the mean and the population variance (divide by m, not m − 1) of y. The layer has "
                f"n = {n} inputs: what weight variance does SELU's self-normalisation assume? "
                f"Answer as “y: […]; mean: …; var: …; weight_var: …”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        # plain floats, as selu() and _stats() compute them in NumPy
        xl = [float(v) for v in p["x"]]
        n, m = p["fan_in"], len(xl)
        mean_x, var_x = _plain_stats(xl)
        el = [expm1(v if v < 0 else 0.0) for v in xl]  # np.minimum(x, 0.0) gives 0.0 for −0.0
        yl = [SELU_LAMBDA * (v if v > 0 else SELU_ALPHA * ev) for v, ev in zip(xl, el, strict=True)]
        mean_y, var_y = _plain_stats(yl)
        lam, la = num(SELU_LAMBDA, 6), num(SELU_LAMBDA * SELU_ALPHA, 6)
        lines = [f"SELU({num(v)}) = {lam} × {num(v)}" if v > 0 else
                 f"SELU({num(v)}) = {la} × (e^{paren(v)} − 1) = {la} × {paren(ev, 6)}"
                 for v, ev in zip(xl, el, strict=True)]
        ylf = [paren(v, 6) for v in yl]
        dev_y = [num(v - mean_y, 6) for v in yl]
        steps = [
            Step(T("Before: mean of the input", "变换前:输入的均值"), "μₓ = (1/m) Σ xᵢ",
                 f"({sum_text([paren(v) for v in xl])}) / {m}", mean_x, decimals=6),
            Step(T("Before: population variance of the input", "变换前:输入的总体方差"),
                 "σₓ² = (1/m) Σ (xᵢ − μₓ)²",
                 f"({sum_text([paren(v - mean_x, 6) + '²' for v in xl])}) / {m}", var_x, decimals=6),
            Step(T("Apply SELU to each value", "对每个值做 SELU"),
                 SELU_FORMULA + f"; λ = {lam}, λα = {la}", "\n".join(lines), yl, decimals=6,
                 note=T("λ multiplies both branches: λα ≈ 1.7581 on the negative side",
                        "λ 乘在两个分支上:负半轴的系数是 λα ≈ 1.7581")),
            Step(T("After: mean of the output", "变换后:输出的均值"), "μ_y = (1/m) Σ yᵢ",
                 f"({' + '.join(ylf)}) / {m}", mean_y, decimals=6),
            Step(T("After: population variance of the output (divide by m)",
                   "变换后:输出的总体方差(除以 m)"), "σ_y² = (1/m) Σ (yᵢ − μ_y)²",
                 f"({' + '.join([f'({d})²' if d[0] == '-' else d + '²' for d in dev_y])}) / {m}",
                 var_y, decimals=6,
                 note=T(f"Mean {num(mean_x, 4)} → {num(mean_y, 4)}, variance {num(var_x, 4)} → "
                        f"{num(var_y, 4)}. λ and α are chosen so that inputs with mean 0 and variance 1 "
                        "give outputs with mean 0 and variance 1, and nearby moments are pulled towards "
                        "that fixed point layer by layer; a small sample only approximates this",
                        f"均值 {num(mean_x, 4)} → {num(mean_y, 4)},方差 {num(var_x, 4)} → {num(var_y, 4)}。"
                        "λ、α 的取值使均值 0、方差 1 的输入得到均值 0、方差 1 的输出,附近的统计量逐层被拉向"
                        "这个不动点;小样本只能近似体现这一点")),
            Step(T("Weight variance SELU assumes", "SELU 假设的权重方差"), "Var(w) = 1/n  (n·Var(w) = 1)",
                 f"1 / {n}", 1.0 / n, decimals=6,
                 note=T("Then z = Σ wⱼxⱼ keeps the variance of the inputs. He initialisation (2/n) is for "
                        "ReLU, which zeroes half the inputs",
                        "这样 z = Σ wⱼxⱼ 的方差与输入相同。"
                        "He 初始化(2/n)是针对 ReLU 的,ReLU 会把一半输入置零")),
        ]
        return Solution({"y": yl, "mean": mean_y, "var": var_y, "weight_var": 1.0 / n}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = np.asarray(p["x"], dtype=float)
        n = p["fan_in"]
        y = selu(x)
        mean_y, var_y = _stats(y)
        right = {"y": y.tolist(), "mean": mean_y, "var": var_y, "weight_var": 1.0 / n}

        def with_y(values: np.ndarray) -> dict[str, Any]:
            mean, var = _stats(values)
            return {"y": values.tolist(), "mean": mean, "var": var, "weight_var": 1.0 / n}

        neg = SELU_ALPHA * np.expm1(np.minimum(x, 0.0))
        mean_x, var_x = _stats(x)
        out = [_mistake("selu.forgot_lambda", with_y(np.where(x > 0, x, neg)), 2)]
        if bool((x <= 0).any()):
            half = with_y(np.where(x > 0, SELU_LAMBDA * x, neg))
            out.append(_mistake("selu.negative_without_lambda", half, 2))
        out += [
            _mistake("selu.input_stats", {**right, "mean": mean_x, "var": var_x}, 3),
            _mistake("selu.unbiased_variance", {**right, "var": _stats(y, 1)[1]}, 4),
            _mistake("selu.he_weight_var", {**right, "weight_var": 2.0 / n}, 5),
        ]
        return out


KIND = SeluStats(
    name="selu_stats",
    summary=T("SELU of a small sample, the sample's mean and variance after it, and the weight variance "
              "SELU assumes.",
              "小样本的 SELU 输出、输出的均值和方差,以及 SELU 假设的权重方差。"),
    params=(
        Param("x", "vector", "the sample"),
        Param("fan_in", "int", "number of inputs n of the layer (for the weight variance 1/n)"),
    ),
    knobs=(
        Knob("samples", "int", {"min": 4, "max": 6}, "sample size m"),
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "the values"),
        Knob("fan_in", "int", [4, 5, 8, 10, 16, 20, 25, 50, 64, 100], "inputs of the layer"),
    ),
)
