"""lr_schedule: the learning rate at an epoch under a step, exponential, cosine, warm-up or
reduce-on-plateau schedule."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import T, decimals_clause, epochs
from studyapp.core.numfmt import num, paren, vec
from studyapp.core.steps import Step

SCHEDULES = ("step", "exponential", "cosine", "warmup", "plateau")


def lr_at(p: dict[str, Any]) -> float:
    """The learning rate of the schedule in ``p`` at ``p['epoch']`` (0-based epochs)."""
    s = p["schedule"]
    lr0: float = p["lr0"]
    t: int = p["epoch"]
    if s == "step":
        factor: float = p["factor"]
        step_size: int = p["step_size"]
        return lr0 * factor ** (t // step_size)
    if s == "exponential":
        gamma: float = p["gamma"]
        return lr0 * gamma ** t
    if s == "cosine":
        lr_min: float = p["lr_min"]
        return lr_min + 0.5 * (lr0 - lr_min) * (1 + math.cos(math.pi * t / p["total_epochs"]))
    if s == "warmup":
        w: int = p["warmup_epochs"]
        total: int = p["total_epochs"]
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
            # not epoch T: there the rate is lr_min (here 0) by definition, nothing to compute
            p |= {"total_epochs": total, "lr_min": 0.0, "epoch": k.below(total)}
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
                    f"multiplied by {num(p['factor'])} every {epochs(p['step_size'])} (step decay)")
        elif s == "exponential":
            rule = f"每个 epoch 乘以 γ = {num(p['gamma'])}(指数衰减)" if zh else \
                f"multiplied by γ = {num(p['gamma'])} every epoch (exponential decay)"
        elif s == "cosine":
            rule = (f"按余弦退火在 T = {p['total_epochs']} 个 epoch 内从 lr0 降到 "
                    f"{num(p['lr_min'])}" if zh else
                    f"cosine-annealed from lr0 to {num(p['lr_min'])} over T = {epochs(p['total_epochs'])}")
        elif s == "warmup":
            w, total = p["warmup_epochs"], p["total_epochs"]
            rule = (f"前 {w} 个 epoch 线性预热:lr0·(t+1)/{w};之后线性下降,在第 {total} 个 epoch 降到 0:"
                    f"lr0·({total} − t)/({total} − {w})" if zh else
                    f"warmed up linearly for {epochs(w)}, lr0·(t+1)/{w}, then decayed linearly to 0 at epoch "
                    f"{total}: lr0·({total} − t)/({total} − {w})")
        else:
            rule = (f"按验证损失调整(reduce-on-plateau):连续超过 {p['patience']} 个 epoch 没有下降就乘以 "
                    f"{num(p['factor'])},然后重新计数;各 epoch 的验证损失为 {vec(p['val_losses'])}" if zh else
                    f"reduced on plateau: multiplied by {num(p['factor'])} when the validation loss has "
                    f"not improved for more than {epochs(p['patience'])}, then the count restarts; the "
                    f"validation losses were {vec(p['val_losses'])}")
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
            steps = [Step(T("Learning rate", "学习率"), "lr0 · γ^t", f"{num(lr0)} × {num(p['gamma'])}^{t}",
                          lr, decimals=6)]
        elif s == "cosine":
            total = p["total_epochs"]
            c = math.cos(math.pi * t / total)
            steps = [Step(T("Cosine of the progress", "进度的余弦"), "cos(π·t/T)", f"cos(π·{t}/{total})", c,
                          decimals=6),
                     Step(T("Learning rate", "学习率"), "lr_min + ½(lr0 − lr_min)(1 + cos(π·t/T))",
                          f"{num(p['lr_min'])} + ½ × ({num(lr0)} − {num(p['lr_min'])}) × (1 + {paren(c, 6)})",
                          lr, decimals=6)]
        elif s == "warmup":
            w, total = p["warmup_epochs"], p["total_epochs"]
            if t < w:
                steps = [Step(T("Still warming up (t < warm-up epochs)", "仍在预热阶段(t < 预热 epoch 数)"),
                              "lr0 · (t + 1) / w", f"{num(lr0)} × ({t} + 1) / {w}", lr, decimals=6)]
            else:
                steps = [Step(T("Past the warm-up: linear decay", "预热结束:线性衰减"),
                              "lr0 · (T − t) / (T − w)", f"{num(lr0)} × ({total} − {t}) / ({total} − {w})",
                              lr, decimals=6)]
        else:
            steps, cur, best, waited = [], lr0, math.inf, 0
            for epoch, loss in enumerate(p["val_losses"]):
                if loss < best:
                    best, waited = loss, 0
                    work = f"{num(loss)} is a new best: the count restarts"
                else:
                    waited += 1
                    work = f"{num(loss)} ≥ best {num(best)}: {epochs(waited)} without improvement"
                    if waited > p["patience"]:
                        cur, waited = cur * p["factor"], 0
                        work += f" > {p['patience']}: lr × {num(p['factor'])}"
                steps.append(Step(T(f"Epoch {epoch}", f"第 {epoch} 个 epoch"), "", work, cur, decimals=6))
        return Solution(lr, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        s, lr0, t = p["schedule"], p["lr0"], p["epoch"]
        out = [Mistake("lr.unchanged", T("The schedule has changed the rate by now.",
                                         "此时学习率已经被调整过了。"), lr0, 0)]
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
            out.append(Mistake("lr.cosine_forgot_half",
                               T("Cosine annealing has the factor ½: ½(1 + cos(πt/T)).",
                                 "余弦退火有系数 ½:½(1 + cos(πt/T))。"),
                               lo + (lr0 - lo) * (1 + math.cos(math.pi * t / total)), 1))
        elif s == "warmup":
            w = p["warmup_epochs"]
            if t < w:
                out.append(Mistake("lr.warmup_off_by_one", T("Epoch t of the warm-up uses (t + 1)/w.",
                                                              "预热第 t 个 epoch 用 (t + 1)/w。"),
                                   lr0 * t / w, 0))
        else:
            early = dict(p, patience=p["patience"] - 1)
            out.append(Mistake("lr.plateau_patience",
                               T("The rate drops only after MORE than “patience” epochs without improvement.",
                                 "要连续超过 patience 个 epoch 没有改善才降低。"),
                               lr_at(early) if p["patience"] >= 1 else math.nan, 0))
        return out


KIND = LrSchedule(
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
           Knob("step_size", "int", [5, 10, 20], "step size"),
           Knob("factor", "number", [0.5, 0.1], "drop factor"),
           Knob("gamma", "number", [0.9, 0.95, 0.5], "exponential decay"),
           Knob("total_epochs", "int", [10, 20, 50, 100], "T"), Knob("warmup_epochs", "int", [2, 4, 5], "w"),
           Knob("patience", "int", [1, 2, 3], "plateau patience")),
    decimals=6,
)
