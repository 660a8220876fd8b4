"""Losses and gradients: binary cross-entropy, MSE against cross-entropy, tanh as a scaled
sigmoid, vanishing gradients with and without shortcuts, a residual block, center loss.

The numbers are small, so the solvers work on Python floats (IEEE float64, as NumPy's
float64) instead of paying NumPy's per-call overhead on 2-vectors.
"""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import decimals_clause
from studyapp.core.numfmt import format_value, num, paren, sub, sup, vec
from studyapp.core.steps import Step

D = 6  # decimals of the intermediate values in the worked solutions
LN10 = math.log(10.0)


def sigmoid(z: float) -> float:
    """σ(z) without overflow for any finite z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def softplus(z: float) -> float:
    """ln(1 + eᶻ) without overflow: −ln σ(−z)."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _shape(m: list[list[float]]) -> str:
    return f"{len(m)}×{len(m[0])}"


def _small(x: float) -> str:
    """A value that may be tiny or huge, with its significant digits (2.0612e-09, 15.2)."""
    return num(x, 8) if 1e-4 <= abs(x) < 1e6 or x == 0 else f"{x:.5g}"


def _sample(i: int) -> str:
    return sup(f"({i + 1})")


# =====================================================================================
# 1. Binary cross-entropy of a sigmoid neuron
# =====================================================================================


def bce_forward(p: dict[str, Any]) -> tuple[list[float], list[float], list[float]]:
    """(z, a, per-sample loss) of the sigmoid neuron over the samples."""
    w, b = p["w"], float(p["b"])
    z = [sum(wj * xj for wj, xj in zip(w, row, strict=True)) + b for row in p["X"]]
    a = [sigmoid(v) for v in z]
    # −[y ln a + (1−y) ln(1−a)] = y·softplus(−z) + (1−y)·softplus(z): finite when a rounds to 0 or 1
    loss = [y * softplus(-zi) + (1 - y) * softplus(zi) for y, zi in zip(p["y"], z, strict=True)]
    return z, a, loss


def bce_gradients(X: list[list[float]], err: list[float]) -> tuple[list[float], float]:
    n = len(X)
    grad_w = [sum(row[j] * e for row, e in zip(X, err, strict=True)) / n for j in range(len(X[0]))]
    return grad_w, sum(err) / n


class BinaryCrossEntropy(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n, d = k.int("samples"), k.int("features")
        for _ in range(10):
            y = k.values("targets", (n,))
            if len(set(y)) > 1:  # both classes make a more telling example
                break
        return {"X": k.values("x", (n, d), avoid_zero=True), "y": y,
                "w": k.values("weights", (d,), avoid_zero=True), "b": k.pick("bias")}

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
        if not errors and not _finite(*bce_forward(p)[0]):
            errors.append("z = w·x + b overflows a float for some sample: use smaller values")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        d = len(p["w"])
        xs = [format_value(row if d > 1 else row[0]) for row in p["X"]]
        w = vec(p["w"]) if d > 1 else num(p["w"][0])
        b = num(p["b"])
        if lang == "zh":
            data = ";".join(f"x{_sample(i)} = {x},y{_sample(i)} = {num(y)}"
                            for i, (x, y) in enumerate(zip(xs, p["y"], strict=True)))
            return (f"一个 sigmoid 神经元 a = σ(w·x + b),w = {w},b = {b}。在 n = {len(xs)} 个样本上"
                    f"({data}),求交叉熵代价 C = −(1/n)Σ[y ln a + (1 − y) ln(1 − a)](自然对数)"
                    f"及其梯度 ∂C/∂w 和 ∂C/∂b。按 `cost: …; grad_w: […]; grad_b: …` 作答。"
                    f"{decimals_clause(lang, decimals)}")
        data = "; ".join(f"x{_sample(i)} = {x}, y{_sample(i)} = {num(y)}"
                         for i, (x, y) in enumerate(zip(xs, p["y"], strict=True)))
        return (f"A sigmoid neuron computes a = σ(w·x + b) with w = {w} and b = {b}. Over n = {len(xs)} "
                f"samples ({data}), compute the cross-entropy cost C = −(1/n)Σ[y ln a + (1 − y) ln(1 − a)] "
                f"(natural log) and its gradients ∂C/∂w and ∂C/∂b. Answer as `cost: …; grad_w: […]; "
                f"grad_b: …`. {decimals_clause(lang, decimals)}")

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
            terms = " + ".join(f"{paren(wj)}·{paren(xj)}" for wj, xj in zip(w, row, strict=True))
            lines_z.append(f"z{s} = {terms} + {pb} = {num(z[i], D)}")
            lines_a.append(f"a{s} = 1 / (1 + e^{paren(-z[i], D)}) = {af[i]}")
            if yi == 1:
                lines_l.append(f"y{s} = 1: −ln a{s} = −ln {af[i]} = {lf[i]}")
            elif yi == 0:
                lines_l.append(f"y{s} = 0: −ln(1 − a{s}) = −ln {num(1 - a[i], D)} = {lf[i]}")
            else:
                lines_l.append(f"−[{num(yi)}·ln {af[i]} + {num(1 - yi)}·ln {num(1 - a[i], D)}] = {lf[i]}")
            lines_e.append(f"a{s} − y{s} = {af[i]} − {num(yi)} = {num(err[i], D)}")
        lines_w = []
        for j in range(d):
            terms = " + ".join(f"{paren(row[j])}·{ef[i]}" for i, row in enumerate(X))
            name = f"w{sub(j + 1)}" if d > 1 else "w"
            lines_w.append(f"∂C/∂{name} = (1/{n})·[{terms}] = {num(grad_w[j], D)}")
        steps = [
            Step(T("Weighted input of each sample", "每个样本的带权输入"), "z = w·x + b",
                 "\n".join(lines_z), z, decimals=D),
            Step(T("Output of the neuron", "神经元的输出"), "a = σ(z) = 1 / (1 + e⁻ᶻ)",
                 "\n".join(lines_a), a, decimals=D),
            Step(T("Loss of each sample (natural log)", "每个样本的损失(自然对数)"),
                 "ℓ = −[y ln a + (1 − y) ln(1 − a)]", "\n".join(lines_l), loss,
                 T("With y = 1 only −ln a is left, with y = 0 only −ln(1 − a).",
                   "y = 1 时只剩 −ln a,y = 0 时只剩 −ln(1 − a)。"), decimals=D),
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


BINARY_CROSS_ENTROPY = BinaryCrossEntropy(
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
)


# =====================================================================================
# 2. ∂C/∂z of a sigmoid output: quadratic cost against cross-entropy
# =====================================================================================


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
                    f"按 `mse: …; ce: …` 作答。{decimals_clause(lang, decimals)}")
        return (f"A sigmoid output neuron a = σ(z) has the weighted input z = {z} and the target y = {y}. "
                f"Compute ∂C/∂z for the quadratic cost C = ½(a − y)² and for the cross-entropy cost "
                f"C = −[y ln a + (1 − y) ln(1 − a)]. Answer as `mse: …; ce: …`. "
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


MSE_VS_CE_GRADIENT = MseVsCeGradient(
    name="mse_vs_ce_gradient",
    summary=T("∂C/∂z of a sigmoid output under the quadratic cost and under cross-entropy.",
              "sigmoid 输出在二次代价与交叉熵下的 ∂C/∂z。"),
    params=(
        Param("z", "number", "the weighted input z of the output neuron"),
        Param("y", "number", "the target, between 0 and 1"),
    ),
    knobs=(
        Knob("saturated", "bool", [False, True], "a neuron saturated on the wrong side (|z| large)"),
        Knob("z", "number", {"min": -2, "max": 2, "step": 0.5}, "z when not saturated"),
        Knob("z_saturated", "number", {"min": 3, "max": 6, "step": 0.5}, "|z| when saturated"),
        Knob("target", "number", [0, 1], "target y"),
    ),
    decimals=5,
)


# =====================================================================================
# 3. tanh(x) = 2σ(2x) − 1
# =====================================================================================


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
                        f"按 `sigmoid_prime: …; tanh_prime: …` 作答。{decimals_clause(lang, decimals)}")
            return (f"Compute the derivatives σ'(x) of the sigmoid and tanh'(x) at x = {x}. "
                    f"Answer as `sigmoid_prime: …; tanh_prime: …`. {decimals_clause(lang, decimals)}")
        if lang == "zh":
            return (f"tanh 是缩放平移后的 sigmoid:tanh(x) = 2σ(2x) − 1。对 x = {x},先求 σ(2x),"
                    f"再由此求 tanh(x)。按 `sigmoid_2x: …; tanh: …` 作答。{decimals_clause(lang, decimals)}")
        return (f"tanh is a scaled and shifted sigmoid: tanh(x) = 2σ(2x) − 1. For x = {x}, compute σ(2x) "
                f"and from it tanh(x). Answer as `sigmoid_2x: …; tanh: …`. {decimals_clause(lang, decimals)}")

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
                       "σ'(x) ∈ (0, 1/4]:最大 0.25,在 x = 0 处取到。"), decimals=D),
                Step(T("tanh", "tanh 函数值"), "tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
                     f"(e^{paren(x)} − e^{paren(-x)}) / (e^{paren(x)} + e^{paren(-x)})", t, decimals=D),
                Step(T("Derivative of tanh", "tanh 的导数"), "tanh'(x) = 1 − tanh²(x)",
                     f"1 − {paren(t, D)}²", dt,
                     T("tanh'(x) ∈ (0, 1]: at most 1, at x = 0, four times the sigmoid's largest slope. "
                       "A common miscopy is −tanh²(x), which is never positive: the 1 is missing.",
                       "tanh'(x) ∈ (0, 1]:最大为 1(x = 0 处),是 sigmoid 最大斜率的 4 倍。"
                       "常见的抄错写法是 −tanh²(x),它不可能为正:漏了 1。"), decimals=D),
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
                 f"1 / (1 + e^{paren(-2 * x)})", s2, decimals=D),
            Step(T("Scale by 2 and shift by −1", "乘 2 再减 1"), "tanh(x) = 2σ(2x) − 1",
                 f"2 × {s2f} − 1", via,
                 T("σ has range (0, 1); 2σ − 1 stretches it to tanh's range (−1, 1), centred on 0.",
                   "σ 的值域是 (0, 1);2σ − 1 把它拉伸到 tanh 的值域 (−1, 1),以 0 为中心。"), decimals=D),
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


SIGMOID_TANH_IDENTITY = SigmoidTanhIdentity(
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
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "the input"),
    ),
)


# =====================================================================================
# 4. Vanishing gradient: a plain chain against the same chain with identity shortcuts
# =====================================================================================


def chain_forward(x: float, w: list[float], b: list[float], residual: bool) -> tuple[list[float], ...]:
    """(inputs hᵢ₋₁, zᵢ, σ(zᵢ), local factors ∂hᵢ/∂hᵢ₋₁ without the shortcut's 1) per layer."""
    h, hs, zs, ss, ds = x, [], [], [], []
    for wi, bi in zip(w, b, strict=True):
        z = wi * h + bi
        s = sigmoid(z)
        hs.append(h)
        zs.append(z)
        ss.append(s)
        ds.append(wi * s * (1 - s))
        h = h + s if residual else s
    return hs, zs, ss, ds


def _prod(values: list[float]) -> float:
    out = 1.0
    for v in values:
        out *= v
    return out


def _biases(p: dict[str, Any]) -> list[float]:
    return p["b"] if p.get("b") is not None else [0.0] * len(p["w"])


class VanishingGradient(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n = k.int("layers")
        if k.pick("mode") == "given":
            return {"mode": "given", "local": k.values("local", (n,), avoid_zero=True)}
        return {"mode": "sigmoid", "x": k.pick("x"), "w": k.values("weights", (n,), avoid_zero=True),
                "b": k.values("biases", (n,))}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if p["mode"] == "given":
            if p["local"] is None:
                errors.append("mode 'given' needs local: the local derivative ∂Fᵢ/∂h of every layer")
            for name in ("x", "w", "b"):
                if p[name] is not None:
                    errors.append(f"{name} is only used in mode 'sigmoid' (mode 'given' takes local)")
            if not errors and not _finite(*self._answer(p)):
                errors.append("the product of the local derivatives overflows a float: use smaller values")
            return errors
        for name in ("x", "w"):
            if p[name] is None:
                errors.append(f"mode 'sigmoid' needs {name}")
        if p["local"] is not None:
            errors.append("local is only used in mode 'given' (mode 'sigmoid' takes x, w and b)")
        if p["w"] is not None and p["b"] is not None and len(p["b"]) != len(p["w"]):
            errors.append(f"b must have {len(p['w'])} biases, one per layer (as w), got {len(p['b'])}")
        if not errors and not _finite(*self._answer(p)):
            errors.append("the gradient overflows a float: use smaller weights")
        return errors

    @staticmethod
    def _answer(p: dict[str, Any]) -> tuple[float, float]:
        if p["mode"] == "given":
            return _prod(p["local"]), _prod([1 + v for v in p["local"]])
        x, w, b = float(p["x"]), p["w"], _biases(p)
        plain = _prod(chain_forward(x, w, b, False)[3])
        return plain, _prod([1 + d for d in chain_forward(x, w, b, True)[3]])

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        if p["mode"] == "given":
            n, loc = len(p["local"]), vec(p["local"])
            if lang == "zh":
                return (f"一个 {n} 层的链式网络,反向传播时每流经一层,梯度都要乘以该层的局部导数 ∂Fᵢ/∂h,"
                        f"依次为 {loc}。残差网络给每一层加上恒等捷径:Hᵢ(h) = Fᵢ(h) + h。"
                        f"分别求普通链和残差链中,从输出传回输入(第 1 层)的梯度是输出处梯度的多少倍。"
                        f"按 `plain: …; residual: …` 作答。{decimals_clause(lang, decimals)}")
            return (f"In a chain of {n} layers, backpropagation multiplies the gradient by each layer's "
                    f"local derivative ∂Fᵢ/∂h, which are {loc}. A residual network wraps every layer in an "
                    f"identity shortcut, Hᵢ(h) = Fᵢ(h) + h. By what factor is the gradient at the output "
                    f"multiplied when it reaches the input (layer 1), in the plain chain and in the residual "
                    f"chain? "
                    f"Answer as `plain: …; residual: …`. {decimals_clause(lang, decimals)}")
        n = len(p["w"])
        x, w, b = num(p["x"]), vec(p["w"]), vec(_biases(p))
        if lang == "zh":
            return (f"一条由 {n} 个单神经元 sigmoid 层组成的链:h₀ = x = {x},hᵢ = σ(wᵢ·hᵢ₋₁ + bᵢ),"
                    f"w = {w},b = {b}。残差版本用同样的权重,但每层加一条恒等捷径:"
                    f"hᵢ = hᵢ₋₁ + σ(wᵢ·hᵢ₋₁ + bᵢ)。分别求两条链传到输入的梯度 ∂h{sub(n)}/∂x。"
                    f"按 `plain: …; residual: …` 作答。{decimals_clause(lang, decimals)}")
        return (f"A chain of {n} one-neuron sigmoid layers computes h₀ = x = {x}, hᵢ = σ(wᵢ·hᵢ₋₁ + bᵢ) with "
                f"w = {w} and b = {b}. A residual version with the same weights adds an identity shortcut "
                f"around every layer: hᵢ = hᵢ₋₁ + σ(wᵢ·hᵢ₋₁ + bᵢ). For each chain compute the gradient "
                f"∂h{sub(n)}/∂x that reaches the input. Answer as `plain: …; residual: …`. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        if p["mode"] == "given":
            return self._solve_given(p["local"])
        x, w, b = float(p["x"]), p["w"], _biases(p)
        steps: list[Step] = []
        answer = {}
        for residual in (False, True):
            hs, zs, ss, ds = chain_forward(x, w, b, residual)
            n = len(w)
            fwd, loc = [], []
            factors = [1 + d for d in ds] if residual else ds
            outs = [h + s for h, s in zip(hs, ss, strict=True)] if residual else ss
            for i in range(n):
                k = sub(i + 1)
                zf, sf = num(zs[i], D), num(ss[i], D)
                head = f"z{k} = {paren(w[i])}·{paren(hs[i], D)} + {paren(b[i])} = {zf}; "
                if residual:
                    fwd.append(head + f"h{k} = h{sub(i)} + σ(z{k}) = {num(hs[i], D)} + {sf} "
                                      f"= {num(outs[i], D)}")
                    loc.append(f"∂h{k}/∂h{sub(i)} = 1 + σ'(z{k})·w{k} = 1 + {sf}·(1 − {sf})·{paren(w[i])} "
                               f"= {num(factors[i], D)}")
                else:
                    fwd.append(head + f"h{k} = σ(z{k}) = {sf}")
                    loc.append(f"∂h{k}/∂h{sub(i)} = σ'(z{k})·w{k} = {sf}·(1 − {sf})·{paren(w[i])} "
                               f"= {num(factors[i], D)}")
            total = _prod(factors)
            product = " × ".join(paren(f, D) for f in factors)
            if residual:
                answer["residual"] = total
                steps += [
                    Step(T("Residual chain: forward pass (the shortcut adds hᵢ₋₁)",
                           "残差链:前向传播(捷径加上 hᵢ₋₁)"), "zᵢ = wᵢ·hᵢ₋₁ + bᵢ,  hᵢ = hᵢ₋₁ + σ(zᵢ)",
                         "\n".join(fwd), outs, decimals=D),
                    Step(T("Residual chain: local derivative of each block", "残差链:每个块的局部导数"),
                         "∂hᵢ/∂hᵢ₋₁ = 1 + σ'(zᵢ)·wᵢ", "\n".join(loc), factors,
                         T("Each block adds its own 1, from the identity shortcut.",
                           "每个块都有自己的 1,来自恒等捷径。"), decimals=D),
                    Step(T("Residual chain: gradient at the input", "残差链:传到输入的梯度"),
                         f"∂h{sub(n)}/∂x = Πᵢ (1 + σ'(zᵢ)·wᵢ)", product, total,
                         T("The 1 of every shortcut keeps each factor near 1, so the product does not "
                           "vanish.",
                           "每条捷径的 1 让各因子都接近 1,乘积不会消失。"), decimals=D),
                ]
            else:
                answer["plain"] = total
                steps += [
                    Step(T("Plain chain: forward pass", "普通链:前向传播"), "zᵢ = wᵢ·hᵢ₋₁ + bᵢ,  hᵢ = σ(zᵢ)",
                         "\n".join(fwd), outs, decimals=D),
                    Step(T("Plain chain: local derivative of each layer", "普通链:每层的局部导数"),
                         "∂hᵢ/∂hᵢ₋₁ = σ'(zᵢ)·wᵢ,  σ'(z) = σ(z)(1 − σ(z))", "\n".join(loc), factors,
                         T("σ' ≤ 1/4, so each factor is at most |wᵢ|/4.",
                           "σ' ≤ 1/4,所以每个因子至多为 |wᵢ|/4。"),
                         decimals=D),
                    Step(T("Plain chain: gradient at the input (chain rule: multiply)",
                           "普通链:传到输入的梯度(链式法则:相乘)"),
                         f"∂h{sub(n)}/∂x = Πᵢ σ'(zᵢ)·wᵢ", product, total,
                         T("A product of factors below 1 shrinks geometrically with depth: the gradient "
                           "vanishes.",
                           "小于 1 的因子连乘,随深度按指数缩小:梯度消失。"), decimals=D),
                ]
        return Solution({"plain": answer["plain"], "residual": answer["residual"]}, steps)

    @staticmethod
    def _solve_given(local: list[float]) -> Solution:
        plain = _prod(local)
        factors = [1 + v for v in local]
        residual = _prod(factors)
        n = len(local)
        steps = [
            Step(T("Plain chain: multiply the local derivatives", "普通链:局部导数相乘"),
                 "∂h_n/∂x = Πᵢ ∂Fᵢ/∂h", " × ".join(paren(v) for v in local), plain,
                 T(f"{n} factors below 1 multiply to a tiny number: the gradient vanishes.",
                   f"{n} 个小于 1 的因子相乘得到很小的数:梯度消失。"), decimals=D),
            Step(T("Residual chain: local derivative of each block", "残差链:每个块的局部导数"),
                 "H(h) = F(h) + h  ⇒  ∂H/∂h = ∂F/∂h + 1",
                 ", ".join(f"{num(v)} + 1" for v in local), factors,
                 T("Each block adds its own 1, from its own shortcut.",
                   "每个块都有自己的 1,来自它自己的捷径。"),
                 decimals=D),
            Step(T("Residual chain: multiply the block derivatives", "残差链:各块导数相乘"),
                 "∂h_n/∂x = Πᵢ (∂Fᵢ/∂h + 1)", " × ".join(paren(v, D) for v in factors), residual,
                 T("Expanded, the product holds the term 1: a path along the shortcuts alone, on which the "
                   "gradient reaches the input undiminished.",
                   "展开后乘积中含有 1 这一项:只走捷径的那条路径,梯度原样到达输入。"), decimals=D),
        ]
        return Solution({"plain": plain, "residual": residual}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        summed = T("The chain rule multiplies the layers' local derivatives; it does not add them.",
                   "链式法则是把各层局部导数相乘,而不是相加。")
        once = T("Every block has its own shortcut, so the + 1 goes into every factor: Π(1 + ∂Fᵢ/∂h), "
                 "not 1 + Π ∂Fᵢ/∂h.", "每个块都有自己的捷径,每个因子都要 + 1:Π(1 + ∂Fᵢ/∂h),"
                 "而不是 1 + Π ∂Fᵢ/∂h。")
        no_shortcut = T("The shortcut adds 1 to each block's derivative: ∂H/∂h = ∂F/∂h + 1.",
                        "捷径让每个块的导数加 1:∂H/∂h = ∂F/∂h + 1。")
        if p["mode"] == "given":
            loc = p["local"]
            plain = _prod(loc)
            return [
                Mistake("vg.summed", summed,
                        {"plain": sum(loc), "residual": sum(loc) + len(loc)}, 0),
                Mistake("vg.residual_plus_one_once", once, {"plain": plain, "residual": 1 + plain}, 1),
                Mistake("vg.residual_no_shortcut", no_shortcut, {"plain": plain, "residual": plain}, 1),
            ]
        x, w, b = float(p["x"]), p["w"], _biases(p)
        _, _, sp, dp = chain_forward(x, w, b, False)
        _, _, sr, dr = chain_forward(x, w, b, True)
        plain = _prod(dp)
        return [
            Mistake("vg.summed", summed, {"plain": sum(dp), "residual": sum(dr) + len(dr)}, 2),
            Mistake("vg.forgot_weights",
                    T("Each layer's local derivative is σ'(zᵢ)·wᵢ: the weight wᵢ multiplies in too.",
                      "每层的局部导数是 σ'(zᵢ)·wᵢ:权重 wᵢ 也要乘进去。"),
                    {"plain": _prod([s * (1 - s) for s in sp]),
                     "residual": _prod([1 + s * (1 - s) for s in sr])}, 1),
            Mistake("vg.residual_plus_one_once", once, {"plain": plain, "residual": 1 + _prod(dr)}, 4),
            Mistake("vg.residual_used_plain_forward",
                    T("The shortcut changes the forward pass (hᵢ = hᵢ₋₁ + σ(zᵢ)), so the residual chain's zᵢ "
                      "differ from the plain chain's: run its own forward pass.",
                      "捷径改变了前向传播(hᵢ = hᵢ₋₁ + σ(zᵢ)),残差链的 zᵢ 与普通链不同:要单独做前向传播。"),
                    {"plain": plain, "residual": _prod([1 + d for d in dp])}, 3),
            Mistake("vg.residual_no_shortcut", no_shortcut, {"plain": plain, "residual": _prod(dr)}, 4),
        ]


VANISHING_GRADIENT = VanishingGradient(
    name="vanishing_gradient",
    summary=T("The gradient reaching the input of a deep chain, without and with identity shortcuts.",
              "深层链式网络传到输入的梯度:有无恒等捷径的对比。"),
    params=(
        Param("mode", "choice", "sigmoid: one-neuron sigmoid layers from x, w, b; given: local derivatives",
              default="sigmoid", choices=("sigmoid", "given")),
        Param("x", "number", "sigmoid mode: the input h₀", default=None),
        Param("w", "vector", "sigmoid mode: the weight of each layer, from layer 1", default=None),
        Param("b", "vector", "sigmoid mode: the bias of each layer (default all 0)", default=None),
        Param("local", "vector", "given mode: the local derivative ∂Fᵢ/∂h of each layer", default=None),
    ),
    knobs=(
        Knob("mode", "choice", ["sigmoid", "given"], "which chain", ("sigmoid", "given")),
        Knob("layers", "int", {"min": 2, "max": 4}, "number of layers n"),
        Knob("x", "number", {"min": -1, "max": 1, "step": 0.5}, "sigmoid mode: input x"),
        Knob("weights", "number", {"min": -2, "max": 2, "step": 0.5}, "sigmoid mode: weights (never 0)"),
        Knob("biases", "number", 0, "sigmoid mode: biases"),
        Knob("local", "number", {"min": 0.1, "max": 0.5, "step": 0.1}, "given mode: local derivatives"),
    ),
    decimals=6,  # the plain chain's gradient is small by design
)


# =====================================================================================
# 5. A residual block H(x) = W2·relu(W1·x) + x and its Jacobian
# =====================================================================================


def _matvec(m: list[list[float]], v: list[float]) -> list[float]:
    return [sum(a * b for a, b in zip(row, v, strict=True)) for row in m]


def block_jacobian(W1: list[list[float]], W2: list[list[float]], gate: list[float],
                   identity: bool) -> list[list[float]]:
    """W2·diag(gate)·W1 (+ I): J[i][j] = Σₖ W2[i][k]·gate[k]·W1[k][j] (+ δᵢⱼ)."""
    d = len(W1[0])
    return [[sum(row[k] * gate[k] * W1[k][j] for k in range(len(gate)))
             + (1.0 if identity and i == j else 0.0) for j in range(d)] for i, row in enumerate(W2)]


class ResidualBlock(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        d, h = k.int("size"), k.int("hidden")
        for _ in range(50):
            x = k.values("x", (d,), avoid_zero=True)
            W1 = k.values("weights", (h, d), avoid_zero=True)
            u = _matvec(W1, x)
            if all(u) and (h == 1 or len({v > 0 for v in u}) == 2):  # no kink, and both ReLU regimes
                break
        else:  # a fixed block that satisfies both
            x = [1] * d
            W1 = [[(1 if i % 2 == 0 else -1) if j == i % d else 0 for j in range(d)] for i in range(h)]
        return {"x": x, "W1": W1, "W2": k.values("weights", (d, h), avoid_zero=True)}

    def check(self, p: dict[str, Any]) -> list[str]:
        d, h = len(p["x"]), len(p["W1"])
        errors = []
        if len(p["W1"][0]) != d:
            errors.append(f"W1 must have {d} columns, one per entry of x, got {_shape(p['W1'])}")
        if _shape(p["W2"]) != f"{d}×{h}":
            errors.append(f"W2 must be {d}×{h} (size of x × rows of W1), so that F(x) has the size of x; "
                          f"got {_shape(p['W2'])}")
        if not errors:
            u = _matvec(p["W1"], p["x"])
            J = block_jacobian(p["W1"], p["W2"], [1.0] * len(u), True)
            if not _finite(*u, *self._forward(p)[3], *(v for row in J for v in row)):
                errors.append("the block's values overflow a float: use smaller values")
            elif not all(u):
                zero = ", ".join(f"u{sub(i + 1)}" for i, v in enumerate(u) if v == 0)
                errors.append(f"W1·x has a zero entry ({zero} = 0): ReLU has no derivative at 0")
        return errors

    @staticmethod
    def _forward(p: dict[str, Any]) -> tuple[list[float], ...]:
        x = [float(v) for v in p["x"]]
        u = _matvec(p["W1"], x)
        r = [max(v, 0.0) for v in u]
        f = _matvec(p["W2"], r)
        return x, u, r, f

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, w1, w2 = vec(p["x"]), format_value(p["W1"]), format_value(p["W2"])
        d = len(p["x"])
        if lang == "zh":
            return (f"一个残差块计算 H(x) = F(x) + x,其中 F(x) = W2·relu(W1·x),W1 = {w1},W2 = {w2}。"
                    f"对 x = {x},求 H(x) 以及雅可比矩阵 J = ∂H/∂x({d}×{d},J[i][j] = ∂Hᵢ/∂xⱼ)。"
                    f"按 `H: […]; J: [[…]]` 作答。{decimals_clause(lang, decimals)}")
        return (f"A residual block computes H(x) = F(x) + x with F(x) = W2·relu(W1·x), W1 = {w1} and "
                f"W2 = {w2}. For x = {x}, compute H(x) and the Jacobian J = ∂H/∂x ({d}×{d}, "
                f"J[i][j] = ∂Hᵢ/∂xⱼ). Answer as `H: […]; J: [[…]]`. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        W1, W2 = p["W1"], p["W2"]
        x, u, r, f = self._forward(p)
        H = [fi + xi for fi, xi in zip(f, x, strict=True)]
        gate = [1.0 if v > 0 else 0.0 for v in u]
        JF = block_jacobian(W1, W2, gate, False)
        J = [[v + (1.0 if i == j else 0.0) for j, v in enumerate(row)] for i, row in enumerate(JF)]
        xp, rp = [paren(v) for v in x], [paren(v) for v in r]
        d, h = len(x), len(u)
        lines_u = [f"u{sub(i + 1)} = " + " + ".join(f"{paren(a)}·{b}" for a, b in zip(row, xp, strict=True))
                   + f" = {num(u[i])}" for i, row in enumerate(W1)]
        lines_f = [f"F{sub(i + 1)} = " + " + ".join(f"{paren(a)}·{b}" for a, b in zip(row, rp, strict=True))
                   + f" = {num(f[i])}" for i, row in enumerate(W2)]
        lines_j = []
        for i in range(d):
            for j in range(d):
                terms = " + ".join(f"{paren(W2[i][k])}·{num(gate[k])}·{paren(W1[k][j])}" for k in range(h))
                lines_j.append(f"∂F{sub(i + 1)}/∂x{sub(j + 1)} = {terms} = {num(JF[i][j])}")
        steps = [
            Step(T("Hidden pre-activation", "隐藏层的预激活"), "u = W1·x", "\n".join(lines_u), u),
            Step(T("ReLU", "ReLU"), "r = relu(u) = max(0, u)",
                 ", ".join(f"max(0, {num(v)})" for v in u), r),
            Step(T("Residual branch", "残差分支"), "F(x) = W2·r", "\n".join(lines_f), f),
            Step(T("Add the shortcut", "加上捷径"), "H(x) = F(x) + x",
                 ", ".join(f"{num(a)} + {paren(b)}" for a, b in zip(f, x, strict=True)), H,
                 T("The identity shortcut adds the block's input unchanged.",
                   "恒等捷径把块的输入原样加上。")),
            Step(T("ReLU derivative at each hidden unit", "每个隐藏单元的 ReLU 导数"),
                 "relu'(u) = 1 if u > 0, 0 if u < 0",
                 ", ".join(f"u{sub(k + 1)} = {num(v)} {'> 0' if v > 0 else '< 0'}" for k, v in enumerate(u)),
                 gate),
            Step(T("Jacobian of the branch", "残差分支的雅可比矩阵"),
                 "∂F/∂x = W2·diag(relu'(u))·W1,  ∂Fᵢ/∂xⱼ = Σₖ W2[i,k]·relu'(uₖ)·W1[k,j]",
                 "\n".join(lines_j), JF),
            Step(T("Jacobian of the block: add the identity", "残差块的雅可比矩阵:加上单位矩阵"),
                 "∂H/∂x = ∂F/∂x + I", "", J,
                 T("The shortcut's derivative is I: even where the branch's gradient is small, the gradient "
                   "passes through the block.", "捷径的导数是 I:即使分支的梯度很小,梯度也能穿过这个块。")),
        ]
        return Solution({"H": H, "J": J}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        W1, W2 = p["W1"], p["W2"]
        x, u, _, f = self._forward(p)
        H = [fi + xi for fi, xi in zip(f, x, strict=True)]
        gate = [1.0 if v > 0 else 0.0 for v in u]
        J = block_jacobian(W1, W2, gate, True)
        JF = block_jacobian(W1, W2, gate, False)
        ones = [1.0] * len(u)
        linear = _matvec(W2, u)
        return [
            Mistake("rb.forgot_shortcut",
                    T("H(x) = F(x) + x: the shortcut adds x to the output and I to the Jacobian.",
                      "H(x) = F(x) + x:捷径在输出上加 x,在雅可比矩阵上加 I。"), {"H": f, "J": JF}, 3),
            Mistake("rb.forgot_shortcut_forward",
                    T("H(x) = F(x) + x: add the input x to the branch's output.",
                      "H(x) = F(x) + x:要把输入 x 加到分支输出上。"),
                    {"H": f, "J": J}, 3),
            Mistake("rb.forgot_identity",
                    T("The shortcut's derivative is the identity: ∂H/∂x = ∂F/∂x + I.",
                      "捷径的导数是单位矩阵:∂H/∂x = ∂F/∂x + I。"), {"H": H, "J": JF}, 6),
            Mistake("rb.relu_derivative_flipped",
                    T("relu'(u) is 1 where u > 0 and 0 where u < 0, not the other way round.",
                      "relu'(u) 在 u > 0 处为 1,在 u < 0 处为 0,不是反过来。"),
                    {"H": H, "J": block_jacobian(W1, W2, [1.0 - g for g in gate], True)}, 4),
            Mistake("rb.forgot_relu",
                    T("Apply relu to W1·x before W2: negative entries become 0 and their derivative is 0.",
                      "乘 W2 之前要先过 relu:负的元素变成 0,其导数也为 0。"),
                    {"H": [a + b for a, b in zip(linear, x, strict=True)],
                     "J": block_jacobian(W1, W2, ones, True)}, 1),
            Mistake("rb.jacobian_transposed", T("J[i][j] = ∂Hᵢ/∂xⱼ: row i belongs to output i. This is Jᵀ.",
                                                "J[i][j] = ∂Hᵢ/∂xⱼ:第 i 行对应输出 i。这是 Jᵀ。"),
                    {"H": H, "J": [list(col) for col in zip(*J, strict=True)]}, 5),
        ]


RESIDUAL_BLOCK = ResidualBlock(
    name="residual_block",
    summary=T("Forward pass of a small residual block H(x) = W2·relu(W1·x) + x and its Jacobian.",
              "小残差块 H(x) = W2·relu(W1·x) + x 的前向传播及其雅可比矩阵。"),
    params=(
        Param("x", "vector", "the block's input, d values"),
        Param("W1", "matrix", "first weights, h×d"),
        Param("W2", "matrix", "second weights, d×h"),
    ),
    knobs=(
        Knob("size", "int", 2, "size d of x (1 for the scalar block)"),
        Knob("hidden", "int", 2, "hidden units h"),
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "input values (never 0)"),
        Knob("weights", "number", {"min": -2, "max": 2}, "weights (never 0)"),
    ),
)


# =====================================================================================
# 6. Center loss (Wen et al. 2016)
# =====================================================================================


Rows = list[list[float]]


def center_loss_parts(p: dict[str, Any]) -> tuple[Rows, list[float], list[int], Rows]:
    """(x_i − c_{y_i}, their squared norms, n_j, Σ_{i: y_i = j}(c_j − x_i))."""
    X, C = p["features"], p["centers"]
    labels = [int(v) for v in p["labels"]]
    diff = [[a - b for a, b in zip(row, C[y], strict=True)] for row, y in zip(X, labels, strict=True)]
    sq = [sum(v * v for v in row) for row in diff]
    counts = [0] * len(C)
    sums = [[0.0] * len(C[0]) for _ in C]
    for row, y in zip(diff, labels, strict=True):
        counts[y] += 1
        sums[y] = [s - v for s, v in zip(sums[y], row, strict=True)]  # c_j − x_i = −(x_i − c_j)
    return diff, sq, counts, sums


class CenterLoss(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        m, c, d = k.int("batch"), k.int("classes"), k.int("dims")
        labels = [k.below(c) for _ in range(m)]
        return {"features": k.values("features", (m, d)), "labels": labels,
                "centers": k.values("centers", (c, d))}

    def check(self, p: dict[str, Any]) -> list[str]:
        m, d = len(p["features"]), len(p["features"][0])
        c = len(p["centers"])
        errors = []
        if len(p["centers"][0]) != d:
            errors.append(f"centers must have {d} columns like the features, got {_shape(p['centers'])}")
        if len(p["labels"]) != m:
            errors.append(f"labels must have {m} entries, one per feature row, got {len(p['labels'])}")
        bad = [num(v) for v in p["labels"] if not (float(v).is_integer() and 0 <= v < c)]
        if bad:
            errors.append(f"every label must be a class index from 0 to {c - 1} (one per row of centers); "
                          f"got {', '.join(bad)}")
        if not errors and not _finite(0.5 * sum(center_loss_parts(p)[1])):
            errors.append("the squared distances overflow a float: use smaller values")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        labels = [int(v) for v in p["labels"]]
        feats = ", ".join(f"x{sub(i + 1)} = {vec(row)}" for i, row in enumerate(p["features"]))
        cents = ", ".join(f"c{sub(j)} = {vec(row)}" for j, row in enumerate(p["centers"]))
        ys = vec(labels)
        if lang == "zh":
            return (f"一个 mini-batch 的特征为 {feats},类别标签 y = {ys}(从 0 开始),各类的特征中心为 "
                    f"{cents}。求 center loss L_C = ½Σᵢ‖xᵢ − c_yᵢ‖²、它对每个 xᵢ 的梯度(每行一个样本),"
                    f"以及中心的更新量 Δc_j = Σ_{{i: yᵢ = j}}(c_j − xᵢ) / (1 + n_j)(每行一个类别)。"
                    f"按 `loss: …; grad: [[…]]; delta_c: [[…]]` 作答。{decimals_clause(lang, decimals)}")
        return (f"A mini-batch has the features {feats} with class labels y = {ys} (counting from 0); "
                f"the class centres are {cents}. Compute the center loss L_C = ½Σᵢ‖xᵢ − c_yᵢ‖², its gradient "
                f"with respect to each xᵢ (one row per sample), and the centre updates "
                f"Δc_j = Σ_{{i: yᵢ = j}}(c_j − xᵢ) / (1 + n_j) (one row per class). Answer as "
                f"`loss: …; grad: [[…]]; delta_c: [[…]]`. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        X, C = p["features"], p["centers"]
        labels = [int(v) for v in p["labels"]]
        diff, sq, counts, sums = center_loss_parts(p)
        loss = 0.5 * sum(sq)
        delta = [[s / (1 + n) for s in row] for row, n in zip(sums, counts, strict=True)]
        dv = [vec(row) for row in diff]
        lines_d = [f"x{sub(i + 1)} − c{sub(y)} = {vec(X[i])} − {vec(C[y])} = {dv[i]}"
                   for i, y in enumerate(labels)]
        lines_s = [f"‖x{sub(i + 1)} − c{sub(y)}‖² = " + " + ".join(f"{paren(v)}²" for v in diff[i])
                   + f" = {num(sq[i])}" for i, y in enumerate(labels)]
        lines_c, lines_dc = [], []
        for j, n in enumerate(counts):
            members = [i for i, y in enumerate(labels) if y == j]
            terms = " + ".join(f"(c{sub(j)} − x{sub(i + 1)})" for i in members) or "0"
            lines_c.append(f"n{sub(j)} = {n}: {terms} = {vec(sums[j])}")
            lines_dc.append(f"Δc{sub(j)} = {vec(sums[j])} / (1 + {n}) = {vec(delta[j])}")
        note = T("Then c_j ← c_j − α·Δc_j moves each centre toward its class's features, damped by the 1 "
                 "in the denominator.",
                 "随后 c_j ← c_j − α·Δc_j 把每个中心移向本类特征,分母中的 1 让更新更平缓。")
        if 0 in counts:
            note = T(note.en + " A class with no sample in the batch gets Δc = 0 / 1 = 0 and stays put.",
                     note.zh + "batch 中没有样本的类,Δc = 0 / 1 = 0,中心保持不动。")
        steps = [
            Step(T("Difference of each feature from its class centre", "每个特征与其类中心之差"),
                 "xᵢ − c_yᵢ", "\n".join(lines_d), diff),
            Step(T("Squared distances", "距离的平方"), "‖xᵢ − c_yᵢ‖²", "\n".join(lines_s), sq),
            Step(T("Center loss", "center loss"), "L_C = ½ Σᵢ ‖xᵢ − c_yᵢ‖²",
                 f"½ × ({' + '.join(num(v) for v in sq)})", loss),
            Step(T("Gradient with respect to each feature", "对每个特征的梯度"), "∂L_C/∂xᵢ = xᵢ − c_yᵢ",
                 "", diff,
                 T("The ½ cancels the 2 of the square. Gradient descent moves xᵢ against it, toward its "
                   "centre.", "½ 与平方求导的 2 相消。梯度下降沿其反方向移动 xᵢ,即朝向类中心。")),
            Step(T("Samples of each class and the sum of c_j − xᵢ", "每类的样本数及 c_j − xᵢ 之和"),
                 "n_j = #{i: yᵢ = j},  Σ_{i: yᵢ = j} (c_j − xᵢ)", "\n".join(lines_c), sums),
            Step(T("Centre update", "中心的更新量"), "Δc_j = Σ_{i: yᵢ = j}(c_j − xᵢ) / (1 + n_j)",
                 "\n".join(lines_dc), delta, note),
        ]
        return Solution({"loss": loss, "grad": diff, "delta_c": delta}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        diff, sq, counts, sums = center_loss_parts(p)
        loss = 0.5 * sum(sq)
        delta = [[s / (1 + n) for s in row] for row, n in zip(sums, counts, strict=True)]
        by_n = [[s / n if n else 0.0 for s in row] for row, n in zip(sums, counts, strict=True)]
        return [
            Mistake("cl.forgot_half",
                    T("L_C = ½ Σ‖xᵢ − c_yᵢ‖²: the ½ is missing.", "L_C = ½ Σ‖xᵢ − c_yᵢ‖²:漏了 ½。"),
                    {"loss": 2 * loss, "grad": diff, "delta_c": delta}, 2),
            Mistake("cl.grad_sign", T("∂L_C/∂xᵢ = xᵢ − c_yᵢ (feature minus centre), not c_yᵢ − xᵢ.",
                                      "∂L_C/∂xᵢ = xᵢ − c_yᵢ(特征减中心),不是 c_yᵢ − xᵢ。"),
                    {"loss": loss, "grad": [[-v for v in row] for row in diff], "delta_c": delta}, 3),
            Mistake("cl.grad_times_two", T("The ½ cancels the 2 from differentiating the square: xᵢ − c_yᵢ, "
                                           "not 2(xᵢ − c_yᵢ).", "½ 与平方求导的 2 相消:是 xᵢ − c_yᵢ,"
                                           "不是 2(xᵢ − c_yᵢ)。"),
                    {"loss": loss, "grad": [[2 * v for v in row] for row in diff], "delta_c": delta}, 3),
            Mistake("cl.delta_without_plus_one",
                    T("Δc_j divides by 1 + n_j, not n_j: the 1 damps the update and keeps an absent class "
                      "still.", "Δc_j 除以 1 + n_j,不是 n_j:这个 1 使更新更平缓,并让没有样本的类保持不动。"),
                    {"loss": loss, "grad": diff, "delta_c": by_n}, 5),
            Mistake("cl.delta_sign", T("Δc_j sums c_j − xᵢ (centre minus feature), so that c_j − αΔc_j moves "
                                       "toward the features.", "Δc_j 累加的是 c_j − xᵢ(中心减特征),"
                                       "这样 c_j − αΔc_j 才会移向特征。"),
                    {"loss": loss, "grad": diff, "delta_c": [[-v for v in row] for row in delta]}, 4),
        ]


CENTER_LOSS = CenterLoss(
    name="center_loss",
    summary=T("Center loss of a mini-batch, its gradient and the centre updates (Wen et al. 2016).",
              "mini-batch 的 center loss、其梯度和中心更新量(Wen 等,2016)。"),
    params=(
        Param("features", "matrix", "the features xᵢ, m×d: one row per sample"),
        Param("labels", "vector", "the class index yᵢ of each sample, from 0"),
        Param("centers", "matrix", "the class centres c_j, k×d: row j is the centre of class j"),
    ),
    knobs=(
        Knob("batch", "int", {"min": 2, "max": 4}, "mini-batch size m"),
        Knob("classes", "int", {"min": 2, "max": 3}, "number of classes k"),
        Knob("dims", "int", 2, "feature dimension d"),
        Knob("features", "number", {"min": -2, "max": 3, "step": 0.5}, "feature values"),
        Knob("centers", "number", {"min": -1, "max": 2, "step": 0.5}, "centre values"),
    ),
)

KINDS_LOSSES_GRADS = (BINARY_CROSS_ENTROPY, MSE_VS_CE_GRADIENT, SIGMOID_TANH_IDENTITY, VANISHING_GRADIENT,
                      RESIDUAL_BLOCK, CENTER_LOSS)
