"""perceptron: a perceptron's weighted sum and its 0/1 output, against a threshold or with a bias.

Comparisons with the threshold treat values within 1e-9 (relative) of it as equal
(``nnmath.compare``), so that 0.1 + 0.2 ties with 0.3 as it does on paper: a tie gives
output 0 (the rule is strictly greater).
"""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Edge, Network, Node
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.net_figures import BIAS_LABEL, numbered
from studyapp.core.kinds.nnmath import compare, floats
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, vec
from studyapp.core.steps import Step

THRESHOLD_CAPTION = T("Inputs vote with their weights; y = 1 if the sum beats the threshold",
                      "各输入按权重投票;加权和大于阈值时 y = 1")
BIAS_CAPTION = T("Inputs vote with their weights, +1 with the bias; y = 1 if z > 0",
                 "各输入按权重投票,+1 单元带偏置;z > 0 时 y = 1")


def _figure(caption: Text, x: list[float], w: list[float], bias: float | None, out: int) -> Network:
    """The unit: inputs (and the "+1" unit whose weight is the bias), one edge each, the 0/1
    output last."""
    n = len(x) + (bias is not None)
    nodes = [Node(label, 0, v) for label, v in zip(numbered("x", len(x), True), x, strict=True)]
    edges = [Edge(i, n, v) for i, v in enumerate(w)]
    if bias is not None:
        nodes.append(Node(BIAS_LABEL, 0, 1.0))
        edges.append(Edge(n - 1, n, bias))
    nodes.append(Node("y", 1, float(out)))
    return Network(caption, nodes, edges)


def _signed_sum(values: list[float], decimals: int = 4) -> str:
    """``4 + 3 − 6``: a sum of terms as written by hand."""
    out = num(values[0], decimals)
    for v in values[1:]:
        text = num(v, decimals)
        out += f" − {text[1:]}" if text[0] == "-" else f" + {text}"
    return out


class Perceptron(Kind):
    """Output 1 if Σ wᵢxᵢ > threshold (equivalently w·x + b > 0 with b = −threshold), else 0."""

    def generate(self, k: Knobs) -> dict[str, Any]:
        n = k.int("inputs")
        x = k.values("x", (n,))
        w = k.values("weights", (n,), avoid_zero=True)
        s = sum([a * b for a, b in zip(x, w, strict=True)])
        t = s if k.pick("tie") else k.pick("threshold")
        if isinstance(s, float) or isinstance(t, float):
            t = round(float(t), 10)
        p: dict[str, Any] = {"x": x, "w": w}
        if k.pick("form") == "bias":
            p["bias"] = 0.0 - float(t)  # 0.0 − 0.0 is +0.0: no "-0.0" in the JSON
        else:
            p["threshold"] = float(t)
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if len(p["w"]) != len(p["x"]):
            errors.append(f"w must have one weight per input: {len(p['x'])} values (got {len(p['w'])})")
        if (p["threshold"] is None) == (p["bias"] is None):
            errors.append("give exactly one of threshold (output 1 if Σ wᵢxᵢ > threshold) and bias "
                          "(output 1 if w·x + b > 0, b = −threshold)"
                          + ("; both were given" if p["threshold"] is not None else ""))
        return errors

    @staticmethod
    def _parts(p: dict[str, Any]) -> tuple[list[float], list[float], list[float], float]:
        x, w = floats(p["x"]), floats(p["w"])
        prods = [a * b for a, b in zip(x, w, strict=True)]
        return x, w, prods, math.fsum(prods)

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, w = vec(p["x"]), vec(p["w"])
        if p.get("bias") is None:
            t = num(p["threshold"])
            if lang == "zh":
                return (f"一个感知机的输入为 x = {x},权重为 w = {w},阈值为 {t}:"
                        f"Σ wᵢxᵢ > 阈值时输出 1,否则(Σ wᵢxᵢ ≤ 阈值)输出 0。求加权和与输出。"
                        f"按“sum: …; output: …”作答(output 为 0 或 1)。{decimals_clause(lang, decimals)}")
            return (f"A perceptron has inputs x = {x}, weights w = {w} and threshold {t}: it outputs 1 "
                    f"if Σ wᵢxᵢ > threshold and 0 otherwise (Σ wᵢxᵢ ≤ threshold). Give the weighted sum "
                    f"and the output. Answer as “sum: …; output: …” (output 0 or 1). "
                    f"{decimals_clause(lang, decimals)}")
        b = num(p["bias"])
        if lang == "zh":
            return (f"一个感知机的输入为 x = {x},权重为 w = {w},偏置 b = {b}:w·x + b > 0 时输出 1,"
                    f"否则输出 0。求 z = w·x + b 与输出。按“z: …; output: …”作答(output 为 0 或 1)。"
                    f"{decimals_clause(lang, decimals)}")
        return (f"A perceptron has inputs x = {x}, weights w = {w} and bias b = {b}: it outputs 1 if "
                f"w·x + b > 0 and 0 otherwise. Give z = w·x + b and the output. Answer as "
                f"“z: …; output: …” (output 0 or 1). {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        x, w, prods, s = self._parts(p)
        terms = " + ".join([f"{paren(a)} × {paren(b)}" for a, b in zip(x, w, strict=True)])
        steps = [Step(T("Weighted sum: each input votes with its weight", "加权和:每个输入按其权重投票"),
                      "Σᵢ wᵢxᵢ", f"{terms} = {_signed_sum(prods)}", s)]
        if p.get("bias") is None:
            t = float(p["threshold"])
            c = compare(s, t)
            out = int(c > 0)
            rel = {1: ">", 0: "=", -1: "<"}[c]
            note = None
            if c == 0:
                note = T("A tie: the sum must be strictly greater than the threshold, so the output is 0",
                         "恰好相等:加权和必须严格大于阈值才输出 1,所以输出 0")
            steps.append(Step(T("Compare with the threshold", "与阈值比较"),
                              "output = 1 if Σᵢ wᵢxᵢ > threshold, 0 if Σᵢ wᵢxᵢ ≤ threshold",
                              f"{num(s)} {rel} {num(t)}", out, note,
                              figure=_figure(THRESHOLD_CAPTION, x, w, None, out)))
            return Solution({"sum": s, "output": out}, steps)
        b = float(p["bias"])
        z = s + b
        steps.append(Step(T("Add the bias", "加上偏置"), "z = w·x + b", f"{num(s)} + {paren(b)}", z,
                          T("b = −threshold: w·x + b > 0 is the same test as Σ wᵢxᵢ > −b",
                            "b = −阈值:w·x + b > 0 与 Σ wᵢxᵢ > −b 是同一个判断")))
        c = compare(z, 0.0)
        out = int(c > 0)
        note = None
        if c == 0:
            note = T("z = 0 is not greater than 0, so the output is 0", "z = 0 并不大于 0,所以输出 0")
        steps.append(Step(T("Step function at 0", "在 0 处取阶跃"), "output = 1 if z > 0, 0 if z ≤ 0",
                          f"{num(z)} {({1: '>', 0: '=', -1: '<'})[c]} 0", out, note,
                          figure=_figure(BIAS_CAPTION, x, w, b, out)))
        return Solution({"z": z, "output": out}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x, w, prods, s = self._parts(p)
        unsigned = math.fsum(abs(v) for v in prods)
        if p.get("bias") is None:
            t = float(p["threshold"])
            last = 1
            return [
                Mistake("perceptron.fired_at_threshold",
                        T("The perceptron fires only if the sum is strictly greater than the threshold; "
                          "a sum equal to it gives 0.",
                          "只有加权和严格大于阈值时才输出 1;等于阈值时输出 0。"),
                        {"sum": s, "output": int(compare(s, t) >= 0)}, last),
                Mistake("perceptron.bias_sign",
                        T("The bias is b = −threshold: Σ wᵢxᵢ > threshold means Σ wᵢxᵢ − threshold > 0, "
                          "not Σ wᵢxᵢ + threshold > 0.",
                          "偏置 b = −阈值:Σ wᵢxᵢ > 阈值 即 Σ wᵢxᵢ − 阈值 > 0,而不是 Σ wᵢxᵢ + 阈值 > 0。"),
                        {"sum": s, "output": int(compare(s + t, 0.0) > 0)}, last),
                Mistake("perceptron.sum_as_output",
                        T("The output is 0 or 1; the weighted sum is only compared with the threshold.",
                          "输出只能是 0 或 1;加权和只是用来与阈值比较的。"),
                        {"sum": s, "output": s}, last),
                Mistake("perceptron.dropped_minus",
                        T("A negative input or weight makes its product negative: keep the minus signs.",
                          "负的输入或权重使乘积为负:别丢掉负号。"),
                        {"sum": unsigned, "output": int(compare(unsigned, t) > 0)}, 0),
            ]
        b = float(p["bias"])
        z = s + b
        wrong = s - b
        return [
            Mistake("perceptron.fired_at_threshold",
                    T("The perceptron fires only if w·x + b is strictly greater than 0; z = 0 gives 0.",
                      "只有 w·x + b 严格大于 0 时才输出 1;z = 0 时输出 0。"),
                    {"z": z, "output": int(compare(z, 0.0) >= 0)}, 2),
            Mistake("perceptron.bias_sign",
                    T("Add the bias: z = w·x + b. Comparing w·x with b treats b as the threshold, "
                      "but b = −threshold.",
                      "要加上偏置:z = w·x + b。拿 w·x 与 b 比较是把 b 当成了阈值,而 b = −阈值。"),
                    {"z": wrong, "output": int(compare(wrong, 0.0) > 0)}, 1),
            Mistake("perceptron.forgot_bias",
                    T("z = w·x + b: the bias is missing.", "z = w·x + b:漏了偏置。"),
                    {"z": s, "output": int(compare(s, 0.0) > 0)}, 1),
            Mistake("perceptron.sum_as_output",
                    T("The output is 0 or 1; z only decides which.", "输出只能是 0 或 1;z 只决定取哪一个。"),
                    {"z": z, "output": z}, 2),
            Mistake("perceptron.dropped_minus",
                    T("A negative input or weight makes its product negative: keep the minus signs.",
                      "负的输入或权重使乘积为负:别丢掉负号。"),
                    {"z": unsigned + b, "output": int(compare(unsigned + b, 0.0) > 0)}, 0),
        ]


KIND = Perceptron(
    name="perceptron",
    summary=T("A perceptron's weighted sum and its 0/1 output against a threshold or with a bias.",
              "感知机的加权和,以及与阈值比较(或加上偏置)后的 0/1 输出。"),
    params=(
        Param("x", "vector", "the inputs xᵢ (e.g. the judges' scores)"),
        Param("w", "vector", "the weights wᵢ, one per input"),
        Param("threshold", "number", "output 1 if Σ wᵢxᵢ > threshold, else 0 (give this or bias)",
              default=None),
        Param("bias", "number", "output 1 if w·x + b > 0, else 0; b = −threshold (give this or threshold)",
              default=None),
    ),
    knobs=(
        Knob("inputs", "int", {"min": 2, "max": 4}, "number of inputs"),
        Knob("x", "number", {"min": -3, "max": 5, "step": 0.5}, "input values"),
        Knob("weights", "number", {"min": -3, "max": 3}, "weights (never 0)"),
        Knob("threshold", "number", {"min": -2, "max": 5}, "threshold (the bias is its negative)"),
        Knob("form", "choice", ["threshold", "bias"], "ask with a threshold or with a bias",
             ("threshold", "bias")),
        Knob("tie", "bool", [False, False, False, True],
             "make the weighted sum equal the threshold (where > and ≥ differ)"),
    ),
    decimals=2,
    figures=("network",),
)
