"""softmax and softmax_cross_entropy: two questions on one computation, so one module.

softmax asks for the probabilities of a vector of logits; softmax_cross_entropy adds the loss
−ln p_t of the true class and its gradient p − y. Both are worked by ``softmax_steps``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Bars
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.like_numpy import exp, log, np_max, np_sum
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, sub, vec
from studyapp.core.steps import Step

LOGIT_KNOBS = (
    Knob("classes", "int", {"min": 3, "max": 4}, "number of logits"),
    Knob("values", "number", {"min": -2, "max": 3, "step": 0.5}, "range of each logit"),
)


def _logits(k: Knobs) -> list[float]:
    n = k.int("classes")
    for _ in range(20):
        z = k.values("values", (n,))
        if len(set(z)) > 1:  # all-equal logits make a dull, uniform answer
            break
    return z


PROBS_CAPTION = T("Each logit and its probability: softmax keeps the order, sums to 1",
                  "每个 logit 及其概率:softmax 保持大小顺序,总和为 1")
TRUE_PROBS_CAPTION = T("Logits and probabilities; the true class is marked",
                       "logits 与概率;标出的是真实类别")
LOSS_CAPTION = T("−ln p of each class: the loss is the true class's (marked)",
                 "每个类别的 −ln p:损失取真实类别(标出)的那一个")
GRAD_CAPTION = T("The gradient p − y: only the true class (marked) is pushed up",
                 "梯度 p − y:只有真实类别(标出)的 logit 被推高")


@lru_cache(maxsize=16)  # one list per class count, shared by every figure (never changed)
def class_labels(n: int) -> list[str]:
    return [str(i) for i in range(n)]


def softmax_steps(z: list[float], target: int | None = None) -> tuple[list[float], list[Step]]:
    """Softmax of float logits with its steps; plain floats, the operations NumPy would do. The
    last step's figure shows the logits beside the probabilities, the true class ``target``
    marked."""
    m = np_max(z)
    shifted = [v - m for v in z]
    e = [exp(v) for v in shifted]
    total = np_sum(e)
    p = [v / total for v in e]
    steps = [
        Step(T("Subtract the largest logit (the result does not change, exp cannot overflow)",
               "减去最大的 logit(结果不变,且 exp 不会溢出)"),
             "zᵢ − max(z)", f"max(z) = {num(m)}", shifted),
        Step(T("Exponentiate", "取指数"), "eᶻⁱ⁻ᵐᵃˣ",
             ", ".join([f"e^{paren(s)}" for s in shifted]), e, decimals=6),
        Step(T("Sum of the exponentials", "指数之和"), "Σⱼ eᶻʲ⁻ᵐᵃˣ",
             " + ".join([num(v, 6) for v in e]), total, decimals=6),
        Step(T("Divide each by the sum", "逐项除以总和"), "softmax(z)ᵢ = eᶻⁱ⁻ᵐᵃˣ / Σⱼ eᶻʲ⁻ᵐᵃˣ",
             ", ".join([f"{num(v, 6)}/{num(total, 6)}" for v in e]), p, decimals=6,
             figure=Bars(PROBS_CAPTION if target is None else TRUE_PROBS_CAPTION, class_labels(len(z)),
                         [("z", z), ("p", p)], target, decimals=6)),
    ]
    return p, steps


class Softmax(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        return {"logits": _logits(k)}

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        z = vec(p["logits"])
        if lang == "zh":
            return f"计算 logits z = {z} 的 softmax 概率向量。{decimals_clause(lang, decimals)}"
        return f"Compute softmax(z) for the logits z = {z}. {decimals_clause(lang, decimals)}"

    def solve(self, p: dict[str, Any]) -> Solution:
        probs, steps = softmax_steps([float(v) for v in p["logits"]])
        return Solution(probs, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        z = np.asarray(p["logits"], dtype=float)
        e = np.exp(z - z.max())
        return [
            Mistake("softmax.not_normalized",
                    T("These are the exponentials; divide each by their sum.",
                      "这是各项的指数,还要除以它们的和。"),
                    np.exp(z).tolist(), 3),
            Mistake("softmax.shifted_not_normalized",
                    T("These are e^(z − max); divide each by their sum.",
                      "这是 e^(z − max),还要除以它们的和。"),
                    e.tolist(), 3),
            Mistake("softmax.linear_normalization",
                    T("Softmax divides exponentials, not the logits themselves, by their sum.",
                      "softmax 归一化的是指数,而不是 logits 本身。"), (z / z.sum()).tolist() if z.sum() else
                    [math.nan] * len(z), 1),
        ]


class SoftmaxCrossEntropy(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        z = _logits(k)
        return {"logits": z, "target": k.below(len(z))}

    def check(self, p: dict[str, Any]) -> list[str]:
        n = len(p["logits"])
        if not 0 <= p["target"] < n:
            return [f"target must be a class index from 0 to {n - 1} (there are {n} logits)"]
        return []

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        z, t = vec(p["logits"]), p["target"]
        if lang == "zh":
            return (f"logits z = {z},真实类别为 {t}(从 0 开始编号)。计算 softmax 交叉熵损失"
                    f"(自然对数)及其对 z 的梯度。按“loss: …; grad: […]”作答。"
                    f"{decimals_clause(lang, decimals)}")
        return (f"The logits are z = {z} and the true class is {t} (counting from 0). Compute the "
                f"softmax cross-entropy loss (natural log) and its gradient with respect to z. "
                f"Answer as “loss: …; grad: […]”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        z = [float(v) for v in p["logits"]]
        t = p["target"]
        probs, steps = softmax_steps(z, t)
        # −ln p_t from the log-sum-exp, which stays finite when p_t underflows to 0.
        shifted = [v - np_max(z) for v in z]
        total = np_sum([exp(v) for v in shifted])
        log_total = log(total)
        loss = log_total - shifted[t]
        labels = class_labels(len(z))
        # what the loss would be for each class: the true one's is the loss itself
        class_losses = [log_total - s for s in shifted]
        steps.append(Step(T("Loss: minus the log-probability of the true class",
                            "损失:真实类别概率的负对数"),
                          f"L = −ln p{sub(t)} = ln Σⱼ e^(zⱼ − max) − (z{sub(t)} − max)",
                          f"ln {num(total, 6)} − {paren(shifted[t])}",
                          loss, decimals=6,
                          figure=Bars(LOSS_CAPTION, labels, [("p", probs), ("−ln p", class_losses)], t,
                                      decimals=6)))
        onehot = [0.0] * len(z)
        onehot[t] = 1.0
        grad = [pv - y for pv, y in zip(probs, onehot, strict=True)]
        steps.append(Step(T("Gradient: probabilities minus the one-hot target",
                            "梯度:概率减去 one-hot 目标"),
                          "∂L/∂zᵢ = pᵢ − yᵢ",
                          f"y = {vec(onehot)}", grad, decimals=6,
                          figure=Bars(GRAD_CAPTION, labels, [("p", probs), ("y", onehot),
                                                             ("p − y", grad)], t, decimals=6)))
        return Solution({"loss": loss, "grad": grad}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        z = np.asarray(p["logits"], dtype=float)
        t = p["target"]
        probs = np.exp(z - z.max())
        probs /= probs.sum()
        loss = float(-np.log(probs[t]))
        y = np.zeros_like(z)
        y[t] = 1
        return [
            Mistake("sce.log10", T("Cross-entropy uses the natural log, not log₁₀.",
                                   "交叉熵用自然对数,不是 log₁₀。"),
                    {"loss": loss / math.log(10), "grad": (probs - y).tolist()}, 4),
            Mistake("sce.grad_forgot_onehot",
                    T("∂L/∂z = p − y: subtract 1 at the true class.", "∂L/∂z = p − y:真实类别处要减 1。"),
                    {"loss": loss, "grad": probs.tolist()}, 5),
            Mistake("sce.grad_sign", T("The gradient is p − y, not y − p.", "梯度是 p − y,不是 y − p。"),
                    {"loss": loss, "grad": (y - probs).tolist()}, 5),
        ]


SOFTMAX = Softmax(
    name="softmax",
    summary=T("The softmax probabilities of a vector of logits.", "一组 logits 的 softmax 概率。"),
    params=(Param("logits", "vector", "the logits z"),),
    knobs=LOGIT_KNOBS,
    figures=("bars",),
)

SOFTMAX_CROSS_ENTROPY = SoftmaxCrossEntropy(
    name="softmax_cross_entropy",
    summary=T("Softmax cross-entropy loss of one sample and its gradient with respect to the logits.",
              "单个样本的 softmax 交叉熵损失及其对 logits 的梯度。"),
    params=(
        Param("logits", "vector", "the logits z"),
        Param("target", "int", "index of the true class, from 0"),
    ),
    knobs=LOGIT_KNOBS,
    figures=("bars",),
)
