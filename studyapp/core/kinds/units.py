"""Hidden units and their set-up: maxout, PReLU, SELU statistics, Xavier/He initialisation,
and batch normalisation of several features at once."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.activation import SELU_ALPHA, SELU_LAMBDA
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import decimals_clause
from studyapp.core.numfmt import format_value, num, paren, sub, vec
from studyapp.core.steps import Step

MAX_MAGNITUDE = 1e100  # squares and sums of squares of the values stay finite
TIE = 1e-9  # relative gap below which two maxout pieces count as tied


# The usual mistakes, one entry per tag (tags are stable: progress records refer to them).
MESSAGES = {
    "maxout.max_over_inputs": T("Maxout takes the max over the affine pieces wᵢᵀx + bᵢ, not over the inputs x.", "maxout 在仿射片段 wᵢᵀx + bᵢ 之间取最大,而不是在输入 x 之间取。"),  # noqa: E501
    "maxout.forgot_bias": T("Each piece adds its bias: zᵢ = wᵢᵀx + bᵢ.", "每个片段都要加上偏置:zᵢ = wᵢᵀx + bᵢ。"),  # noqa: E501
    "maxout.min_for_max": T("Maxout keeps the largest piece, not the smallest.", "maxout 取最大的片段,不是最小的。"),  # noqa: E501
    "maxout.one_based_piece": T("Pieces are numbered from 0: the first piece is 0.", "片段从 0 开始编号:第一个片段是 0。"),  # noqa: E501
    "prelu.dfda_is_a": T("∂(a·x)/∂a is x, not a: differentiate with respect to the slope, not the input.", "∂(a·x)/∂a 等于 x,不是 a:这里是对斜率求导,不是对输入求导。"),  # noqa: E501
    "prelu.relu_gradient": T("For x < 0 PReLU's slope is a, not 0 as in ReLU.", "x < 0 时 PReLU 的斜率是 a,不是 ReLU 的 0。"),  # noqa: E501
    "prelu.dfda_for_positive": T("For x > 0, f = x does not involve a, so ∂f/∂a = 0.", "x > 0 时 f = x 与 a 无关,所以 ∂f/∂a = 0。"),  # noqa: E501
    "selu.forgot_lambda": T("SELU multiplies by λ ≈ 1.0507 on both sides of 0.", "SELU 在 0 的两侧都要乘以 λ ≈ 1.0507。"),  # noqa: E501
    "selu.negative_without_lambda": T("The negative branch is λα(eˣ − 1): λ multiplies it too.", "负半轴是 λα(eˣ − 1):这一支也要乘 λ。"),  # noqa: E501
    "selu.input_stats": T("The mean and variance asked for are those of y = SELU(x), not of x.", "题目要的是 y = SELU(x) 的均值和方差,不是 x 的。"),  # noqa: E501
    "selu.unbiased_variance": T("The population variance divides by m, not m − 1.", "总体方差除以 m,不是 m − 1。"),  # noqa: E501
    "selu.he_weight_var": T("SELU assumes Var(w) = 1/n; 2/n is He initialisation for ReLU.", "SELU 假设 Var(w) = 1/n;2/n 是针对 ReLU 的 He 初始化。"),  # noqa: E501
    "xavier.fan_in_only": T("Xavier averages both fans: Var = 2/(n_in + n_out), not 1/n_in.", "Xavier 同时考虑扇入和扇出:Var = 2/(n_in + n_out),不是 1/n_in。"),  # noqa: E501
    "xavier.he_for_xavier": T("2/n_in is He initialisation; Xavier is 2/(n_in + n_out).", "2/n_in 是 He 初始化;Xavier 是 2/(n_in + n_out)。"),  # noqa: E501
    "xavier.xavier_for_he": T("He initialisation uses only the fan-in: 2/n_in, not 2/(n_in + n_out).", "He 初始化只用扇入:2/n_in,不是 2/(n_in + n_out)。"),  # noqa: E501
    "xavier.he_without_two": T("He's variance is 2/n_in: the factor 2 makes up for ReLU zeroing half the inputs.", "He 方差是 2/n_in:因子 2 弥补了 ReLU 把一半输入置零。"),  # noqa: E501
    "xavier.bound_without_sqrt": T("The bound is a square root: r = √(3·Var).", "边界要开平方:r = √(3·Var)。"),  # noqa: E501
    "xavier.bound_sqrt3": T("U(−r, r) has variance r²/3, so r = √(3·Var) = √(6/…), not √(3/…).", "U(−r, r) 的方差是 r²/3,所以 r = √(3·Var) = √(6/…),不是 √(3/…)。"),  # noqa: E501
    "bnf.per_sample_stats": T("Batch norm averages each feature over the batch (down a column), not each sample over its features (along a row).", "批归一化对每个特征在 batch 上求统计量(沿列),而不是对每个样本在特征上求(沿行)。"),  # noqa: E501
    "bnf.pooled_stats": T("Each feature has its own mean and variance; do not pool all the features together.", "每个特征有各自的均值和方差;不要把所有特征混在一起算。"),  # noqa: E501
    "bnf.unbiased_variance": T("Batch norm divides by m, not m − 1 (the biased variance).", "批归一化除以 m,不是 m − 1(有偏方差)。"),  # noqa: E501
    "bnf.std_for_var": T("var is σ², not the standard deviation σ.", "var 是方差 σ²,不是标准差 σ。"),
    "bnf.forgot_gamma_beta": T("Scale each feature by its γⱼ and shift it by its βⱼ after normalising.", "归一化之后还要对每个特征乘 γⱼ、加 βⱼ。"),  # noqa: E501
}


def _mistake(tag: str, answer: Any, step: int) -> Mistake:
    return Mistake(tag, MESSAGES[tag], answer, step)


def _magnitude_errors(name: str, values: list[float]) -> list[str]:
    big = max((abs(v) for v in values), default=0.0)
    if big > MAX_MAGNITUDE:
        return [f"values of {name} must lie within ±1e100 (got {big:g}): their squares would overflow"]
    return []


def _count(n: int, noun: str) -> str:
    """``1 entry``, ``3 entries``, ``2 rows``."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def _sum_text(terms: list[str]) -> str:
    return " + ".join(terms) if terms else "0"


# --- maxout ------------------------------------------------------------------------------------
def maxout_pieces(w: list[list[float]], b: list[float], x: list[float]) -> list[float]:
    """zᵢ = wᵢᵀx + bᵢ in plain Python: faster than NumPy for a handful of numbers."""
    return [math.fsum([wi * xi for wi, xi in zip(row, x, strict=True)]) + bi
            for row, bi in zip(w, b, strict=True)]


def _tied(z: list[float]) -> tuple[int, int] | None:
    """The first two pieces that tie at the maximum, if any."""
    top = max(z)
    winners = [i for i, v in enumerate(z) if top - v <= TIE * max(1.0, abs(top))]
    return (winners[0], winners[1]) if len(winners) > 1 else None


class Maxout(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        pieces, n = k.int("pieces"), k.int("inputs")
        w: list[list[Any]] = []
        b: list[Any] = []
        x: list[Any] = []
        for _ in range(50):
            w = k.values("weights", (pieces, n), avoid_zero=True)
            b = k.values("biases", (pieces,))
            x = k.values("x", (n,), avoid_zero=True)
            if _tied(maxout_pieces(w, b, x)) is None:
                break
        else:  # a tie every time (a knob with one value): raise the first winner's bias
            z = maxout_pieces(w, b, x)
            b[z.index(max(z))] += 1
        return {"W": w, "b": b, "x": x}

    def check(self, p: dict[str, Any]) -> list[str]:
        w, b, x = p["W"], p["b"], p["x"]
        errors = []
        if len(w) < 2:
            errors.append(f"W needs at least 2 rows (one per affine piece; got {len(w)}): "
                          "maxout takes the largest of several pieces")
        if len(b) != len(w):
            errors.append(f"b has {_count(len(b), 'entry')} but W has {_count(len(w), 'row')}; "
                          "give one bias per piece")
        if len(x) != len(w[0]):
            errors.append(f"x has {_count(len(x), 'entry')} but the rows of W have {len(w[0])}; "
                          "they must match")
        errors += _magnitude_errors("W", [v for row in w for v in row])
        errors += _magnitude_errors("b", b) + _magnitude_errors("x", x)
        if not errors:
            tie = _tied(maxout_pieces(w, b, x))
            if tie:
                errors.append(f"pieces {tie[0]} and {tie[1]} tie at the maximum: the winning piece "
                              "is not defined (choose values where one piece is largest)")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        w, b = p["W"], p["b"]
        pieces = ", ".join(f"w{sub(i)} = {vec(row)}, b{sub(i)} = {num(bi)}"
                           for i, (row, bi) in enumerate(zip(w, b, strict=True)))
        x = vec(p["x"])
        if lang == "zh":
            return (f"一个 maxout 单元有 {len(w)} 个仿射片段 zᵢ = wᵢᵀx + bᵢ:{pieces}。"
                    f"输入 x = {x}。求输出 maxᵢ zᵢ,以及取得最大值的片段编号(从 0 开始)。"
                    f"按 `output: …; piece: …` 作答。{decimals_clause(lang, decimals)}")
        return (f"A maxout unit has {len(w)} affine pieces zᵢ = wᵢᵀx + bᵢ: {pieces}. The input is "
                f"x = {x}. Give its output maxᵢ zᵢ and the index of the piece that attains it "
                f"(counting from 0). Answer as `output: …; piece: …`. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        w, b, x = p["W"], p["b"], p["x"]
        z = maxout_pieces(w, b, x)
        out = max(z)
        piece = z.index(out)
        xs = [paren(v) for v in x]
        lines = [f"z{sub(i)} = " + " + ".join(f"{paren(wi)}·{xv}" for wi, xv in zip(row, xs, strict=True))
                 + f" + {paren(bi)} = {num(zi, 6)}"
                 for i, (row, bi, zi) in enumerate(zip(w, b, z, strict=True))]
        steps = [
            Step(T("Pre-activation of each affine piece", "每个仿射片段的值"), "zᵢ = wᵢᵀx + bᵢ",
                 "\n".join(lines), z, decimals=6),
            Step(T("The output is the largest piece", "输出取各片段的最大值"), "maxout(x) = maxᵢ zᵢ",
                 f"max({', '.join(num(v, 6) for v in z)})", out, decimals=6,
                 note=T("The max runs over the pieces zᵢ, not over the inputs xⱼ",
                        "最大值是在各片段 zᵢ 之间取,而不是在输入 xⱼ 之间取")),
            Step(T("Index of the winning piece (from 0)", "取得最大值的片段编号(从 0 开始)"),
                 "argmaxᵢ zᵢ", f"z{sub(piece)} = {num(out, 6)} = maxᵢ zᵢ", piece,
                 note=T("Only the winning piece's wᵢ and bᵢ receive a gradient in backprop. "
                        "ReLU is maxout with the pieces (w, b) and (0, 0)",
                        "反向传播时只有胜出片段的 wᵢ、bᵢ 得到梯度。ReLU 就是片段为 (w, b) 与 (0, 0) "
                        "的 maxout")),
        ]
        return Solution({"output": out, "piece": piece}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, b, x = p["W"], p["b"], p["x"]
        z = maxout_pieces(w, b, x)
        out = max(z)
        piece = z.index(out)
        no_bias = maxout_pieces(w, [0.0] * len(b), x)
        return [
            _mistake("maxout.max_over_inputs", {"output": max(x), "piece": x.index(max(x))}, 1),
            _mistake("maxout.forgot_bias", {"output": max(no_bias), "piece": no_bias.index(max(no_bias))}, 0),
            _mistake("maxout.min_for_max", {"output": min(z), "piece": z.index(min(z))}, 1),
            _mistake("maxout.one_based_piece", {"output": out, "piece": piece + 1}, 2),
        ]


MAXOUT = Maxout(
    name="maxout",
    summary=T("The output of a maxout unit, max(w₁ᵀx + b₁, w₂ᵀx + b₂, …), and its winning piece.",
              "maxout 单元的输出 max(w₁ᵀx + b₁, w₂ᵀx + b₂, …) 及胜出的片段。"),
    params=(
        Param("W", "matrix", "one row wᵢ per affine piece (pieces × inputs)"),
        Param("b", "vector", "one bias bᵢ per piece"),
        Param("x", "vector", "the input"),
    ),
    knobs=(
        Knob("pieces", "int", {"min": 2, "max": 3}, "number of affine pieces"),
        Knob("inputs", "int", {"min": 2, "max": 3}, "length of x"),
        Knob("weights", "number", {"min": -3, "max": 3}, "entries of W (never 0)"),
        Knob("biases", "number", {"min": -2, "max": 2}, "the biases"),
        Knob("x", "number", {"min": -2, "max": 3, "step": 0.5}, "entries of x (never 0)"),
    ),
)


# --- PReLU ---------------------------------------------------------------------------------------
NEGATIVE_SLOPE_NOTE = T("Unlike ReLU the slope for x < 0 is a, not 0: the unit never dies",
                        "与 ReLU 不同,x < 0 时斜率是 a 而不是 0:神经元不会“死亡”")


def prelu(x: float, a: float) -> tuple[float, float, float]:
    """(f, ∂f/∂x, ∂f/∂a) of PReLU at x ≠ 0."""
    return (x, 1.0, 0.0) if x > 0 else (a * x, a, x)


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
        errors = _magnitude_errors("x", [p["x"]]) + _magnitude_errors("a", [p["a"]])
        if p["x"] == 0:
            errors.append("x must not be 0: PReLU has a kink there, so ∂f/∂x is not defined "
                          "(its left slope is a, its right slope 1)")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, a = num(p["x"]), num(p["a"])
        if lang == "zh":
            return (f"PReLU(参数化 Leaky ReLU):x > 0 时 f(x) = x,否则 f(x) = a·x,斜率 a 是可学习参数。"
                    f"当 a = {a}、x = {x} 时,求 f(x)、∂f/∂x 和 ∂f/∂a。"
                    f"按 `f: …; df_dx: …; df_da: …` 作答。{decimals_clause(lang, decimals)}")
        return (f"PReLU (a leaky ReLU with a learned slope a) is f(x) = x if x > 0, a·x otherwise. "
                f"With a = {a} and x = {x}, give f(x), ∂f/∂x and ∂f/∂a. "
                f"Answer as `f: …; df_dx: …; df_da: …`. {decimals_clause(lang, decimals)}")

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


PRELU = PReLU(
    name="prelu",
    summary=T("PReLU / leaky ReLU: the value and the gradients with respect to the input and the slope.",
              "PReLU / Leaky ReLU:函数值,以及对输入和对斜率的梯度。"),
    params=(
        Param("x", "number", "the input (not 0: the kink)"),
        Param("a", "number", "the slope a for x ≤ 0"),
    ),
    knobs=(
        Knob("x", "number", {"min": -3, "max": 3, "step": 0.5}, "the input (0 is skipped)"),
        Knob("a", "number", [0.01, 0.1, 0.2, 0.25, 0.5], "the slope a"),
    ),
)


# --- SELU statistics -----------------------------------------------------------------------------
SELU_FORMULA = "SELU(x) = λx if x > 0, λα(eˣ − 1) if x ≤ 0"


def selu(x: np.ndarray) -> np.ndarray:
    return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _stats(y: np.ndarray, ddof: int = 0) -> tuple[float, float]:
    mean = float(y.mean())
    dev = y - mean
    return mean, float(dev @ dev) / (len(y) - ddof)


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
        return errors + _magnitude_errors("x", p["x"])

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, n = vec(p["x"]), p["fan_in"]
        lam, al = num(SELU_LAMBDA, 6), num(SELU_ALPHA, 6)
        if lang == "zh":
            return (f"SELU(x) = λx(x > 0),λα(eˣ − 1)(x ≤ 0),λ ≈ {lam},α ≈ {al}(Klambauer 等,2017)。"
                    f"对样本 x = {x} 逐个求 y = SELU(x),再求 y 的均值和总体方差(除以 m,不是 m − 1)。"
                    f"另外,该层有 n = {n} 个输入,SELU 的自归一化假设权重方差是多少?"
                    f"按 `y: […]; mean: …; var: …; weight_var: …` 作答。{decimals_clause(lang, decimals)}")
        return (f"SELU(x) = λx for x > 0 and λα(eˣ − 1) for x ≤ 0, with λ ≈ {lam} and α ≈ {al} "
                f"(Klambauer et al. 2017). For the sample x = {x}, give y = SELU(x) for each value, "
                f"then the mean and the population variance (divide by m, not m − 1) of y. The layer has "
                f"n = {n} inputs: what weight variance does SELU's self-normalisation assume? "
                f"Answer as `y: […]; mean: …; var: …; weight_var: …`. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        x = np.asarray(p["x"], dtype=float)
        n, m = p["fan_in"], len(x)
        mean_x, var_x = _stats(x)
        e = np.expm1(np.minimum(x, 0.0))
        y = SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * e)
        mean_y, var_y = _stats(y)
        xl, yl, el = x.tolist(), y.tolist(), e.tolist()
        lam, la = num(SELU_LAMBDA, 6), num(SELU_LAMBDA * SELU_ALPHA, 6)
        lines = [f"SELU({num(v)}) = {lam} × {num(v)}" if v > 0 else
                 f"SELU({num(v)}) = {la} × (e^{paren(v)} − 1) = {la} × {paren(ev, 6)}"
                 for v, ev in zip(xl, el, strict=True)]
        ylf = [paren(v, 6) for v in yl]
        dev_y = [num(v - mean_y, 6) for v in yl]
        steps = [
            Step(T("Before: mean of the input", "变换前:输入的均值"), "μₓ = (1/m) Σ xᵢ",
                 f"({_sum_text([paren(v) for v in xl])}) / {m}", mean_x, decimals=6),
            Step(T("Before: population variance of the input", "变换前:输入的总体方差"),
                 "σₓ² = (1/m) Σ (xᵢ − μₓ)²",
                 f"({_sum_text([paren(v - mean_x, 6) + '²' for v in xl])}) / {m}", var_x, decimals=6),
            Step(T("Apply SELU to each value", "对每个值做 SELU"),
                 SELU_FORMULA + f"; λ = {lam}, λα = {la}", "\n".join(lines), yl, decimals=6,
                 note=T("λ multiplies both branches: λα ≈ 1.7581 on the negative side",
                        "λ 乘在两个分支上:负半轴的系数是 λα ≈ 1.7581")),
            Step(T("After: mean of the output", "变换后:输出的均值"), "μ_y = (1/m) Σ yᵢ",
                 f"({' + '.join(ylf)}) / {m}", mean_y, decimals=6),
            Step(T("After: population variance of the output (divide by m)",
                   "变换后:输出的总体方差(除以 m)"), "σ_y² = (1/m) Σ (yᵢ − μ_y)²",
                 f"({' + '.join(f'({d})²' if d[0] == '-' else d + '²' for d in dev_y)}) / {m}",
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


SELU_STATS = SeluStats(
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


# --- Xavier / He initialisation -----------------------------------------------------------------
SCHEMES = ("xavier", "he")


def init_scale(scheme: str, fan_in: int, fan_out: int | None) -> tuple[float, float]:
    """(variance, uniform bound r) of Glorot/Xavier or He initialisation; U(−r, r) has variance r²/3."""
    var = 2.0 / (fan_in + fan_out) if scheme == "xavier" else 2.0 / fan_in  # type: ignore[operator]
    return var, math.sqrt(3.0 * var)


class XavierInit(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        fan_in = fan_out = 1
        for _ in range(20):
            fan_in, fan_out = k.int("fan_in"), k.int("fan_out")
            if fan_in != fan_out:  # equal fans make 2/(n_in + n_out) = 1/n_in: a dull case
                break
        return {"fan_in": fan_in, "fan_out": fan_out, "scheme": k.pick("scheme")}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if p["fan_in"] < 1:
            errors.append(f"fan_in must be at least 1 (got {p['fan_in']})")
        if p["fan_out"] is None:
            if p["scheme"] == "xavier":
                errors.append("fan_out is needed for the xavier scheme: its variance is 2/(fan_in + fan_out)")
        elif p["fan_out"] < 1:
            errors.append(f"fan_out must be at least 1 (got {p['fan_out']})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        n_in, n_out = p["fan_in"], p["fan_out"]
        he = p["scheme"] == "he"
        if lang == "zh":
            layer = f"一个全连接层有 {n_in} 个输入" + (f"、{n_out} 个输出" if n_out is not None else "")
            scheme = ("He 初始化(用于 ReLU;He 等,2015)" if he
                      else "Xavier/Glorot 初始化(Glorot 与 Bengio,2010)")
            return (f"{layer}。按 {scheme},权重的方差是多少?若从均匀分布 U(−r, r) 中抽取权重,边界 r 是多少?"
                    f"按 `var: …; bound: …` 作答。{decimals_clause(lang, decimals)}")
        layer = f"A fully connected layer has {n_in} inputs" + (f" and {n_out} outputs" if n_out is not None
                                                              else "")
        scheme = ("He initialisation for ReLU (He et al. 2015)" if he
                  else "Xavier/Glorot initialisation (Glorot & Bengio 2010)")
        return (f"{layer}. With {scheme}, what is the variance of the weights, and the bound r when "
                f"they are drawn from the uniform distribution U(−r, r)? Answer as `var: …; bound: …`. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        n_in, n_out, scheme = p["fan_in"], p["fan_out"], p["scheme"]
        var, bound = init_scale(scheme, n_in, n_out)
        if scheme == "xavier":
            total = n_in + n_out
            steps = [
                Step(T("Fans that enter the formula: inputs plus outputs", "公式中用到的扇入与扇出之和"),
                     "n_in + n_out", f"{n_in} + {n_out}", total),
                Step(T("Glorot/Xavier variance", "Glorot/Xavier 方差"), "Var(W) = 2 / (n_in + n_out)",
                     f"2 / {total}", var, decimals=6,
                     note=T("A compromise between n_in·Var = 1 (forward activations keep their variance) and "
                            "n_out·Var = 1 (backward gradients keep theirs)",
                            "折中了 n_in·Var = 1(前向激活方差不变)与 n_out·Var = 1(反向梯度方差不变)")),
                Step(T("Uniform bound: U(−r, r) has variance r²/3", "均匀分布边界:U(−r, r) 的方差是 r²/3"),
                     "r = √(3·Var) = √(6 / (n_in + n_out))", f"√(6 / {total}) = √{num(6 / total, 6)}",
                     bound, decimals=6),
            ]
        else:
            note = (T(f"fan_out = {n_out} is not used: He initialisation keeps the forward variance",
                      f"扇出 {n_out} 用不到:He 初始化保持前向方差") if n_out is not None else None)
            steps = [
                Step(T("Fan that enters the formula: the inputs", "公式中用到的扇入"), "n_in", "", n_in,
                     note=note),
                Step(T("He variance for ReLU", "用于 ReLU 的 He 方差"), "Var(W) = 2 / n_in",
                     f"2 / {n_in}", var, decimals=6,
                     note=T("ReLU zeroes about half its inputs, so the variance is twice 1/n_in",
                            "ReLU 大约把一半输入置零,所以方差是 1/n_in 的两倍")),
                Step(T("Uniform bound: U(−r, r) has variance r²/3", "均匀分布边界:U(−r, r) 的方差是 r²/3"),
                     "r = √(3·Var) = √(6 / n_in)", f"√(6 / {n_in}) = √{num(6 / n_in, 6)}", bound, decimals=6),
            ]
        return Solution({"var": var, "bound": bound}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        n_in, n_out, scheme = p["fan_in"], p["fan_out"], p["scheme"]
        var, bound = init_scale(scheme, n_in, n_out)
        span = n_in + n_out if scheme == "xavier" else n_in
        lecun = {"var": 1.0 / n_in, "bound": math.sqrt(3.0 / n_in)}
        out = []
        if scheme == "xavier":
            he = init_scale("he", n_in, n_out)
            out += [_mistake("xavier.fan_in_only", lecun, 1),
                    _mistake("xavier.he_for_xavier", {"var": he[0], "bound": he[1]}, 1)]
        else:
            if n_out is not None:
                xavier = init_scale("xavier", n_in, n_out)
                out.append(_mistake("xavier.xavier_for_he", {"var": xavier[0], "bound": xavier[1]}, 1))
            out.append(_mistake("xavier.he_without_two", lecun, 1))
        out += [
            _mistake("xavier.bound_without_sqrt", {"var": var, "bound": 6.0 / span}, 2),
            _mistake("xavier.bound_sqrt3", {"var": var, "bound": math.sqrt(3.0 / span)}, 2),
        ]
        return out


FANS = [2, 3, 4, 5, 6, 8, 10, 16, 20, 32, 64, 100, 128, 256]

XAVIER_INIT = XavierInit(
    name="xavier_init",
    summary=T("Xavier/Glorot (or He) initialisation: the weight variance and the uniform bound of a layer.",
              "Xavier/Glorot(或 He)初始化:一层权重的方差和均匀分布的边界。"),
    params=(
        Param("fan_in", "int", "number of inputs n_in"),
        Param("fan_out", "int", "number of outputs n_out (needed for xavier)", default=None),
        Param("scheme", "choice", "xavier: 2/(n_in + n_out); he: 2/n_in", default="xavier", choices=SCHEMES),
    ),
    knobs=(
        Knob("fan_in", "int", FANS, "inputs of the layer"),
        Knob("fan_out", "int", FANS, "outputs of the layer"),
        Knob("scheme", "choice", ["xavier", "xavier", "he"], "xavier, or he (a third of the time by default)",
             SCHEMES),
    ),
)


# --- batch normalisation of several features ---------------------------------------------------
def bn_features(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float,
                axis: int = 0, ddof: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(mean, var, x̂, y) with statistics down ``axis`` (0: per feature, the right one)."""
    mean = x.mean(axis=axis, keepdims=True)
    dev = x - mean
    var = (dev * dev).sum(axis=axis, keepdims=True) / (x.shape[axis] - ddof)
    xhat = dev / np.sqrt(var + eps)
    return mean.ravel(), var.ravel(), xhat, gamma * xhat + beta


def _gamma_beta(p: dict[str, Any], d: int) -> tuple[np.ndarray, np.ndarray]:
    g = np.ones(d) if p["gamma"] is None else np.asarray(p["gamma"], dtype=float)
    b = np.zeros(d) if p["beta"] is None else np.asarray(p["beta"], dtype=float)
    return g, b


class BatchNormFeatures(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        m, d = k.int("batch"), k.int("features")
        x: list[list[Any]] = []
        for _ in range(20):
            x = k.values("values", (m, d))
            if all(len({row[j] for row in x}) > 1 for j in range(d)):  # every feature varies
                break
        return {"x": x, "gamma": [float(v) for v in k.many(k.spec("gamma"), d)],
                "beta": [float(v) for v in k.many(k.spec("beta"), d)], "eps": float(k.pick("eps"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        x = p["x"]
        m, d = len(x), len(x[0])
        errors = []
        if m < 2:
            errors.append("x needs at least 2 rows (samples): one sample has no spread to normalise")
        for name in ("gamma", "beta"):
            if p[name] is not None and len(p[name]) != d:
                errors.append(f"{name} has {_count(len(p[name]), 'entry')} but x has "
                              f"{_count(d, 'feature')} (columns); give one per feature")
        if p["eps"] < 0:
            errors.append(f"eps must be 0 or more (got {p['eps']})")
        elif p["eps"] == 0 and m >= 2:
            flat = [j for j in range(d) if len({row[j] for row in x}) == 1]
            if flat:
                errors.append(f"feature {flat[0]} has the same value in every sample and eps is 0: its "
                              "variance is 0, so normalising divides by zero")
        errors += _magnitude_errors("x", [v for row in x for v in row])
        for name in ("gamma", "beta"):
            if p[name] is not None:
                errors += _magnitude_errors(name, p[name])
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x = p["x"]
        m, d = len(x), len(x[0])
        g, b = _gamma_beta(p, d)
        xs, gs, bs, e = format_value(x), vec(g.tolist()), vec(b.tolist()), f"{p['eps']:g}"
        if lang == "zh":
            return (f"一个 mini-batch 有 m = {m} 个样本、d = {d} 个特征:x = {xs}(每行一个样本)。"
                    f"用 γ = {gs}、β = {bs}(每个特征一个)和 ε = {e} 对每个特征(每一列)做批归一化:"
                    f"求每个特征的均值、(有偏,除以 m)方差和输出 y({m}×{d})。"
                    f"按 `mean: […]; var: […]; y: [[…], …]` 作答。{decimals_clause(lang, decimals)}")
        return (f"A mini-batch of m = {m} samples with d = {d} features is x = {xs} (one row per sample). "
                f"Batch-normalise each feature (column) with γ = {gs}, β = {bs} (one per feature) and "
                f"ε = {e}: give the per-feature means, the per-feature (biased, divide by m) variances and "
                f"the output y ({m}×{d}). Answer as `mean: […]; var: […]; y: [[…], …]`. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        x = np.asarray(p["x"], dtype=float)
        m, d = x.shape
        g, b = _gamma_beta(p, d)
        eps = float(p["eps"])
        mean, var, xhat, y = bn_features(x, g, b, eps)
        denom = np.sqrt(var + eps)
        back = denom * xhat + mean
        cols = x.T.tolist()
        mean_l, var_l, den_l, g_l, b_l = mean.tolist(), var.tolist(), denom.tolist(), g.tolist(), b.tolist()
        dev = x - mean
        dev_cols = dev.T.tolist()
        xhat_cols = xhat.T.tolist()
        e = f"{eps:g}"
        mean_lines, var_lines, den_lines, hat_lines, y_lines, back_lines = [], [], [], [], [], []
        for j in range(d):
            s = sub(j)
            dj = [num(v, 6) for v in dev_cols[j]]
            hj = [paren(v, 6) for v in xhat_cols[j]]
            mu, sd, sv = num(mean_l[j], 6), num(den_l[j], 6), num(var_l[j], 6)
            squares = " + ".join(f"({t})²" if t[0] == "-" else t + "²" for t in dj)
            mean_lines.append(f"μ{s} = ({_sum_text([paren(v) for v in cols[j]])}) / {m} = {mu}")
            var_lines.append(f"σ{s}² = ({squares}) / {m} = {sv}")
            den_lines.append(f"√(σ{s}² + ε) = √({sv} + {e}) = {sd}")
            hat_lines.append(f"j = {j}: ({', '.join(dj)}) / {sd}")
            scale, shift = num(g_l[j]) + "·", " + " + paren(b_l[j])
            y_lines.append(f"j = {j}: " + ", ".join([scale + h + shift for h in hj]))
            scale, shift = sd + "·", " + " + paren(mean_l[j], 6)
            back_lines.append(f"j = {j}: γ = {sd}, β = {mu}: " + ", ".join([scale + h + shift for h in hj]))
        y_l = y.tolist()
        steps = [
            Step(T("Per-feature mean: down each column, over the m samples",
                   "每个特征的均值:沿每一列、对 m 个样本求平均"), "μⱼ = (1/m) Σᵢ xᵢⱼ",
                 "\n".join(mean_lines), mean_l, decimals=6),
            Step(T("Deviations from the feature's mean", "与所在特征均值之差"), "xᵢⱼ − μⱼ", "",
                 dev.tolist(), decimals=6),
            Step(T("Per-feature variance (divide by m, not m − 1)", "每个特征的方差(除以 m,而非 m − 1)"),
                 "σⱼ² = (1/m) Σᵢ (xᵢⱼ − μⱼ)²", "\n".join(var_lines), var_l, decimals=6),
            Step(T("Standard deviation with ε", "加上 ε 后的标准差"), "√(σⱼ² + ε)", "\n".join(den_lines),
                 den_l, decimals=6),
            Step(T("Normalise", "归一化"), "x̂ᵢⱼ = (xᵢⱼ − μⱼ) / √(σⱼ² + ε)", "\n".join(hat_lines),
                 xhat.tolist(), decimals=6),
            Step(T("Scale and shift each feature by its own γⱼ, βⱼ", "每个特征用自己的 γⱼ、βⱼ 缩放和平移"),
                 "yᵢⱼ = γⱼ·x̂ᵢⱼ + βⱼ", "\n".join(y_lines), y_l, decimals=6),
            Step(T("Check: γⱼ = √(σⱼ² + ε), βⱼ = μⱼ undoes the normalisation",
                   "验证:γⱼ = √(σⱼ² + ε)、βⱼ = μⱼ 时恰好还原输入"),
                 "√(σⱼ² + ε)·x̂ᵢⱼ + μⱼ = xᵢⱼ", "\n".join(back_lines), back.tolist(), decimals=6,
                 note=T("So a BN layer can learn to be the identity: normalising never costs the network "
                        "what it could represent before",
                        "因此 BN 层可以学成恒等映射:归一化不会削弱网络原有的表达能力")),
        ]
        return Solution({"mean": mean_l, "var": var_l, "y": y_l}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = np.asarray(p["x"], dtype=float)
        m, d = x.shape
        g, b = _gamma_beta(p, d)
        eps = float(p["eps"])
        mean, var, xhat, y = bn_features(x, g, b, eps)
        out = []
        if m == d:  # only then are per-sample statistics shaped like the answer
            mean_r, var_r, _, y_r = bn_features(x, g, b, eps, axis=1)
            out.append(_mistake("bnf.per_sample_stats",
                                {"mean": mean_r.tolist(), "var": var_r.tolist(), "y": y_r.tolist()}, 0))
        all_mean = float(x.mean())
        all_dev = x - all_mean
        all_var = float((all_dev * all_dev).mean())
        pooled_y = g * all_dev / math.sqrt(all_var + eps) + b
        out.append(_mistake("bnf.pooled_stats",
                            {"mean": [all_mean] * d, "var": [all_var] * d, "y": pooled_y.tolist()}, 0))
        if m > 1:
            _, var_u, _, y_u = bn_features(x, g, b, eps, ddof=1)
            out.append(_mistake("bnf.unbiased_variance",
                                {"mean": mean.tolist(), "var": var_u.tolist(), "y": y_u.tolist()}, 2))
        out.append(_mistake("bnf.std_for_var", {"mean": mean.tolist(), "var": np.sqrt(var).tolist(),
                                                "y": y.tolist()}, 2))
        if bool(np.any(g != 1.0) or np.any(b != 0.0)):
            out.append(_mistake("bnf.forgot_gamma_beta",
                                {"mean": mean.tolist(), "var": var.tolist(), "y": xhat.tolist()}, 5))
        return out


BATCH_NORM_FEATURES = BatchNormFeatures(
    name="batch_norm_features",
    summary=T("Batch normalisation of a mini-batch with several features: per-feature statistics, γ and β.",
              "多特征 mini-batch 的批归一化:按特征求统计量,每个特征各有 γ、β。"),
    params=(
        Param("x", "matrix", "the mini-batch, one row per sample, one column per feature (m × d)"),
        Param("gamma", "vector", "scale γⱼ per feature (default all 1)", default=None),
        Param("beta", "vector", "shift βⱼ per feature (default all 0)", default=None),
        Param("eps", "number", "ε added to the variance", default=1e-5),
    ),
    knobs=(
        Knob("batch", "int", {"min": 3, "max": 4}, "mini-batch size m"),
        Knob("features", "int", {"min": 2, "max": 3}, "number of features d"),
        Knob("values", "number", {"min": -2, "max": 4}, "the values"),
        Knob("gamma", "number", [1, 0.5, 2], "scale γⱼ of each feature"),
        Knob("beta", "number", [0, 0.5, -1], "shift βⱼ of each feature"),
        Knob("eps", "number", 1e-5, "ε"),
    ),
)

KINDS_UNITS: tuple[Kind, ...] = (MAXOUT, PRELU, SELU_STATS, XAVIER_INIT, BATCH_NORM_FEATURES)
