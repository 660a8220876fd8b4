"""l2_regularization: the L2-penalised loss L + (λ/2)Σw² and one weight-decay step
w ← w − η(∂L/∂w + λw)."""

from __future__ import annotations

from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.like_numpy import np_sum
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, vec
from studyapp.core.steps import Step


class L2Regularization(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n = k.int("weights")
        return {"loss": float(k.pick("loss")), "w": k.values("w", (n,), avoid_zero=True),
                "grad": k.values("grad", (n,)), "lam": float(k.pick("lam")), "lr": float(k.pick("lr"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if len(p["w"]) != len(p["grad"]):
            errors.append(f"grad must have one value per weight ({len(p['w'])}), got {len(p['grad'])}")
        if p["lam"] < 0:
            errors.append(f"lam must be 0 or more (got {p['lam']})")
        if p["lr"] <= 0:
            errors.append(f"lr must be positive (got {p['lr']})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        w, g, lam, lr, loss = vec(p["w"]), vec(p["grad"]), num(p["lam"]), num(p["lr"]), num(p["loss"])
        if lang == "zh":
            return (f"损失 L = {loss},权重 w = {w},∂L/∂w = {g}。用 L2 正则化(约定:L' = L + (λ/2)Σw²),"
                    f"λ = {lam},学习率 η = {lr}。求正则化后的损失,"
                    f"以及一步权重衰减更新 w ← w − η(∂L/∂w + λw) 之后的 w。"
                    f"按“penalized: …; w: […]”作答。{decimals_clause(lang, decimals)}")
        return (f"The loss is L = {loss} with weights w = {w} and ∂L/∂w = {g}. With L2 regularisation "
                f"(convention: L' = L + (λ/2)Σw²), λ = {lam} and learning rate η = {lr}, give the penalised "
                f"loss and w after one weight-decay step w ← w − η(∂L/∂w + λw). "
                f"Answer as “penalized: …; w: […]”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        w, g = [float(v) for v in p["w"]], [float(v) for v in p["grad"]]
        lam, lr, loss = p["lam"], p["lr"], p["loss"]
        sq = np_sum([v * v for v in w])  # plain floats, NumPy's operations in NumPy's order
        penalized = loss + lam / 2 * sq
        total = [gv + lam * wv for gv, wv in zip(g, w, strict=True)]
        new = [wv - lr * tv for wv, tv in zip(w, total, strict=True)]
        steps = [
            Step(T("Sum of squared weights", "权重平方和"), "Σ w²",
                 " + ".join([f"{paren(v)}²" for v in p["w"]]), sq),
            Step(T("Penalised loss", "正则化后的损失"), "L + (λ/2)·Σw²",
                 f"{num(loss)} + {num(lam)}/2 × {num(sq)}", penalized, decimals=6),
            Step(T("Gradient with the penalty", "加上惩罚项的梯度"), "∂L/∂w + λw",
                 ", ".join([f"{num(gv)} + {num(lam)}·{paren(wv)}"
                           for gv, wv in zip(p["grad"], p["w"], strict=True)]),
                 total, decimals=6),
            Step(T("Weight-decay step", "权重衰减更新"), "w − η(∂L/∂w + λw)",
                 ", ".join([f"{num(wv)} − {num(lr)}·{paren(tv, 6)}" for wv, tv in zip(p["w"], total,
                                                                                  strict=True)]),
                 new, T("The λw term shrinks every weight towards 0 at each step: weight decay.",
                                 "λw 这一项每一步都把权重往 0 拉:这就是权重衰减。"), decimals=6),
        ]
        return Solution({"penalized": penalized, "w": new}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, g = np.asarray(p["w"], dtype=float), np.asarray(p["grad"], dtype=float)
        lam, lr, loss = p["lam"], p["lr"], p["loss"]
        sq = float(np.sum(w * w))
        right_w = (w - lr * (g + lam * w)).tolist()
        return [
            Mistake("l2.forgot_half", T("With this convention the penalty is (λ/2)Σw², not λΣw².",
                                        "按这里的约定,惩罚项是 (λ/2)Σw²,不是 λΣw²。"),
                    {"penalized": loss + lam * sq, "w": right_w}, 1),
            Mistake("l2.decay_sign",
                    T("The penalty's gradient λw is added to ∂L/∂w, then the sum is subtracted.",
                      "惩罚项的梯度 λw 要加到 ∂L/∂w 上,再整体减去。"),
                    {"penalized": loss + lam / 2 * sq, "w": (w - lr * (g - lam * w)).tolist()}, 2),
            Mistake("l2.half_in_gradient", T("The derivative of (λ/2)w² is λw, not (λ/2)w.",
                                             "(λ/2)w² 的导数是 λw,不是 (λ/2)w。"),
                    {"penalized": loss + lam / 2 * sq, "w": (w - lr * (g + lam / 2 * w)).tolist()}, 2),
        ]


KIND = L2Regularization(
    name="l2_regularization",
    summary=T("L2-penalised loss and one weight-decay step.", "L2 正则化后的损失与一步权重衰减。"),
    params=(Param("loss", "number", "data loss L"), Param("w", "vector", "weights"),
            Param("grad", "vector", "∂L/∂w of the data loss"), Param("lam", "number", "λ"),
            Param("lr", "number", "learning rate η")),
    knobs=(Knob("weights", "int", [2, 3], "number of weights"),
           Knob("loss", "number", {"min": 0.2, "max": 2, "step": 0.1}, "data loss"),
           Knob("w", "number", {"min": -2, "max": 2, "step": 0.5}, "weights"),
           Knob("grad", "number", {"min": -1, "max": 1, "step": 0.1}, "gradients"),
           Knob("lam", "number", [0.1, 0.01, 0.5], "λ"), Knob("lr", "number", [0.1, 0.5, 1.0], "η")),
    decimals=4,
)
