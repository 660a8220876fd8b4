"""Training arithmetic: mini-batch counts, learning-rate schedules, L2 weight decay, optimiser steps."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import decimals_clause, exact_clause
from studyapp.core.numfmt import num, paren, vec
from studyapp.core.steps import Step


class Minibatch(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        batch = k.int("batch_size")
        full = k.int("full_batches")
        rest = k.int("remainder") if k.pick("partial") else 0
        return {"samples": full * batch + min(rest, batch - 1), "batch_size": batch,
                "epochs": k.int("epochs"), "drop_last": bool(k.pick("drop_last"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        return [f"{name} must be at least 1 (got {p[name]})"
                for name in ("samples", "batch_size", "epochs") if p[name] < 1]

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        n, b, e = p["samples"], p["batch_size"], p["epochs"]
        if lang == "zh":
            last = "不足一个 batch 的最后一批丢弃" if p["drop_last"] else "最后不足一个 batch 的样本也组成一批"
            return (f"训练集有 {n:,} 个样本,batch 大小为 {b:,},训练 {e} 个 epoch({last})。每个 epoch 做"
                    f"多少次参数更新(iteration)?总共多少次?按 `per_epoch: …; total: …` 作答。{exact_clause(lang)}")
        last = "an incomplete last batch is dropped" if p["drop_last"] else "a last, smaller batch is kept"
        return (f"A training set of {n:,} samples is split into mini-batches of {b:,} and trained for {e} "
                f"epoch(s) ({last}). How many parameter updates (iterations) are there per epoch, and in "
                f"total? Answer as `per_epoch: …; total: …`. {exact_clause(lang)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        n, b, e, drop = p["samples"], p["batch_size"], p["epochs"], p["drop_last"]
        full, rest = divmod(n, b)
        per_epoch = full if drop or rest == 0 else full + 1
        note = None
        if rest:
            note = (T(f"The last {rest} samples do not fill a batch and are dropped.",
                      f"最后 {rest} 个样本凑不满一个 batch,被丢弃。") if drop else
                    T(f"The last {rest} samples form one smaller batch, which is still an update.",
                      f"最后 {rest} 个样本组成一个较小的 batch,也算一次更新。"))
        steps = [
            Step(T("Full batches per epoch", "每个 epoch 的完整 batch 数"), "⌊N / B⌋",
                 f"⌊{n:,} / {b:,}⌋ (remainder {rest:,})", full),
            Step(T("Updates per epoch", "每个 epoch 的更新次数"),
                 "⌊N / B⌋" if drop else "⌈N / B⌉", "", per_epoch, note),
            Step(T("Updates in total", "总更新次数"), "updates per epoch × epochs", f"{per_epoch:,} × {e}",
                 per_epoch * e),
        ]
        return Solution({"per_epoch": per_epoch, "total": per_epoch * e}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        n, b, e, drop = p["samples"], p["batch_size"], p["epochs"], p["drop_last"]
        full = n // b
        out = [Mistake("minibatch.samples_for_updates",
                       T("An epoch makes one update per batch, not one per sample.",
                         "每个 batch 更新一次,而不是每个样本一次。"), {"per_epoch": n, "total": n * e}, 1)]
        if n % b and not drop:
            out.append(Mistake("minibatch.forgot_last_batch",
                               T("The last, smaller batch is an update too: round up.", "最后较小的 batch 也是一次更新:要向上取整。"),
                               {"per_epoch": full, "total": full * e}, 1))
            whole = math.ceil(n * e / b)
            if whole != (full + 1) * e:
                out.append(Mistake("minibatch.batches_across_epochs",
                                   T("Batches do not run across epochs: each epoch ends with its own last batch.",
                                     "batch 不跨 epoch:每个 epoch 都以自己最后的一批结束。"),
                                   {"per_epoch": full + 1, "total": whole}, 2))
        if n % b and drop:
            out.append(Mistake("minibatch.kept_dropped_batch", T("The incomplete last batch is dropped: round down.",
                                                                  "不完整的最后一批被丢弃:要向下取整。"),
                               {"per_epoch": full + 1, "total": (full + 1) * e}, 1))
        return out


SCHEDULES = ("step", "exponential", "cosine", "warmup", "plateau")


def lr_at(p: dict[str, Any]) -> float:
    """The learning rate of the schedule in ``p`` at ``p['epoch']`` (0-based epochs)."""
    s, lr0, t = p["schedule"], p["lr0"], p["epoch"]
    if s == "step":
        return lr0 * p["factor"] ** (t // p["step_size"])
    if s == "exponential":
        return lr0 * p["gamma"] ** t
    if s == "cosine":
        return p["lr_min"] + 0.5 * (lr0 - p["lr_min"]) * (1 + math.cos(math.pi * t / p["total_epochs"]))
    if s == "warmup":
        w, total = p["warmup_epochs"], p["total_epochs"]
        if t < w:
            return lr0 * (t + 1) / w
        return lr0 * max(total - t, 0) / (total - w)
    lr, best, waited = lr0, math.inf, 0  # plateau
    for loss in p["val_losses"]:
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited > p["patience"]:
                lr, waited = lr * p["factor"], 0
    return lr


class LrSchedule(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        s = k.pick("schedule")
        p: dict[str, Any] = {"schedule": s, "lr0": float(k.pick("lr0")), "epoch": 0}
        if s == "step":
            p |= {"step_size": k.int("step_size"), "factor": float(k.pick("factor"))}
            p["epoch"] = k.below(4 * p["step_size"])
        elif s == "exponential":
            p |= {"gamma": float(k.pick("gamma")), "epoch": k.below(8)}
        elif s == "cosine":
            total = k.int("total_epochs")
            p |= {"total_epochs": total, "lr_min": 0.0, "epoch": k.below(total + 1)}
        elif s == "warmup":
            total, warm = k.int("total_epochs"), k.int("warmup_epochs")
            p |= {"total_epochs": total, "warmup_epochs": warm, "epoch": k.below(total)}
        else:
            n = 5 + k.below(4)
            losses, level = [], 1.0
            for _ in range(n):
                level = round(level - 0.1, 2) if k.below(3) == 0 else level
                losses.append(level)
            p |= {"val_losses": losses, "patience": k.int("patience"), "factor": float(k.pick("factor")),
                  "epoch": n}
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        s, errors = p["schedule"], []
        if p["lr0"] <= 0:
            errors.append(f"lr0 must be positive (got {p['lr0']})")
        if p["epoch"] < 0:
            errors.append(f"epoch must be 0 or more (got {p['epoch']})")
        if s == "step" and p["step_size"] < 1:
            errors.append(f"step_size must be at least 1 (got {p['step_size']})")
        if s in ("cosine", "warmup") and p["total_epochs"] < 1:
            errors.append(f"total_epochs must be at least 1 (got {p['total_epochs']})")
        if s == "warmup" and not 1 <= p["warmup_epochs"] < p["total_epochs"]:
            errors.append("warmup_epochs must be from 1 to total_epochs − 1")
        if s == "plateau" and not p.get("val_losses"):
            errors.append("val_losses (the validation loss of each epoch) is needed for plateau")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        s, lr0, t = p["schedule"], num(p["lr0"]), p["epoch"]
        zh = lang == "zh"
        if s == "step":
            rule = (f"每 {p['step_size']} 个 epoch 乘以 {num(p['factor'])}(阶梯衰减)" if zh else
                    f"multiplied by {num(p['factor'])} every {p['step_size']} epochs (step decay)")
        elif s == "exponential":
            rule = f"每个 epoch 乘以 γ = {num(p['gamma'])}(指数衰减)" if zh else \
                f"multiplied by γ = {num(p['gamma'])} every epoch (exponential decay)"
        elif s == "cosine":
            rule = (f"按余弦退火在 T = {p['total_epochs']} 个 epoch 内从 lr0 降到 {num(p['lr_min'])}" if zh else
                    f"cosine-annealed from lr0 to {num(p['lr_min'])} over T = {p['total_epochs']} epochs")
        elif s == "warmup":
            w, total = p["warmup_epochs"], p["total_epochs"]
            rule = (f"前 {w} 个 epoch 线性预热:lr0·(t+1)/{w};之后线性下降,在第 {total} 个 epoch 降到 0:"
                    f"lr0·({total} − t)/({total} − {w})" if zh else
                    f"warmed up linearly for {w} epochs, lr0·(t+1)/{w}, then decayed linearly to 0 at epoch "
                    f"{total}: lr0·({total} − t)/({total} − {w})")
        else:
            rule = (f"按验证损失调整(reduce-on-plateau):连续超过 {p['patience']} 个 epoch 没有下降就乘以 "
                    f"{num(p['factor'])},然后重新计数;各 epoch 的验证损失为 {vec(p['val_losses'])}" if zh else
                    f"reduced on plateau: multiplied by {num(p['factor'])} when the validation loss has not "
                    f"improved for more than {p['patience']} epochs, then the count restarts; the validation "
                    f"losses were {vec(p['val_losses'])}")
        if zh:
            when = "处理完这些验证损失之后" if s == "plateau" else f"在第 t = {t} 个 epoch(从 0 开始)"
            return f"初始学习率 lr0 = {lr0},{rule}。{when}的学习率是多少?{decimals_clause(lang, decimals)}"
        when = "after those validation losses" if s == "plateau" else f"at epoch t = {t} (counting from 0)"
        return f"The learning rate starts at lr0 = {lr0} and is {rule}. What is it {when}? " \
               f"{decimals_clause(lang, decimals)}"

    def solve(self, p: dict[str, Any]) -> Solution:
        s, lr0, t = p["schedule"], p["lr0"], p["epoch"]
        lr = lr_at(p)
        if s == "step":
            drops = t // p["step_size"]
            steps = [Step(T("Completed decay steps", "已经过的衰减次数"), "⌊t / step_size⌋",
                          f"⌊{t} / {p['step_size']}⌋", drops),
                     Step(T("Learning rate", "学习率"), "lr0 · factor^⌊t/step_size⌋",
                          f"{num(lr0)} × {num(p['factor'])}^{drops}", lr, decimals=6)]
        elif s == "exponential":
            steps = [Step(T("Learning rate", "学习率"), "lr0 · γ^t", f"{num(lr0)} × {num(p['gamma'])}^{t}", lr,
                          decimals=6)]
        elif s == "cosine":
            total = p["total_epochs"]
            c = math.cos(math.pi * t / total)
            steps = [Step(T("Cosine of the progress", "进度的余弦"), "cos(π·t/T)", f"cos(π·{t}/{total})", c,
                          decimals=6),
                     Step(T("Learning rate", "学习率"), "lr_min + ½(lr0 − lr_min)(1 + cos(π·t/T))",
                          f"{num(p['lr_min'])} + ½ × ({num(lr0)} − {num(p['lr_min'])}) × (1 + {paren(c, 6)})", lr,
                          decimals=6)]
        elif s == "warmup":
            w, total = p["warmup_epochs"], p["total_epochs"]
            if t < w:
                steps = [Step(T("Still warming up (t < warm-up epochs)", "仍在预热阶段(t < 预热 epoch 数)"),
                              "lr0 · (t + 1) / w", f"{num(lr0)} × ({t} + 1) / {w}", lr, decimals=6)]
            else:
                steps = [Step(T("Past the warm-up: linear decay", "预热结束:线性衰减"),
                              "lr0 · (T − t) / (T − w)", f"{num(lr0)} × ({total} − {t}) / ({total} − {w})", lr,
                              decimals=6)]
        else:
            steps, cur, best, waited = [], lr0, math.inf, 0
            for epoch, loss in enumerate(p["val_losses"]):
                if loss < best:
                    best, waited = loss, 0
                    work = f"{num(loss)} is a new best: the count restarts"
                else:
                    waited += 1
                    work = f"{num(loss)} ≥ best {num(best)}: {waited} epoch(s) without improvement"
                    if waited > p["patience"]:
                        cur, waited = cur * p["factor"], 0
                        work += f" > {p['patience']}: lr × {num(p['factor'])}"
                steps.append(Step(T(f"Epoch {epoch}", f"第 {epoch} 个 epoch"), "", work, cur, decimals=6))
        return Solution(lr, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        s, lr0, t = p["schedule"], p["lr0"], p["epoch"]
        out = [Mistake("lr.unchanged", T("The schedule has changed the rate by now.", "此时学习率已经被调整过了。"),
                       lr0, 0)]
        if s == "step":
            out.append(Mistake("lr.step_off_by_one", T("Count whole steps: ⌊t / step_size⌋ (epochs from 0).",
                                                        "按完整的步数计:⌊t / step_size⌋(epoch 从 0 计)。"),
                               lr0 * p["factor"] ** (t // p["step_size"] + 1), 0))
        elif s == "exponential":
            out.append(Mistake("lr.exp_off_by_one", T("At epoch t the factor is γ^t (epochs from 0).",
                                                       "第 t 个 epoch 的系数是 γ^t(epoch 从 0 计)。"),
                               lr0 * p["gamma"] ** (t + 1), 0))
        elif s == "cosine":
            total, lo = p["total_epochs"], p["lr_min"]
            out.append(Mistake("lr.cosine_forgot_half", T("Cosine annealing has the factor ½: ½(1 + cos(πt/T)).",
                                                           "余弦退火有系数 ½:½(1 + cos(πt/T))。"),
                               lo + (lr0 - lo) * (1 + math.cos(math.pi * t / total)), 1))
        elif s == "warmup":
            w = p["warmup_epochs"]
            if t < w:
                out.append(Mistake("lr.warmup_off_by_one", T("Epoch t of the warm-up uses (t + 1)/w.",
                                                              "预热第 t 个 epoch 用 (t + 1)/w。"), lr0 * t / w, 0))
        else:
            early = dict(p, patience=p["patience"] - 1)
            out.append(Mistake("lr.plateau_patience", T("The rate drops only after MORE than `patience` epochs "
                                                         "without improvement.", "要连续超过 patience 个 epoch 没有改善才降低。"),
                               lr_at(early) if p["patience"] >= 1 else math.nan, 0))
        return out


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
                    f"λ = {lam},学习率 η = {lr}。求正则化后的损失,以及一步权重衰减更新 w ← w − η(∂L/∂w + λw) 之后的 w。"
                    f"按 `penalized: …; w: […]` 作答。{decimals_clause(lang, decimals)}")
        return (f"The loss is L = {loss} with weights w = {w} and ∂L/∂w = {g}. With L2 regularisation (convention: "
                f"L' = L + (λ/2)Σw²), λ = {lam} and learning rate η = {lr}, give the penalised loss and w after one "
                f"weight-decay step w ← w − η(∂L/∂w + λw). Answer as `penalized: …; w: […]`. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        w, g = np.asarray(p["w"], dtype=float), np.asarray(p["grad"], dtype=float)
        lam, lr, loss = p["lam"], p["lr"], p["loss"]
        sq = float(np.sum(w * w))
        penalized = loss + lam / 2 * sq
        total = g + lam * w
        new = w - lr * total
        steps = [
            Step(T("Sum of squared weights", "权重平方和"), "Σ w²", " + ".join(f"{paren(v)}²" for v in p["w"]), sq),
            Step(T("Penalised loss", "正则化后的损失"), "L + (λ/2)·Σw²", f"{num(loss)} + {num(lam)}/2 × {num(sq)}",
                 penalized, decimals=6),
            Step(T("Gradient with the penalty", "加上惩罚项的梯度"), "∂L/∂w + λw",
                 ", ".join(f"{num(gv)} + {num(lam)}·{paren(wv)}" for gv, wv in zip(p["grad"], p["w"], strict=True)),
                 total.tolist(), decimals=6),
            Step(T("Weight-decay step", "权重衰减更新"), "w − η(∂L/∂w + λw)",
                 ", ".join(f"{num(wv)} − {num(lr)}·{paren(tv, 6)}" for wv, tv in zip(p["w"], total.tolist(),
                                                                                  strict=True)),
                 new.tolist(), T("The λw term shrinks every weight towards 0 at each step: weight decay.",
                                 "λw 这一项每一步都把权重往 0 拉:这就是权重衰减。"), decimals=6),
        ]
        return Solution({"penalized": penalized, "w": new.tolist()}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, g = np.asarray(p["w"], dtype=float), np.asarray(p["grad"], dtype=float)
        lam, lr, loss = p["lam"], p["lr"], p["loss"]
        sq = float(np.sum(w * w))
        right_w = (w - lr * (g + lam * w)).tolist()
        return [
            Mistake("l2.forgot_half", T("With this convention the penalty is (λ/2)Σw², not λΣw².",
                                        "按这里的约定,惩罚项是 (λ/2)Σw²,不是 λΣw²。"),
                    {"penalized": loss + lam * sq, "w": right_w}, 1),
            Mistake("l2.decay_sign", T("The penalty's gradient λw is added to ∂L/∂w, then the sum is subtracted.",
                                       "惩罚项的梯度 λw 要加到 ∂L/∂w 上,再整体减去。"),
                    {"penalized": loss + lam / 2 * sq, "w": (w - lr * (g - lam * w)).tolist()}, 2),
            Mistake("l2.half_in_gradient", T("The derivative of (λ/2)w² is λw, not (λ/2)w.",
                                             "(λ/2)w² 的导数是 λw,不是 (λ/2)w。"),
                    {"penalized": loss + lam / 2 * sq, "w": (w - lr * (g + lam / 2 * w)).tolist()}, 2),
        ]


OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def optimizer_update(p: dict[str, Any], bias_correction: bool = True, sqrt: bool = True,
                     sign: float = -1.0) -> dict[str, Any]:
    """One step of the optimiser in ``p``; the flags produce the usual mistakes."""
    opt, lr = p["optimizer"], p["lr"]
    w, g = np.asarray(p["w"], dtype=float), np.asarray(p["grad"], dtype=float)
    if opt == "sgd":
        return {"w": (w + sign * lr * g).tolist()}
    if opt == "momentum":
        v = p["beta"] * np.asarray(p["v"], dtype=float) + lr * g
        return {"v": v.tolist(), "w": (w + sign * v).tolist()}
    if opt == "rmsprop":
        s = p["rho"] * np.asarray(p["s"], dtype=float) + (1 - p["rho"]) * g * g
        root = np.sqrt(s) if sqrt else s
        return {"s": s.tolist(), "w": (w + sign * lr * g / (root + p["eps"])).tolist()}
    b1, b2, t = p["beta1"], p["beta2"], p["t"]
    m = b1 * np.asarray(p["m"], dtype=float) + (1 - b1) * g
    v = b2 * np.asarray(p["v"], dtype=float) + (1 - b2) * g * g
    m_hat = m / (1 - b1**t) if bias_correction else m
    v_hat = v / (1 - b2**t) if bias_correction else v
    root = np.sqrt(v_hat) if sqrt else v_hat
    return {"m": m.tolist(), "v": v.tolist(), "w": (w + sign * lr * m_hat / (root + p["eps"])).tolist()}


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
            rule, keys = (f"s ← ρ·s + (1 − ρ)·g², w ← w − η·g / (√s + ε); ρ = {num(p['rho'])}, ε = {p['eps']:g}, "
                          f"s = {vec(p['s'])}"), "s, w"
        else:
            rule, keys = (f"m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), "
                          f"w ← w − η·m̂/(√v̂ + ε); β₁ = {num(p['beta1'])}, β₂ = {num(p['beta2'], 3)}, "
                          f"ε = {p['eps']:g}, t = {p['t']}, m = {vec(p['m'])}, v = {vec(p['v'])}"), "m, v, w"
        form = "; ".join(f"{k}: […]" for k in keys.split(", "))
        if zh:
            return (f"用 {opt.upper() if opt != 'momentum' else '动量(Momentum)'} 更新权重 w = {w},梯度 g = {g},"
                    f"学习率 η = {lr}。规则:{rule}。求一步之后的 {keys}。按 `{form}` 作答。"
                    f"{decimals_clause(lang, decimals)}")
        return (f"One {opt} step (rule: {rule}) for weights w = {w}, gradient g = {g}, learning rate η = {lr}. "
                f"Give {keys} after the step. Answer as `{form}`. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        out = optimizer_update(p)
        opt, lr = p["optimizer"], num(p["lr"])
        g = p["grad"]
        steps: list[Step] = []
        if opt == "momentum":
            steps.append(Step(T("Velocity", "速度"), "v ← β·v + η·g",
                              ", ".join(f"{num(p['beta'])}·{paren(v)} + {lr}·{paren(gv)}" for v, gv in
                                        zip(p["v"], g, strict=True)), out["v"], decimals=6))
        elif opt == "rmsprop":
            steps.append(Step(T("Running average of g²", "g² 的滑动平均"), "s ← ρ·s + (1 − ρ)·g²",
                              ", ".join(f"{num(p['rho'])}·{num(s)} + {num(1 - p['rho'])}·{paren(gv)}²" for s, gv in
                                        zip(p["s"], g, strict=True)), out["s"], decimals=6))
        elif opt == "adam":
            b1, b2, t = p["beta1"], p["beta2"], p["t"]
            m, v = np.asarray(out["m"]), np.asarray(out["v"])
            steps += [
                Step(T("First moment (mean of g)", "一阶矩(g 的均值)"), "m ← β₁m + (1 − β₁)g",
                     ", ".join(f"{num(b1)}·{paren(mv)} + {num(1 - b1)}·{paren(gv)}" for mv, gv in
                               zip(p["m"], g, strict=True)), out["m"], decimals=6),
                Step(T("Second moment (mean of g²)", "二阶矩(g² 的均值)"), "v ← β₂v + (1 − β₂)g²",
                     ", ".join(f"{num(b2, 3)}·{num(vv, 6)} + {num(1 - b2, 3)}·{paren(gv)}²" for vv, gv in
                               zip(p["v"], g, strict=True)), out["v"], decimals=6),
                Step(T("Bias correction", "偏差修正"), "m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)",
                     f"1 − β₁^{t} = {num(1 - b1**t, 6)}, 1 − β₂^{t} = {num(1 - b2**t, 6)}",
                     [(m / (1 - b1**t)).tolist(), (v / (1 - b2**t)).tolist()], decimals=6,
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
                                               "下降的一步是逆着梯度走:要减去。"), optimizer_update(p, sign=1.0), None)]
        if opt == "adam":
            out.append(Mistake("opt.adam_no_bias_correction", T("Adam divides m and v by (1 − βᵗ) before the update.",
                                                                 "Adam 在更新前要把 m、v 除以 (1 − βᵗ)。"),
                               optimizer_update(p, bias_correction=False), 2))
        if opt in ("adam", "rmsprop"):
            out.append(Mistake("opt.forgot_sqrt", T("Divide by the square root of the running average of g².",
                                                     "要除以 g² 滑动平均的平方根。"), optimizer_update(p, sqrt=False), None))
        if opt == "momentum":
            plain = {"v": optimizer_update(p)["v"], "w": optimizer_update(dict(p, optimizer="sgd"))["w"]}
            out.append(Mistake("opt.momentum_ignored", T("With momentum the step is the new velocity v, not η·g.",
                                                          "带动量时,这一步走的是新的速度 v,不是 η·g。"), plain, 1))
        return out


MINIBATCH = Minibatch(
    name="minibatch",
    summary=T("Iterations per epoch and in total for mini-batch gradient descent.",
              "mini-batch 梯度下降每个 epoch 及总共的迭代次数。"),
    params=(Param("samples", "int", "training samples N"), Param("batch_size", "int", "mini-batch size B"),
            Param("epochs", "int", "epochs"),
            Param("drop_last", "bool", "drop an incomplete last batch", default=False)),
    knobs=(Knob("batch_size", "int", [32, 64, 100, 128, 256, 1000], "batch size"),
           Knob("full_batches", "int", {"min": 3, "max": 40}, "complete batches per epoch"),
           Knob("partial", "bool", [True, True, False], "whether a smaller last batch is left over"),
           Knob("remainder", "int", {"min": 1, "max": 99}, "samples in the last batch"),
           Knob("epochs", "int", [1, 5, 10, 20], "epochs"),
           Knob("drop_last", "bool", [False, False, True], "drop the incomplete batch")),
    exact=True,
)

LR_SCHEDULE = LrSchedule(
    name="lr_schedule",
    summary=T("The learning rate at an epoch under step, exponential, cosine, warm-up or plateau schedules.",
              "阶梯、指数、余弦、预热或按平台期调整的学习率计划在某个 epoch 的学习率。"),
    params=(Param("schedule", "choice", "step, exponential, cosine, warmup or plateau", choices=SCHEDULES),
            Param("lr0", "number", "initial learning rate"),
            Param("epoch", "int", "epoch t, from 0 (plateau: the number of losses)", default=0),
            Param("step_size", "int", "step: epochs between drops", default=5),
            Param("factor", "number", "step/plateau: multiplier at each drop", default=0.5),
            Param("gamma", "number", "exponential: multiplier per epoch", default=0.9),
            Param("total_epochs", "int", "cosine/warmup: epochs T", default=20),
            Param("lr_min", "number", "cosine: final rate", default=0.0),
            Param("warmup_epochs", "int", "warmup: warm-up epochs w", default=5),
            Param("val_losses", "vector", "plateau: validation loss of each epoch", default=None),
            Param("patience", "int", "plateau: epochs without improvement tolerated", default=2)),
    knobs=(Knob("schedule", "choice", list(SCHEDULES), "schedules to draw from", SCHEDULES),
           Knob("lr0", "number", [0.1, 0.01, 0.5, 1.0], "initial rate"),
           Knob("step_size", "int", [5, 10, 20], "step size"), Knob("factor", "number", [0.5, 0.1], "drop factor"),
           Knob("gamma", "number", [0.9, 0.95, 0.5], "exponential decay"),
           Knob("total_epochs", "int", [10, 20, 50, 100], "T"), Knob("warmup_epochs", "int", [2, 4, 5], "w"),
           Knob("patience", "int", [1, 2, 3], "plateau patience")),
    decimals=6,
)

L2_REGULARIZATION = L2Regularization(
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

OPTIMIZER_STEP = OptimizerStep(
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
            Param("beta1", "number", "adam β₁", default=0.9), Param("beta2", "number", "adam β₂", default=0.999),
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

KINDS_TRAINING_MATH = (MINIBATCH, LR_SCHEDULE, L2_REGULARIZATION, OPTIMIZER_STEP)
