"""minibatch: the parameter updates per epoch and in total when a training set is split into
mini-batches, with an incomplete last batch kept or dropped."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import at_least_one
from studyapp.core.kinds.wording import T, epochs, exact_clause
from studyapp.core.steps import Step


class Minibatch(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        batch = k.int("batch_size")
        full = k.int("full_batches")
        rest = k.int("remainder") if k.pick("partial") else 0
        return {"samples": full * batch + min(rest, batch - 1), "batch_size": batch,
                "epochs": k.int("epochs"), "drop_last": bool(k.pick("drop_last"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        return at_least_one(p, ("samples", "batch_size", "epochs"))

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        n, b, e = p["samples"], p["batch_size"], p["epochs"]
        if lang == "zh":
            last = ("不足一个 batch 的最后一批丢弃" if p["drop_last"]
                    else "最后不足一个 batch 的样本也组成一批")
            return (f"训练集有 {n:,} 个样本,batch 大小为 {b:,},训练 {e} 个 epoch({last})。每个 epoch 做"
                    f"多少次参数更新(iteration)?总共多少次?按“per_epoch: …; total: …”作答。"
                    f"{exact_clause(lang)}")
        last = "an incomplete last batch is dropped" if p["drop_last"] else "a last, smaller batch is kept"
        return (f"A training set of {n:,} samples is split into mini-batches of {b:,} and trained for "
                f"{epochs(e)} ({last}). How many parameter updates (iterations) are there per epoch, and in "
                f"total? Answer as “per_epoch: …; total: …”. {exact_clause(lang)}")

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
                               T("The last, smaller batch is an update too: round up.",
                                 "最后较小的 batch 也是一次更新:要向上取整。"),
                               {"per_epoch": full, "total": full * e}, 1))
            whole = math.ceil(n * e / b)
            if whole != (full + 1) * e:
                out.append(Mistake("minibatch.batches_across_epochs",
                                   T("Batches do not run across epochs: each epoch ends with its own last "
                                     "batch.",
                                     "batch 不跨 epoch:每个 epoch 都以自己最后的一批结束。"),
                                   {"per_epoch": full + 1, "total": whole}, 2))
        if n % b and drop:
            out.append(Mistake("minibatch.kept_dropped_batch",
                               T("The incomplete last batch is dropped: round down.",
                                 "不完整的最后一批被丢弃:要向下取整。"),
                               {"per_epoch": full + 1, "total": (full + 1) * e}, 1))
        return out


KIND = Minibatch(
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
           Knob("epochs", "int", [1, 2, 3, 5, 10, 20, 50, 100], "epochs"),
           Knob("drop_last", "bool", [False, False, True], "drop the incomplete batch")),
    exact=True,
)
