"""maxout: the output of a maxout unit, maxᵢ(wᵢᵀx + bᵢ), and the piece that attains it."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import magnitude_errors, plural
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, sub, vec
from studyapp.core.steps import Step

TIE = 1e-9  # relative gap below which two maxout pieces count as tied


# The usual mistakes, one entry per tag (tags are stable: progress records refer to them).
MESSAGES = {
    "maxout.max_over_inputs": T("Maxout takes the max over the affine pieces wᵢᵀx + bᵢ, not over the inputs x.", "maxout 在仿射片段 wᵢᵀx + bᵢ 之间取最大,而不是在输入 x 之间取。"),  # noqa: E501
    "maxout.forgot_bias": T("Each piece adds its bias: zᵢ = wᵢᵀx + bᵢ.", "每个片段都要加上偏置:zᵢ = wᵢᵀx + bᵢ。"),  # noqa: E501
    "maxout.min_for_max": T("Maxout keeps the largest piece, not the smallest.", "maxout 取最大的片段,不是最小的。"),  # noqa: E501
    "maxout.one_based_piece": T("Pieces are numbered from 0: the first piece is 0.", "片段从 0 开始编号:第一个片段是 0。"),  # noqa: E501
}


def _mistake(tag: str, answer: Any, step: int) -> Mistake:
    return Mistake(tag, MESSAGES[tag], answer, step)


def maxout_pieces(w: list[list[float]], b: list[float], x: list[float]) -> list[float]:
    """zᵢ = wᵢᵀx + bᵢ in plain Python: faster than NumPy for a handful of numbers."""
    return [math.fsum([wi * xi for wi, xi in zip(row, x, strict=True)]) + bi
            for row, bi in zip(w, b, strict=True)]


def _tied(z: list[float]) -> tuple[int, int] | None:
    """The first two pieces that tie at the maximum, if any."""
    top = max(z)
    winners = [i for i, v in enumerate(z) if top - v <= TIE * max(1.0, abs(top))]
    return (winners[0], winners[1]) if len(winners) > 1 else None


class Maxout(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        pieces, n = k.int("pieces"), k.int("inputs")
        w: list[list[Any]] = []
        b: list[Any] = []
        x: list[Any] = []
        for _ in range(50):
            w = k.values("weights", (pieces, n), avoid_zero=True)
            b = k.values("biases", (pieces,))
            x = k.values("x", (n,), avoid_zero=True)
            z = maxout_pieces(w, b, x)
            if _tied(z) is None and max(z) != 0:  # an output of 0 is no calculation to check
                break
        else:  # a tie or a 0 every time (knobs with one value): raise the first winner's bias
            z = maxout_pieces(w, b, x)
            b[z.index(max(z))] += 1
        return {"W": w, "b": b, "x": x}

    def check(self, p: dict[str, Any]) -> list[str]:
        w, b, x = p["W"], p["b"], p["x"]
        errors = []
        if len(w) < 2:
            errors.append(f"W needs at least 2 rows (one per affine piece; got {len(w)}): "
                          "maxout takes the largest of several pieces")
        if len(b) != len(w):
            errors.append(f"b has {plural(len(b), 'entry')} but W has {plural(len(w), 'row')}; "
                          "give one bias per piece")
        if len(x) != len(w[0]):
            errors.append(f"x has {plural(len(x), 'entry')} but the rows of W have {len(w[0])}; "
                          "they must match")
        errors += magnitude_errors("W", [v for row in w for v in row])
        errors += magnitude_errors("b", b) + magnitude_errors("x", x)
        if not errors:
            tie = _tied(maxout_pieces(w, b, x))
            if tie:
                errors.append(f"pieces {tie[0]} and {tie[1]} tie at the maximum: the winning piece "
                              "is not defined (choose values where one piece is largest)")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        w, b = p["W"], p["b"]
        pieces = ", ".join([f"w{sub(i)} = {vec(row)}, b{sub(i)} = {num(bi)}"
                           for i, (row, bi) in enumerate(zip(w, b, strict=True))])
        x = vec(p["x"])
        if lang == "zh":
            return (f"一个 maxout 单元有 {len(w)} 个仿射片段 zᵢ = wᵢᵀx + bᵢ:{pieces}。"
                    f"输入 x = {x}。求输出 maxᵢ zᵢ,以及取得最大值的片段编号(从 0 开始)。"
                    f"按“output: …; piece: …”作答。{decimals_clause(lang, decimals)}")
        return (f"A maxout unit has {len(w)} affine pieces zᵢ = wᵢᵀx + bᵢ: {pieces}. The input is "
                f"x = {x}. Give its output maxᵢ zᵢ and the index of the piece that attains it "
                f"(counting from 0). Answer as “output: …; piece: …”. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        w, b, x = p["W"], p["b"], p["x"]
        z = maxout_pieces(w, b, x)
        out = max(z)
        piece = z.index(out)
        xs = [paren(v) for v in x]
        lines = [f"z{sub(i)} = " + " + ".join([f"{paren(wi)}·{xv}" for wi, xv in zip(row, xs, strict=True)])
                 + f" + {paren(bi)} = {num(zi, 6)}"
                 for i, (row, bi, zi) in enumerate(zip(w, b, z, strict=True))]
        steps = [
            Step(T("Pre-activation of each affine piece", "每个仿射片段的值"), "zᵢ = wᵢᵀx + bᵢ",
                 "\n".join(lines), z, decimals=6),
            Step(T("The output is the largest piece", "输出取各片段的最大值"), "maxout(x) = maxᵢ zᵢ",
                 f"max({', '.join([num(v, 6) for v in z])})", out, decimals=6,
                 note=T("The max runs over the pieces zᵢ, not over the inputs xⱼ",
                        "最大值是在各片段 zᵢ 之间取,而不是在输入 xⱼ 之间取")),
            Step(T("Index of the winning piece (from 0)", "取得最大值的片段编号(从 0 开始)"),
                 "argmaxᵢ zᵢ", f"z{sub(piece)} = {num(out, 6)} = maxᵢ zᵢ", piece,
                 note=T("Only the winning piece's wᵢ and bᵢ receive a gradient in backprop. "
                        "ReLU is maxout with the pieces (w, b) and (0, 0)",
                        "反向传播时只有胜出片段的 wᵢ、bᵢ 得到梯度。ReLU 就是片段为 (w, b) 与 (0, 0) "
                        "的 maxout")),
        ]
        return Solution({"output": out, "piece": piece}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, b, x = p["W"], p["b"], p["x"]
        z = maxout_pieces(w, b, x)
        out = max(z)
        piece = z.index(out)
        no_bias = maxout_pieces(w, [0.0] * len(b), x)
        return [
            _mistake("maxout.max_over_inputs", {"output": max(x), "piece": x.index(max(x))}, 1),
            _mistake("maxout.forgot_bias", {"output": max(no_bias), "piece": no_bias.index(max(no_bias))}, 0),
            _mistake("maxout.min_for_max", {"output": min(z), "piece": z.index(min(z))}, 1),
            _mistake("maxout.one_based_piece", {"output": out, "piece": piece + 1}, 2),
        ]


KIND = Maxout(
    name="maxout",
    summary=T("The output of a maxout unit, max(w₁ᵀx + b₁, w₂ᵀx + b₂, …), and its winning piece.",
              "maxout 单元的输出 max(w₁ᵀx + b₁, w₂ᵀx + b₂, …) 及胜出的片段。"),
    params=(
        Param("W", "matrix", "one row wᵢ per affine piece (pieces × inputs)"),
        Param("b", "vector", "one bias bᵢ per piece"),
        Param("x", "vector", "the input"),
    ),
    knobs=(
        Knob("pieces", "int", {"min": 2, "max": 4}, "number of affine pieces"),
        Knob("inputs", "int", {"min": 2, "max": 3}, "length of x"),
        Knob("weights", "number", {"min": -3, "max": 3}, "entries of W (never 0)"),
        Knob("biases", "number", {"min": -3, "max": 3, "step": 0.25}, "the biases"),
        Knob("x", "number", {"min": -2, "max": 3, "step": 0.5}, "entries of x (never 0)"),
    ),
)
