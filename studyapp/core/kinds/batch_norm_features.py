"""batch_norm_features: batch normalisation of a mini-batch with several features: statistics
per feature (down each column), and a γⱼ and βⱼ per feature."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import NumberLine
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import magnitude_errors, plural
from studyapp.core.kinds.like_numpy import column_sums
from studyapp.core.kinds.wording import T, decimals_clause, sum_text
from studyapp.core.numfmt import format_value, num, paren, small, sub, vec
from studyapp.core.steps import Step

# The usual mistakes, one entry per tag (tags are stable: progress records refer to them).
MESSAGES = {
    "bnf.per_sample_stats": T("Batch norm averages each feature over the batch (down a column), not each sample over its features (along a row).", "批归一化对每个特征在 batch 上求统计量(沿列),而不是对每个样本在特征上求(沿行)。"),  # noqa: E501
    "bnf.pooled_stats": T("Each feature has its own mean and variance; do not pool all the features together.", "每个特征有各自的均值和方差;不要把所有特征混在一起算。"),  # noqa: E501
    "bnf.unbiased_variance": T("Batch norm divides by m, not m − 1 (the biased variance).", "批归一化除以 m,不是 m − 1(有偏方差)。"),  # noqa: E501
    "bnf.std_for_var": T("var is σ², not the standard deviation σ.", "var 是方差 σ²,不是标准差 σ。"),
    "bnf.forgot_gamma_beta": T("Scale each feature by its γⱼ and shift it by its βⱼ after normalising.", "归一化之后还要对每个特征乘 γⱼ、加 βⱼ。"),  # noqa: E501
}


NORMALISE_CAPTION = T("Feature 0 before and after normalising: μ₀ to 0, ±σ₀ to about ±1",
                      "特征 0 归一化前后:均值 μ₀ 移到 0,±σ₀ 约变为 ±1")


def _mistake(tag: str, answer: Any, step: int) -> Mistake:
    return Mistake(tag, MESSAGES[tag], answer, step)


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
                errors.append(f"{name} has {plural(len(p[name]), 'entry')} but x has "
                              f"{plural(d, 'feature')} (columns); give one per feature")
        if p["eps"] < 0:
            errors.append(f"eps must be 0 or more (got {p['eps']})")
        elif p["eps"] == 0 and m >= 2:
            flat = [j for j in range(d) if len({row[j] for row in x}) == 1]
            if flat:
                errors.append(f"feature {flat[0]} has the same value in every sample and eps is 0: its "
                              "variance is 0, so normalising divides by zero")
        errors += magnitude_errors("x", [v for row in x for v in row])
        for name in ("gamma", "beta"):
            if p[name] is not None:
                errors += magnitude_errors(name, p[name])
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x = p["x"]
        m, d = len(x), len(x[0])
        gs = vec([1.0] * d if p["gamma"] is None else [float(v) for v in p["gamma"]])
        bs = vec([0.0] * d if p["beta"] is None else [float(v) for v in p["beta"]])
        xs, e = format_value(x), small(p['eps'])
        if lang == "zh":
            return (f"一个 mini-batch 有 m = {m} 个样本、d = {d} 个特征:x = {xs}(每行一个样本)。"
                    f"用 γ = {gs}、β = {bs}(每个特征一个)和 ε = {e} 对每个特征(每一列)做批归一化:"
                    f"求每个特征的均值、(有偏,除以 m)方差和输出 y({m}×{d})。"
                    f"按“mean: […]; var: […]; y: [[…], …]”作答。{decimals_clause(lang, decimals)}")
        return (f"A mini-batch of m = {m} samples with d = {d} features is x = {xs} (one row per sample). "
                f"Batch-normalise each feature (column) with γ = {gs}, β = {bs} (one per feature) and "
                f"ε = {e}: give the per-feature means, the per-feature (biased, divide by m) variances and "
                f"the output y ({m}×{d}). Answer as “mean: […]; var: […]; y: [[…], …]”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        # bn_features in plain floats: NumPy's column sums (column_sums), then elementwise
        rows = [[float(v) for v in row] for row in p["x"]]
        m, d = len(rows), len(rows[0])
        g_l = [1.0] * d if p["gamma"] is None else [float(v) for v in p["gamma"]]
        b_l = [0.0] * d if p["beta"] is None else [float(v) for v in p["beta"]]
        eps = float(p["eps"])
        mean_l = [s / m for s in column_sums(rows)]
        dev = [[v - mu for v, mu in zip(row, mean_l, strict=True)] for row in rows]
        var_l = [s / m for s in column_sums([[v * v for v in row] for row in dev])]
        den_l = [math.sqrt(v + eps) for v in var_l]
        xhat = [[v / sd for v, sd in zip(row, den_l, strict=True)] for row in dev]
        y_l = [[g * v + b for v, g, b in zip(row, g_l, b_l, strict=True)] for row in xhat]
        back = [[sd * v + mu for v, sd, mu in zip(row, den_l, mean_l, strict=True)] for row in xhat]
        cols = [list(col) for col in zip(*rows, strict=True)]
        dev_cols = [list(col) for col in zip(*dev, strict=True)]
        xhat_cols = [list(col) for col in zip(*xhat, strict=True)]
        e = small(eps)
        mean_lines, var_lines, den_lines, hat_lines, y_lines, back_lines = [], [], [], [], [], []
        for j in range(d):
            s = sub(j)
            dj = [num(v, 6) for v in dev_cols[j]]
            hj = [paren(v, 6) for v in xhat_cols[j]]
            mu, sd, sv = num(mean_l[j], 6), num(den_l[j], 6), num(var_l[j], 6)
            squares = " + ".join([f"({t})²" if t[0] == "-" else t + "²" for t in dj])
            mean_lines.append(f"μ{s} = ({sum_text([paren(v) for v in cols[j]])}) / {m} = {mu}")
            var_lines.append(f"σ{s}² = ({squares}) / {m} = {sv}")
            den_lines.append(f"√(σ{s}² + ε) = √({sv} + {e}) = {sd}")
            hat_lines.append(f"j = {j}: ({', '.join(dj)}) / {sd}")
            scale, shift = num(g_l[j]) + "·", " + " + paren(b_l[j])
            y_lines.append(f"j = {j}: " + ", ".join([scale + h + shift for h in hj]))
            scale, shift = sd + "·", " + " + paren(mean_l[j], 6)
            back_lines.append(f"j = {j}: γ = {sd}, β = {mu}: " + ", ".join([scale + h + shift for h in hj]))
        steps = [
            Step(T("Per-feature mean: down each column, over the m samples",
                   "每个特征的均值:沿每一列、对 m 个样本求平均"), "μⱼ = (1/m) Σᵢ xᵢⱼ",
                 "\n".join(mean_lines), mean_l, decimals=6),
            Step(T("Deviations from the feature's mean", "与所在特征均值之差"), "xᵢⱼ − μⱼ", "",
                 dev, decimals=6),
            Step(T("Per-feature variance (divide by m, not m − 1)", "每个特征的方差(除以 m,而非 m − 1)"),
                 "σⱼ² = (1/m) Σᵢ (xᵢⱼ − μⱼ)²", "\n".join(var_lines), var_l, decimals=6),
            Step(T("Standard deviation with ε", "加上 ε 后的标准差"), "√(σⱼ² + ε)", "\n".join(den_lines),
                 den_l, decimals=6),
            # One figure per step: feature 0's column stands for all (each is normalised alike).
            Step(T("Normalise", "归一化"), "x̂ᵢⱼ = (xᵢⱼ − μⱼ) / √(σⱼ² + ε)", "\n".join(hat_lines),
                 xhat, decimals=6, figure=NumberLine(NORMALISE_CAPTION, cols[0], xhat_cols[0], mean_l[0],
                                                     math.sqrt(var_l[0]))),
            Step(T("Scale and shift each feature by its own γⱼ, βⱼ", "每个特征用自己的 γⱼ、βⱼ 缩放和平移"),
                 "yᵢⱼ = γⱼ·x̂ᵢⱼ + βⱼ", "\n".join(y_lines), y_l, decimals=6),
            Step(T("Check: γⱼ = √(σⱼ² + ε), βⱼ = μⱼ undoes the normalisation",
                   "验证:γⱼ = √(σⱼ² + ε)、βⱼ = μⱼ 时恰好还原输入"),
                 "√(σⱼ² + ε)·x̂ᵢⱼ + μⱼ = xᵢⱼ", "\n".join(back_lines), back, decimals=6,
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


KIND = BatchNormFeatures(
    name="batch_norm_features",
    figures=("number_line",),
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
