"""binary_cross_entropy: the cross-entropy cost of a sigmoid neuron over a few samples,
C = −(1/n)Σ[y ln a + (1 − y) ln(1 − a)], and its gradients, in which σ'(z) cancels.

The numbers are few and small, so the solver works on Python floats (IEEE float64, as
NumPy's float64) instead of paying NumPy's per-call overhead.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Bars
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.nnmath import all_finite, is_zero_at, sigmoid
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import format_value, num, paren, sub, sup, vec
from studyapp.core.steps import Step

D = 6  # decimals of the intermediate values in the worked solutions
LN10 = math.log(10.0)
OUTPUT_CAPTION = T("Each sample's z and a = σ(z), the probability that y = 1",
                   "每个样本的 z 与 a = σ(z),即 y = 1 的概率")
LOSS_CAPTION = T("The loss grows as a moves away from y; marked: the largest",
                 "a 离 y 越远损失越大;标出的是损失最大的样本")


def softplus(z: float) -> float:
    """ln(1 + eᶻ) without overflow: −ln σ(−z)."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


@lru_cache(maxsize=128)  # every line of the solution names its sample
def _sample(i: int) -> str:
    return sup(f"({i + 1})")


def bce_forward(p: dict[str, Any]) -> tuple[list[float], list[float], list[float]]:
    """(z, a, per-sample loss) of the sigmoid neuron over the samples."""
    w, b = p["w"], float(p["b"])
    z = [sum([wj * xj for wj, xj in zip(w, row, strict=True)]) + b for row in p["X"]]
    a = [sigmoid(v) for v in z]
    # −[y ln a + (1−y) ln(1−a)] = y·softplus(−z) + (1−y)·softplus(z): finite when a rounds to 0 or 1
    loss = [y * softplus(-zi) + (1 - y) * softplus(zi) for y, zi in zip(p["y"], z, strict=True)]
    return z, a, loss


def bce_gradients(X: list[list[float]], err: list[float]) -> tuple[list[float], float]:
    n = len(X)
    grad_w = [sum([row[j] * e for row, e in zip(X, err, strict=True)]) / n for j in range(len(X[0]))]
    return grad_w, sum(err) / n


class BinaryCrossEntropy(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n, d = k.int("samples"), k.int("features")
        for _ in range(10):
            y = k.values("targets", (n,))
            if len(set(y)) > 1:  # both classes make a more telling example
                break
        for _ in range(20):  # ∂C/∂b = mean(a − y) that is 0 at the asked decimals: redrawn
            p = {"X": k.values("x", (n, d), avoid_zero=True), "y": y,
                 "w": k.values("weights", (d,), avoid_zero=True), "b": k.pick("bias")}
            _, a, _ = bce_forward(p)
            if not is_zero_at((math.fsum(a) - sum(y)) / n):
                break
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        n, d = len(p["X"]), len(p["X"][0])
        errors = []
        if len(p["w"]) != d:
            errors.append(f"w must have {d} weights, one per feature (columns of X), got {len(p['w'])}")
        if len(p["y"]) != n:
            errors.append(f"y must have {n} targets, one per sample (rows of X), got {len(p['y'])}")
        bad = [f"y{_sample(i)} = {num(v)}" for i, v in enumerate(p["y"]) if not 0 <= v <= 1]
        if bad:
            errors.append(f"every target y must lie between 0 and 1 (got {', '.join(bad)})")
        if not errors and not all_finite(*bce_forward(p)[0]):
            errors.append("z = w·x + b overflows a float for some sample: use smaller values")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        d = len(p["w"])
        xs = [format_value(row if d > 1 else row[0]) for row in p["X"]]
        w = vec(p["w"]) if d > 1 else num(p["w"][0])
        b = num(p["b"])
        if lang == "zh":
            data = ";".join([f"x{_sample(i)} = {x},y{_sample(i)} = {num(y)}"
                            for i, (x, y) in enumerate(zip(xs, p["y"], strict=True))])
            return (f"一个 sigmoid 神经元 a = σ(w·x + b),w = {w},b = {b}。在 n = {len(xs)} 个样本上"
                    f"({data}),求交叉熵代价 C = −(1/n)Σ[y ln a + (1 − y) ln(1 − a)](自然对数)"
                    f"及其梯度 ∂C/∂w 和 ∂C/∂b。按“cost: …; grad_w: […]; grad_b: …”作答。"
                    f"{decimals_clause(lang, decimals)}")
        data = "; ".join([f"x{_sample(i)} = {x}, y{_sample(i)} = {num(y)}"
                         for i, (x, y) in enumerate(zip(xs, p["y"], strict=True))])
        return (f"A sigmoid neuron computes a = σ(w·x + b) with w = {w} and b = {b}. Over n = {len(xs)} "
                f"samples ({data}), compute the cross-entropy cost C = −(1/n)Σ[y ln a + (1 − y) ln(1 − a)] "
                f"(natural log) and its gradients ∂C/∂w and ∂C/∂b. Answer as “cost: …; grad_w: […]; "
                f"grad_b: …”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        X, ys, w, b = p["X"], p["y"], p["w"], float(p["b"])
        n, d = len(X), len(w)
        z, a, loss = bce_forward(p)
        cost = sum(loss) / n
        err = [ai - yi for ai, yi in zip(a, ys, strict=True)]
        grad_w, grad_b = bce_gradients(X, err)
        af = [num(v, D) for v in a]
        ef = [paren(v, D) for v in err]
        lf = [num(v, D) for v in loss]
        pb = paren(b)
        lines_z, lines_a, lines_l, lines_e = [], [], [], []
        for i, row in enumerate(X):
            s, yi = _sample(i), ys[i]
            terms = " + ".join([f"{paren(wj)}·{paren(xj)}" for wj, xj in zip(w, row, strict=True)])
            lines_z.append(f"z{s} = {terms} + {pb} = {num(z[i], D)}")
            lines_a.append(f"a{s} = 1 / (1 + e^{paren(-z[i], D)}) = {af[i]}")
            if yi == 1:
                lines_l.append(f"y{s} = 1: −ln a{s} = −ln {af[i]} = {lf[i]}")
            elif yi == 0:
                lines_l.append(f"y{s} = 0: −ln(1 − a{s}) = −ln {num(1 - a[i], D)} = {lf[i]}")
            else:
                lines_l.append(f"−[{num(yi)}·ln {af[i]} + {num(1 - yi)}·ln {num(1 - a[i], D)}] = {lf[i]}")
            lines_e.append(f"a{s} − y{s} = {af[i]} − {num(yi)} = {num(err[i], D)}")
        labels = [f"x{_sample(i)}" for i in range(n)]
        worst = max(range(n), key=loss.__getitem__)
        lines_w = []
        for j in range(d):
            terms = " + ".join([f"{paren(row[j])}·{ef[i]}" for i, row in enumerate(X)])
            name = f"w{sub(j + 1)}" if d > 1 else "w"
            lines_w.append(f"∂C/∂{name} = (1/{n})·[{terms}] = {num(grad_w[j], D)}")
        steps = [
            Step(T("Weighted input of each sample", "每个样本的带权输入"), "z = w·x + b",
                 "\n".join(lines_z), z, decimals=D),
            Step(T("Output of the neuron", "神经元的输出"), "a = σ(z) = 1 / (1 + e⁻ᶻ)",
                 "\n".join(lines_a), a, decimals=D,
                 figure=Bars(OUTPUT_CAPTION, labels, [("z", z), ("a", a)], decimals=D)),
            Step(T("Loss of each sample (natural log)", "每个样本的损失(自然对数)"),
                 "ℓ = −[y ln a + (1 − y) ln(1 − a)]", "\n".join(lines_l), loss,
                 T("With y = 1 only −ln a is left, with y = 0 only −ln(1 − a).",
                   "y = 1 时只剩 −ln a,y = 0 时只剩 −ln(1 − a)。"), decimals=D,
                 figure=Bars(LOSS_CAPTION, labels, [("a", a), ("y", [float(v) for v in ys]),
                                                    ("ℓ", loss)], worst, decimals=D)),
            Step(T("Cost: the mean over the samples", "代价:对样本取平均"), "C = (1/n) Σ ℓ",
                 f"({' + '.join(lf)}) / {n}", cost, decimals=D),
            Step(T("Error of each output", "每个输出的误差"), "σ(z) − y", "\n".join(lines_e), err,
                 decimals=D),
            Step(T("Gradient with respect to the weights", "对权重的梯度"), "∂C/∂wⱼ = (1/n) Σ xⱼ(σ(z) − y)",
                 "\n".join(lines_w), grad_w,
                 T("∂C/∂a = (a − y)/(a(1 − a)) and ∂a/∂z = σ'(z) = a(1 − a): the σ'(z) cancels, so "
                   "a saturated neuron still learns fast when it is wrong.",
                   "∂C/∂a = (a − y)/(a(1 − a)),∂a/∂z = σ'(z) = a(1 − a):σ'(z) 被约掉,"
                   "所以神经元即使饱和,只要错了仍学得快。"), decimals=D),
            Step(T("Gradient with respect to the bias", "对偏置的梯度"), "∂C/∂b = (1/n) Σ (σ(z) − y)",
                 f"(1/{n})·[{' + '.join(ef)}]", grad_b, decimals=D),
        ]
        return Solution({"cost": cost, "grad_w": grad_w, "grad_b": grad_b}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        X, n = p["X"], len(p["X"])
        _, a, loss = bce_forward(p)
        cost = sum(loss) / n
        err = [ai - yi for ai, yi in zip(a, p["y"], strict=True)]
        gw, gb = bce_gradients(X, err)
        sw, sb = bce_gradients(X, [e * ai * (1 - ai) for e, ai in zip(err, a, strict=True)])
        return [
            Mistake("bce.forgot_mean",
                    T(f"C and its gradients are means over the n = {n} samples: divide the sums by n.",
                      f"C 及其梯度都是对 n = {n} 个样本的平均:求和后要除以 n。"),
                    {"cost": cost * n, "grad_w": [g * n for g in gw], "grad_b": gb * n}, 3),
            Mistake("bce.log10", T("Cross-entropy uses the natural log ln, not log₁₀.",
                                   "交叉熵用自然对数 ln,不是 log₁₀。"),
                    {"cost": cost / LN10, "grad_w": gw, "grad_b": gb}, 2),
            Mistake("bce.sigma_prime_factor",
                    T("With cross-entropy σ'(z) cancels: ∂C/∂w = (1/n)Σ x(σ(z) − y). The factor σ'(z) "
                      "belongs to the quadratic cost.",
                      "交叉熵中 σ'(z) 被约掉:∂C/∂w = (1/n)Σ x(σ(z) − y)。乘 σ'(z) 的是二次代价。"),
                    {"cost": cost, "grad_w": sw, "grad_b": sb}, 5),
            Mistake("bce.grad_sign", T("The gradient uses σ(z) − y (output minus target), not y − σ(z).",
                                       "梯度里是 σ(z) − y(输出减目标),不是 y − σ(z)。"),
                    {"cost": cost, "grad_w": [-g for g in gw], "grad_b": -gb}, 4),
        ]


KIND = BinaryCrossEntropy(
    name="binary_cross_entropy",
    summary=T("Cross-entropy cost of a sigmoid neuron over a few samples, and its gradients.",
              "sigmoid 神经元在几个样本上的交叉熵代价及其梯度。"),
    params=(
        Param("X", "matrix", "the inputs, n×d: row i is sample x⁽ⁱ⁾"),
        Param("y", "vector", "the targets, n values between 0 and 1"),
        Param("w", "vector", "the weights, d values"),
        Param("b", "number", "the bias", default=0.0),
    ),
    knobs=(
        Knob("samples", "int", {"min": 2, "max": 4}, "number of samples n"),
        Knob("features", "int", {"min": 1, "max": 2}, "features per sample d"),
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "input values (never 0)"),
        Knob("targets", "number", [0, 1], "targets y"),
        Knob("weights", "number", {"min": -1.5, "max": 1.5, "step": 0.5}, "weights (never 0)"),
        Knob("bias", "number", {"min": -1, "max": 1, "step": 0.5}, "bias"),
    ),
    figures=("bars",),
)
