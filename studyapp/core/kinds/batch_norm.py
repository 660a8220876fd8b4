"""batch_norm: batch normalisation of one feature over a mini-batch: the mean, the biased
variance and the output y = γ·x̂ + β."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import NumberLine
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.like_numpy import np_sum
from studyapp.core.kinds.nnmath import is_zero_at
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, small, vec
from studyapp.core.steps import Step

NORMALISE_CAPTION = T("x before, x̂ after normalising: the mean μ goes to 0, ±σ to about ±1",
                      "归一化前的 x 与之后的 x̂:均值 μ 移到 0,±σ 约变为 ±1")


class BatchNorm(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n = k.int("batch")
        for _ in range(20):
            x = k.values("values", (n,))
            if len(set(x)) > 1 and not is_zero_at(sum(x) / n):  # a mean of 0 skips a step
                break
        return {"x": x, "gamma": float(k.pick("gamma")), "beta": float(k.pick("beta")),
                "eps": float(k.pick("eps"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if len(p["x"]) < 2:
            errors.append("x needs at least 2 values: one value has no spread to normalise")
        if p["eps"] < 0:
            errors.append(f"eps must be 0 or more (got {p['eps']})")
        elif p["eps"] == 0 and len(set(p["x"])) == 1:
            errors.append("all values of x are equal and eps is 0: the variance is 0, "
                          "so normalising divides by zero")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, g, b, e = vec(p["x"]), num(p["gamma"]), num(p["beta"]), small(p['eps'])
        if lang == "zh":
            return (f"某个特征在一个 mini-batch 上的取值为 x = {x}。用 γ = {g}、β = {b}、ε = {e} "
                    f"做批归一化:求 mini-batch 均值、(有偏)方差和输出 y。"
                    f"按“mean: …; var: …; y: […]”作答。{decimals_clause(lang, decimals)}")
        return (f"One feature takes the values x = {x} over a mini-batch. Batch-normalise it with "
                f"γ = {g}, β = {b}, ε = {e}: give the mini-batch mean, the (biased) variance and "
                f"the output y. Answer as “mean: …; var: …; y: […]”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        # plain floats: the same operations as NumPy's mean and elementwise arithmetic
        x = [float(v) for v in p["x"]]
        g, b, eps = float(p["gamma"]), float(p["beta"]), float(p["eps"])
        m = len(x)
        mean = np_sum(x) / m
        dl = [v - mean for v in x]
        var = np_sum([d * d for d in dl]) / m
        denom = math.sqrt(var + eps)
        xhat = [d / denom for d in dl]
        y = [g * v + b for v in xhat]
        steps = [
            Step(T("Mini-batch mean", "mini-batch 均值"), "μ = (1/m) Σ xᵢ",
                 f"({' + '.join([paren(v) for v in p['x']])}) / {m}", mean, decimals=6),
            Step(T("Deviations from the mean", "与均值之差"), "xᵢ − μ", "", dl, decimals=6),
            Step(T("Mini-batch variance (divide by m, not m − 1)", "mini-batch 方差(除以 m,而非 m − 1)"),
                 "σ² = (1/m) Σ (xᵢ − μ)²",
                 f"({' + '.join([paren(v, 6) + '²' for v in dl])}) / {m}", var, decimals=6),
            Step(T("Standard deviation with ε", "加上 ε 后的标准差"), "√(σ² + ε)",
                 f"√({num(var, 6)} + {small(p['eps'])})", denom, decimals=6),
            Step(T("Normalise", "归一化"), "x̂ᵢ = (xᵢ − μ) / √(σ² + ε)",
                 ", ".join([f"{num(v, 6)}/{num(denom, 6)}" for v in dl]), xhat, decimals=6,
                 figure=NumberLine(NORMALISE_CAPTION, x, xhat, mean, math.sqrt(var))),
            Step(T("Scale and shift", "缩放和平移"), "yᵢ = γ·x̂ᵢ + β",
                 ", ".join([f"{num(g)}·{paren(v, 6)} + {paren(b)}" for v in xhat]),
                 y, decimals=6),
        ]
        return Solution({"mean": mean, "var": var, "y": y}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = np.asarray(p["x"], dtype=float)
        g, b, eps = float(p["gamma"]), float(p["beta"]), float(p["eps"])
        mean = float(x.mean())
        var = float(x.var())
        unbiased = float(x.var(ddof=1))
        xhat = (x - mean) / np.sqrt(var + eps)
        out = [
            Mistake("bn.unbiased_variance", T("Batch norm divides by m, not m − 1 (the biased variance).",
                                              "批归一化除以 m,不是 m − 1(有偏方差)。"),
                    {"mean": mean, "var": unbiased,
                     "y": (g * (x - mean) / np.sqrt(unbiased + eps) + b).tolist()}, 2),
            Mistake("bn.std_for_var", T("var is σ², not the standard deviation σ.",
                                        "var 是方差 σ²,不是标准差 σ。"),
                    {"mean": mean, "var": float(np.sqrt(var)), "y": (g * xhat + b).tolist()}, 2),
        ]
        if (g, b) != (1.0, 0.0):
            out.append(Mistake("bn.forgot_gamma_beta", T("Scale by γ and shift by β after normalising.",
                                                         "归一化之后还要乘 γ、加 β。"),
                               {"mean": mean, "var": var, "y": xhat.tolist()}, 5))
        return out


KIND = BatchNorm(
    name="batch_norm",
    figures=("number_line",),
    summary=T("Batch normalisation of one feature over a mini-batch: mean, variance, output.",
              "一个特征在 mini-batch 上的批归一化:均值、方差、输出。"),
    params=(
        Param("x", "vector", "the feature's values over the mini-batch"),
        Param("gamma", "number", "scale γ", default=1.0),
        Param("beta", "number", "shift β", default=0.0),
        Param("eps", "number", "ε added to the variance", default=1e-5),
    ),
    knobs=(
        Knob("batch", "int", {"min": 3, "max": 5}, "mini-batch size m"),
        Knob("values", "number", {"min": -2, "max": 4}, "the values"),
        Knob("gamma", "number", [1, 0.5, 2], "scale γ"),
        Knob("beta", "number", [0, 0.5, -1], "shift β"),
        Knob("eps", "number", 1e-5, "ε"),
    ),
)
