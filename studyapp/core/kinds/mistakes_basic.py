"""The usual mistakes of the foundation's kinds, as alternative computations.

Each function takes the params of one problem and returns the ``Mistake``s worth checking;
the kinds' ``mistakes`` methods call them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.activation import DEFAULT_ALPHA, SELU_ALPHA, SELU_LAMBDA


def _activation_both(f: str, x: float, a: float) -> tuple[float, float]:
    """(value, derivative) of an activation, computed independently of the solver's steps."""
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


def activation(p: dict[str, Any]) -> list[Mistake]:
    f, x, deriv = p["function"], float(p["x"]), p["derivative"]
    a = p.get("alpha")
    a = DEFAULT_ALPHA.get(f, 1.0) if a is None else float(a)
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
                                 "tanh'(x) = 1 − tanh²(x);−tanh²(x) 漏掉了 1(常见的抄错写法)。"), -value * value, 1))
        if f in ("leaky_relu", "elu") and x < 0:
            out.append(Mistake("act.negative_slope_ignored",
                               T("For x < 0 the slope is α (Leaky ReLU) or α·eˣ (ELU), not 0 as in ReLU.",
                                 "x < 0 时斜率是 α(Leaky ReLU)或 α·eˣ(ELU),不是 ReLU 的 0。"), 0.0, 1))
        if f == "softplus":
            out.append(Mistake("act.softplus_derivative_sign",
                               T("softplus'(x) = σ(x) = 1/(1 + e⁻ˣ); 1/(1 + eˣ) is σ(−x).",
                                 "softplus'(x) = σ(x) = 1/(1 + e⁻ˣ);1/(1 + eˣ) 是 σ(−x)。"), 1 - slope, 1))
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


def softmax(p: dict[str, Any]) -> list[Mistake]:
    z = np.asarray(p["logits"], dtype=float)
    e = np.exp(z - z.max())
    return [
        Mistake("softmax.not_normalized",
                T("These are the exponentials; divide each by their sum.", "这是各项的指数,还要除以它们的和。"),
                np.exp(z).tolist(), 3),
        Mistake("softmax.shifted_not_normalized",
                T("These are e^(z − max); divide each by their sum.", "这是 e^(z − max),还要除以它们的和。"),
                e.tolist(), 3),
        Mistake("softmax.linear_normalization",
                T("Softmax divides exponentials, not the logits themselves, by their sum.",
                  "softmax 归一化的是指数,而不是 logits 本身。"), (z / z.sum()).tolist() if z.sum() else
                [math.nan] * len(z), 1),
    ]


def softmax_cross_entropy(p: dict[str, Any]) -> list[Mistake]:
    z = np.asarray(p["logits"], dtype=float)
    t = p["target"]
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    loss = float(-np.log(probs[t]))
    y = np.zeros_like(z)
    y[t] = 1
    return [
        Mistake("sce.log10", T("Cross-entropy uses the natural log, not log₁₀.", "交叉熵用自然对数,不是 log₁₀。"),
                {"loss": loss / math.log(10), "grad": (probs - y).tolist()}, 4),
        Mistake("sce.grad_forgot_onehot",
                T("∂L/∂z = p − y: subtract 1 at the true class.", "∂L/∂z = p − y:真实类别处要减 1。"),
                {"loss": loss, "grad": probs.tolist()}, 5),
        Mistake("sce.grad_sign", T("The gradient is p − y, not y − p.", "梯度是 p − y,不是 y − p。"),
                {"loss": loss, "grad": (y - probs).tolist()}, 5),
    ]
