"""center_loss: the center loss of a mini-batch, L_C = ½Σ‖xᵢ − c_yᵢ‖², its gradient and the
centre updates Δc_j (Wen et al. 2016).

The numbers are few and small, so the solver works on Python floats (IEEE float64, as
NumPy's float64) instead of paying NumPy's per-call overhead.
"""

from __future__ import annotations

from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import shape_text
from studyapp.core.kinds.nnmath import all_finite
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, sub, vec
from studyapp.core.steps import Step

Rows = list[list[float]]


def center_loss_parts(p: dict[str, Any]) -> tuple[Rows, list[float], list[int], Rows]:
    """(x_i − c_{y_i}, their squared norms, n_j, Σ_{i: y_i = j}(c_j − x_i))."""
    X, C = p["features"], p["centers"]
    labels = [int(v) for v in p["labels"]]
    diff = [[a - b for a, b in zip(row, C[y], strict=True)] for row, y in zip(X, labels, strict=True)]
    sq = [sum([v * v for v in row]) for row in diff]
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
            errors.append(f"centers must have {d} columns like the features, got {shape_text(p['centers'])}")
        if len(p["labels"]) != m:
            errors.append(f"labels must have {m} entries, one per feature row, got {len(p['labels'])}")
        bad = [num(v) for v in p["labels"] if not (float(v).is_integer() and 0 <= v < c)]
        if bad:
            errors.append(f"every label must be a class index from 0 to {c - 1} (one per row of centers); "
                          f"got {', '.join(bad)}")
        if not errors and not all_finite(0.5 * sum(center_loss_parts(p)[1])):
            errors.append("the squared distances overflow a float: use smaller values")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        labels = [int(v) for v in p["labels"]]
        feats = ", ".join([f"x{sub(i + 1)} = {vec(row)}" for i, row in enumerate(p["features"])])
        cents = ", ".join([f"c{sub(j)} = {vec(row)}" for j, row in enumerate(p["centers"])])
        ys = vec(labels)
        if lang == "zh":
            return (f"一个 mini-batch 的特征为 {feats},类别标签 y = {ys}(从 0 开始),各类的特征中心为 "
                    f"{cents}。求 center loss L_C = ½Σᵢ‖xᵢ − c_yᵢ‖²、它对每个 xᵢ 的梯度(每行一个样本),"
                    f"以及中心的更新量 Δc_j = Σ_{{i: yᵢ = j}}(c_j − xᵢ) / (1 + n_j),每行对应一个类别。"
                    f"按“loss: …; grad: [[…]]; delta_c: [[…]]”作答。{decimals_clause(lang, decimals)}")
        return (f"A mini-batch has the features {feats} with class labels y = {ys} (counting from 0); "
                f"the class centres are {cents}. Compute the center loss L_C = ½Σᵢ‖xᵢ − c_yᵢ‖², its gradient "
                f"with respect to each xᵢ (one row per sample), and the centre updates "
                f"Δc_j = Σ_{{i: yᵢ = j}}(c_j − xᵢ) / (1 + n_j) (one row per class). Answer as "
                f"“loss: …; grad: [[…]]; delta_c: [[…]]”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        X, C = p["features"], p["centers"]
        labels = [int(v) for v in p["labels"]]
        diff, sq, counts, sums = center_loss_parts(p)
        loss = 0.5 * sum(sq)
        delta = [[s / (1 + n) for s in row] for row, n in zip(sums, counts, strict=True)]
        dv = [vec(row) for row in diff]
        lines_d = [f"x{sub(i + 1)} − c{sub(y)} = {vec(X[i])} − {vec(C[y])} = {dv[i]}"
                   for i, y in enumerate(labels)]
        lines_s = [f"‖x{sub(i + 1)} − c{sub(y)}‖² = " + " + ".join([f"{paren(v)}²" for v in diff[i]])
                   + f" = {num(sq[i])}" for i, y in enumerate(labels)]
        lines_c, lines_dc = [], []
        for j, n in enumerate(counts):
            members = [i for i, y in enumerate(labels) if y == j]
            terms = " + ".join([f"(c{sub(j)} − x{sub(i + 1)})" for i in members]) or "0"
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
                 f"½ × ({' + '.join([num(v) for v in sq])})", loss),
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


KIND = CenterLoss(
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
