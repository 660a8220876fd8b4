"""optimizer_step: one update of SGD, momentum, RMSProp or Adam (with its bias correction)."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, small, vec
from studyapp.core.steps import Step

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
# As the papers and textbooks spell them, for the prompts (en, zh).
PRINTED = {"sgd": ("SGD", "SGD"), "momentum": ("momentum", "动量法"),
           "rmsprop": ("RMSProp", "RMSProp"), "adam": ("Adam", "Adam")}


def optimizer_update(p: dict[str, Any], bias_correction: bool = True, sqrt: bool = True,
                     sign: float = -1.0) -> dict[str, Any]:
    """One step of the optimiser in ``p``; the flags produce the usual mistakes. Elementwise on
    plain floats: the operations, in the order, that NumPy's arrays would do."""
    opt, lr = p["optimizer"], p["lr"]
    w, g = _floats(p["w"]), _floats(p["grad"])
    if opt == "sgd":
        return {"w": [wv + sign * lr * gv for wv, gv in zip(w, g, strict=True)]}
    if opt == "momentum":
        v = [p["beta"] * vv + lr * gv for vv, gv in zip(_floats(p["v"]), g, strict=True)]
        return {"v": v, "w": [wv + sign * vv for wv, vv in zip(w, v, strict=True)]}
    if opt == "rmsprop":
        s = [p["rho"] * sv + (1 - p["rho"]) * gv * gv for sv, gv in zip(_floats(p["s"]), g, strict=True)]
        root = [math.sqrt(sv) for sv in s] if sqrt else s
        return {"s": s, "w": [wv + sign * lr * gv / (rv + p["eps"])
                              for wv, gv, rv in zip(w, g, root, strict=True)]}
    b1, b2, t = p["beta1"], p["beta2"], p["t"]
    m = [b1 * mv + (1 - b1) * gv for mv, gv in zip(_floats(p["m"]), g, strict=True)]
    v = [b2 * vv + (1 - b2) * gv * gv for vv, gv in zip(_floats(p["v"]), g, strict=True)]
    m_hat = [mv / (1 - b1**t) for mv in m] if bias_correction else m
    v_hat = [vv / (1 - b2**t) for vv in v] if bias_correction else v
    root = [math.sqrt(vv) for vv in v_hat] if sqrt else v_hat
    return {"m": m, "v": v, "w": [wv + sign * lr * mv / (rv + p["eps"])
                                  for wv, mv, rv in zip(w, m_hat, root, strict=True)]}


def _floats(values: list[Any]) -> list[float]:
    return [float(v) for v in values]


class OptimizerStep(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        opt = k.pick("optimizer")
        n = k.int("weights")
        p: dict[str, Any] = {"optimizer": opt, "w": k.values("w", (n,)), "grad": k.values("grad", (n,), True),
                             "lr": float(k.pick("lr"))}
        if opt == "momentum":
            p |= {"v": k.values("state", (n,)), "beta": 0.9}
        elif opt == "rmsprop":
            p |= {"s": [abs(v) for v in k.values("state", (n,))], "rho": 0.9, "eps": 1e-8}
        elif opt == "adam":
            p |= {"m": k.values("state", (n,)), "v": [abs(v) / 10 for v in k.values("state", (n,))],
                  "t": 1 + k.below(3), "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        opt, n, errors = p["optimizer"], len(p["w"]), []
        if len(p["grad"]) != n:
            errors.append(f"grad must have one value per weight ({n}), got {len(p['grad'])}")
        needed = {"momentum": ("v",), "rmsprop": ("s",), "adam": ("m", "v")}.get(opt, ())
        for name in needed:
            if p.get(name) is None or len(p[name]) != n:
                errors.append(f"{opt} needs its state '{name}' with one value per weight ({n})")
        if opt in ("rmsprop", "adam") and any(v < 0 for v in p.get("s" if opt == "rmsprop" else "v") or ()):
            errors.append("a running average of squared gradients cannot be negative")
        if opt == "adam" and p["t"] < 1:
            errors.append(f"t is the step number after this update and must be at least 1 (got {p['t']})")
        if p["lr"] <= 0:
            errors.append(f"lr must be positive (got {p['lr']})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        opt, w, g, lr = p["optimizer"], vec(p["w"]), vec(p["grad"]), num(p["lr"])
        zh = lang == "zh"
        if opt == "sgd":
            rule, keys = "w ← w − η·g", "w"
        elif opt == "momentum":
            rule, keys = f"v ← β·v + η·g, w ← w − v; β = {num(p['beta'])}, v = {vec(p['v'])}", "v, w"
        elif opt == "rmsprop":
            rule, keys = (f"s ← ρ·s + (1 − ρ)·g², w ← w − η·g / (√s + ε); ρ = {num(p['rho'])}, "
                          f"ε = {small(p['eps'])}, s = {vec(p['s'])}"), "s, w"
        else:
            rule, keys = (f"m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), "
                          f"w ← w − η·m̂/(√v̂ + ε); β₁ = {num(p['beta1'])}, β₂ = {num(p['beta2'], 3)}, "
                          f"ε = {small(p['eps'])}, t = {p['t']}, m = {vec(p['m'])}, "
                          f"v = {vec(p['v'])}"), "m, v, w"
        form = "; ".join([f"{k}: […]" for k in keys.split(", ")])
        if zh:
            name = PRINTED[opt][1]
            space = " " if name.isascii() else ""  # a space between Chinese and Latin words
            return (f"用{space}{name}{space}更新权重 w = {w},梯度 g = {g},"
                    f"学习率 η = {lr}。规则:{rule}。求一步之后的 {keys}。按“{form}”作答。"
                    f"{decimals_clause(lang, decimals)}")
        return (f"One {PRINTED[opt][0]} step (rule: {rule}) for weights w = {w}, gradient g = {g}, "
                f"learning rate η = {lr}. Give {keys} after the step. Answer as “{form}”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        out = optimizer_update(p)
        opt, lr = p["optimizer"], num(p["lr"])
        g = p["grad"]
        steps: list[Step] = []
        if opt == "momentum":
            steps.append(Step(T("Velocity", "速度"), "v ← β·v + η·g",
                              ", ".join([f"{num(p['beta'])}·{paren(v)} + {lr}·{paren(gv)}" for v, gv in
                                        zip(p["v"], g, strict=True)]), out["v"], decimals=6))
        elif opt == "rmsprop":
            steps.append(Step(T("Running average of g²", "g² 的滑动平均"), "s ← ρ·s + (1 − ρ)·g²",
                              ", ".join([f"{num(p['rho'])}·{num(s)} + {num(1 - p['rho'])}·{paren(gv)}²"
                                        for s, gv in zip(p["s"], g, strict=True)]), out["s"], decimals=6))
        elif opt == "adam":
            b1, b2, t = p["beta1"], p["beta2"], p["t"]
            steps += [
                Step(T("First moment (mean of g)", "一阶矩(g 的均值)"), "m ← β₁m + (1 − β₁)g",
                     ", ".join([f"{num(b1)}·{paren(mv)} + {num(1 - b1)}·{paren(gv)}" for mv, gv in
                               zip(p["m"], g, strict=True)]), out["m"], decimals=6),
                Step(T("Second moment (mean of g²)", "二阶矩(g² 的均值)"), "v ← β₂v + (1 − β₂)g²",
                     ", ".join([f"{num(b2, 3)}·{num(vv, 6)} + {num(1 - b2, 3)}·{paren(gv)}²" for vv, gv in
                               zip(p["v"], g, strict=True)]), out["v"], decimals=6),
                Step(T("Bias correction", "偏差修正"), "m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)",
                     f"1 − β₁^{t} = {num(1 - b1**t, 6)}, 1 − β₂^{t} = {num(1 - b2**t, 6)}",
                     [[mv / (1 - b1**t) for mv in out["m"]], [vv / (1 - b2**t) for vv in out["v"]]],
                     decimals=6,
                     note=T("Without it the first steps would be far too small: m and v start at 0.",
                            "没有这一步,开始几步会太小:m 和 v 从 0 开始。")),
            ]
        formula = {"sgd": "w ← w − η·g", "momentum": "w ← w − v", "rmsprop": "w ← w − η·g/(√s + ε)",
                   "adam": "w ← w − η·m̂/(√v̂ + ε)"}[opt]
        steps.append(Step(T("Update the weights", "更新权重"), formula, "", out["w"], decimals=6))
        return Solution(out, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        opt = p["optimizer"]
        out = [Mistake("opt.added_gradient", T("A descent step moves against the gradient: subtract.",
                                               "下降的一步是逆着梯度走:要减去。"),
                       optimizer_update(p, sign=1.0), None)]
        if opt == "adam":
            out.append(Mistake("opt.adam_no_bias_correction",
                               T("Adam divides m and v by (1 − βᵗ) before the update.",
                                 "Adam 在更新前要把 m、v 除以 (1 − βᵗ)。"),
                               optimizer_update(p, bias_correction=False), 2))
        if opt in ("adam", "rmsprop"):
            out.append(Mistake("opt.forgot_sqrt", T("Divide by the square root of the running average of g².",
                                                     "要除以 g² 滑动平均的平方根。"),
                               optimizer_update(p, sqrt=False), None))
        if opt == "momentum":
            plain = {"v": optimizer_update(p)["v"], "w": optimizer_update(dict(p, optimizer="sgd"))["w"]}
            out.append(Mistake("opt.momentum_ignored",
                               T("With momentum the step is the new velocity v, not η·g.",
                                 "带动量时,这一步走的是新的速度 v,不是 η·g。"), plain, 1))
        return out


KIND = OptimizerStep(
    name="optimizer_step",
    summary=T("One update of SGD, momentum, RMSProp or Adam (with bias correction).",
              "SGD、动量、RMSProp 或 Adam(含偏差修正)的一步更新。"),
    params=(Param("optimizer", "choice", "sgd, momentum, rmsprop or adam", choices=OPTIMIZERS),
            Param("w", "vector", "weights"), Param("grad", "vector", "gradient g"),
            Param("lr", "number", "learning rate η"),
            Param("v", "vector", "momentum: velocity; adam: second moment", default=None),
            Param("s", "vector", "rmsprop: running average of g²", default=None),
            Param("m", "vector", "adam: first moment", default=None),
            Param("t", "int", "adam: step number after this update (from 1)", default=1),
            Param("beta", "number", "momentum coefficient β", default=0.9),
            Param("rho", "number", "rmsprop decay ρ", default=0.9),
            Param("beta1", "number", "adam β₁", default=0.9),
            Param("beta2", "number", "adam β₂", default=0.999),
            Param("eps", "number", "ε", default=1e-8)),
    knobs=(Knob("optimizer", "choice", list(OPTIMIZERS), "optimisers to draw from", OPTIMIZERS),
           Knob("weights", "int", [2, 3], "number of weights"),
           Knob("w", "number", {"min": -1, "max": 1, "step": 0.1}, "weights"),
           Knob("grad", "number", {"min": -2, "max": 2, "step": 0.5}, "gradients"),
           Knob("state", "number", {"min": -0.5, "max": 0.5, "step": 0.1}, "optimiser state"),
           Knob("lr", "number", [0.1, 0.01, 0.5], "η")),
    decimals=4,
    tolerance=(1e-4, 0.0),  # an update can be smaller than 0.5 % of the weight
)
