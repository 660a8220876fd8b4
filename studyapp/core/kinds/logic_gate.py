"""logic_gate: the truth table of a perceptron with two binary inputs, and so the gate it computes.

A single threshold unit computes 14 of the 16 gates (never XOR or XNOR). As in ``perceptron``, a
net input within float rounding of 0 counts as 0 and gives output 0.
"""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.bilingual import Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Edge, Network, Node
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.knobs import step_places
from studyapp.core.kinds.net_figures import BIAS_LABEL, numbered
from studyapp.core.kinds.nnmath import compare, floats
from studyapp.core.kinds.wording import T
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

INPUT_PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))  # the order of every truth table


# Truth tables (outputs for 00, 01, 10, 11) of the 14 gates one perceptron can compute.
GATES: dict[str, tuple[tuple[int, ...], Text]] = {
    "and": ((0, 0, 0, 1), T("AND: 1 only when both inputs are 1", "与门(AND):两个输入都为 1 时才输出 1")),
    "or": ((0, 1, 1, 1), T("OR: 1 when at least one input is 1", "或门(OR):至少一个输入为 1 时输出 1")),
    "nand": ((1, 1, 1, 0), T("NAND: 0 only when both inputs are 1",
                             "与非门(NAND):两个输入都为 1 时才输出 0")),
    "nor": ((1, 0, 0, 0), T("NOR: 1 only when both inputs are 0", "或非门(NOR):两个输入都为 0 时才输出 1")),
    "x1": ((0, 0, 1, 1), T("x₁: copies the first input", "x₁:照抄第一个输入")),
    "x2": ((0, 1, 0, 1), T("x₂: copies the second input", "x₂:照抄第二个输入")),
    "not_x1": ((1, 1, 0, 0), T("NOT x₁: negates the first input", "非 x₁:对第一个输入取反")),
    "not_x2": ((1, 0, 1, 0), T("NOT x₂: negates the second input", "非 x₂:对第二个输入取反")),
    "x1_and_not_x2": ((0, 0, 1, 0), T("x₁ AND NOT x₂", "x₁ 与 非 x₂")),
    "not_x1_and_x2": ((0, 1, 0, 0), T("NOT x₁ AND x₂", "非 x₁ 与 x₂")),
    "x1_or_not_x2": ((1, 0, 1, 1), T("x₁ OR NOT x₂", "x₁ 或 非 x₂")),
    "not_x1_or_x2": ((1, 1, 0, 1), T("NOT x₁ OR x₂ (x₁ implies x₂)", "非 x₁ 或 x₂(x₁ 蕴含 x₂)")),
    "false": ((0, 0, 0, 0), T("constant 0: never fires", "恒为 0:从不激活")),
    "true": ((1, 1, 1, 1), T("constant 1: always fires", "恒为 1:总是激活")),
}
GATE_NAMES = {table: name for name, (table, _) in GATES.items()}
# One realisation of each gate, used when rejection sampling finds none with the knobs' values.
CANONICAL = {
    "and": ([1, 1], -1.5), "or": ([1, 1], -0.5), "nand": ([-2, -2], 3.0), "nor": ([-1, -1], 0.5),
    "x1": ([2, 1], -1.5), "x2": ([1, 2], -1.5), "not_x1": ([-2, 1], 0.5), "not_x2": ([1, -2], 0.5),
    "x1_and_not_x2": ([1, -1], -0.5), "not_x1_and_x2": ([-1, 1], -0.5),
    "x1_or_not_x2": ([1, -1], 0.5), "not_x1_or_x2": ([-1, 1], 0.5),
    "false": ([1, 1], -3.0), "true": ([1, 1], 1.0),
}


# The figure shows the unit at the pair whose z is nearest 0: the row the gate's boundary is
# closest to (where z is exactly 0 and the unit does not fire, when there is one).
CLOSEST_CAPTION = {pair: T(f"The unit at (x₁, x₂) = {pair}, the pair whose z is nearest 0",
                           f"单元在 (x₁, x₂) = {pair} 处,这一组的 z 最接近 0")
                   for pair in INPUT_PAIRS}


def _closest_figure(w: list[float], b: float, zs: list[float], out: list[int]) -> Network:
    """The unit x₁, x₂, +1 → y with w₁, w₂, b on its edges, fed the pair whose z is nearest 0,
    y its output (ties: the first pair in the table's order)."""
    k = min(range(len(zs)), key=lambda i: abs(zs[i]))
    pair = INPUT_PAIRS[k]
    inputs = [Node(label, 0, float(v)) for label, v in zip(numbered("x", 2, True), pair, strict=True)]
    nodes = [*inputs, Node(BIAS_LABEL, 0, 1.0), Node("y", 1, float(out[k]))]
    return Network(CLOSEST_CAPTION[pair], nodes, [Edge(0, 3, w[0]), Edge(1, 3, w[1]), Edge(2, 3, b)])


def _gate_z(w: list[float], b: float) -> list[float]:
    return [w[0] * a + w[1] * c + b for a, c in INPUT_PAIRS]


def _gate_table(w: list[float], b: float, fire_at_zero: bool = False) -> list[int]:
    limit = 0 if fire_at_zero else 1
    return [int(compare(z, 0.0) >= limit) for z in _gate_z(w, b)]


def _grid_pick(k: Knobs, name: str, lo: float, hi: float) -> Any:
    """A value of knob ``name`` in (lo, hi], drawn uniformly from its grid; None if it has none."""
    spec = k.spec(name)
    if isinstance(spec, dict):
        start, step = spec["min"], spec.get("step", 1)
        count = int(round((spec["max"] - start) / step)) + 1
        first = 0 if lo == -math.inf else max(0, math.floor((lo - start) / step + 1e-9) + 1)
        last = count - 1 if hi == math.inf else min(count - 1, math.floor((hi - start) / step + 1e-9))
        if first > last:
            return None
        return round(start + (first + k.below(last - first + 1)) * step, step_places(step))
    values = spec if isinstance(spec, list) else [spec]
    fits = [v for v in values if compare(v, lo) > 0 and compare(v, hi) <= 0]
    return fits[k.below(len(fits))] if fits else None


class LogicGate(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        w = k.values("weights", (2,), avoid_zero=True)
        b = k.pick("bias")
        if mode == "which_gate":
            gate = k.pick("gate")
            target = GATES[gate][0]
            for _ in range(200):
                # The gate's biases form the interval (max of −w·x where it fires, min where it does not].
                minus = [-(w[0] * a + w[1] * c) for a, c in INPUT_PAIRS]
                lo = max((m for m, o in zip(minus, target, strict=True) if o), default=-math.inf)
                hi = min((m for m, o in zip(minus, target, strict=True) if not o), default=math.inf)
                pick = _grid_pick(k, "bias", lo, hi) if lo < hi else None
                if pick is not None and tuple(_gate_table(w, pick)) == target:
                    b = pick
                    break
                w = k.values("weights", (2,), avoid_zero=True)
            else:
                w, b = CANONICAL[gate]
        else:
            for _ in range(30):  # a constant table (never or always firing) is a dull question
                if 0 < sum(_gate_table(w, b)) < 4:
                    break
                w = k.values("weights", (2,), avoid_zero=True)
                b = k.pick("bias")
        return {"w": w, "bias": float(b), "mode": mode}

    def check(self, p: dict[str, Any]) -> list[str]:
        if len(p["w"]) != 2:
            return [f"w must hold 2 weights, one per binary input x₁, x₂ (got {len(p['w'])})"]
        return []

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        w1, w2, b = num(p["w"][0]), num(p["w"][1]), num(p["bias"])
        if lang == "zh":
            head = (f"一个感知机的权重为 (w₁, w₂) = ({w1}, {w2}),偏置 b = {b}:w₁x₁ + w₂x₂ + b > 0 时输出 1,"
                    f"否则输出 0。")
            form = ("按输入 (x₁, x₂) = (0, 0)、(0, 1)、(1, 0)、(1, 1) 的顺序给出输出列表,"
                    "形如 [1, 0, 0, 1]。")
            if p["mode"] == "which_gate":
                return f"{head}它实现的是哪一种逻辑门?请用它的真值表作答:{form}每个输出为 0 或 1。"
            return f"{head}求它的真值表:{form}每个输出为 0 或 1。"
        head = (f"A perceptron has weights (w₁, w₂) = ({w1}, {w2}) and bias b = {b}: it outputs 1 if "
                f"w₁x₁ + w₂x₂ + b > 0 and 0 otherwise. ")
        form = ("list its outputs for the inputs (x₁, x₂) = (0, 0), (0, 1), (1, 0), (1, 1), in that "
                "order, e.g. [1, 0, 0, 1].")
        if p["mode"] == "which_gate":
            return (f"{head}Which logic gate does it compute? Answer with the gate's truth table: {form} "
                    "Each output is 0 or 1.")
        return f"{head}Give its truth table: {form} Each output is 0 or 1."

    def solve(self, p: dict[str, Any]) -> Solution:
        w, b = floats(p["w"]), float(p["bias"])
        zs = _gate_z(w, b)
        cs = [compare(z, 0.0) for z in zs]
        out = [int(c > 0) for c in cs]
        wf = [paren(v) for v in w]
        bf = paren(b)
        net = "\n".join([f"({a}, {c}): {a}·{wf[0]} + {c}·{wf[1]} + {bf} = {num(z)}"
                        for (a, c), z in zip(INPUT_PAIRS, zs, strict=True)])
        rel = {1: "> 0 → 1", 0: "= 0, not > 0 → 0", -1: "< 0 → 0"}
        fire = "\n".join([f"({a}, {c}): {num(z)} {rel[cc]}"
                         for (a, c), z, cc in zip(INPUT_PAIRS, zs, cs, strict=True)])
        note = None
        if 0 in cs:
            note = T("A net input of exactly 0 is not greater than 0: the output is 0 there",
                     "净输入恰好为 0 时不大于 0:该处输出 0")
        steps = [
            Step(T("Net input for each pair of binary inputs", "每组二值输入的净输入"),
                 "z = w₁x₁ + w₂x₂ + b", net, zs),
            Step(T("Step function: fire when z > 0", "阶跃函数:z > 0 时激活"),
                 "output = 1 if z > 0, 0 if z ≤ 0", fire, out, note,
                 figure=_closest_figure(w, b, zs, out)),
        ]
        name = GATE_NAMES.get(tuple(out))  # always found: a threshold unit is never XOR or XNOR
        if name is not None:
            gate = GATES[name][1]
            steps.append(Step(T(f"Read off the gate: {gate.en}", f"识别逻辑门:{gate.zh}"),
                              "outputs for (0, 0), (0, 1), (1, 0), (1, 1)", "", out))
        return Solution(out, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, b = floats(p["w"]), float(p["bias"])
        right = _gate_table(w, b)
        return [
            Mistake("gate.fired_at_zero",
                    T("The unit fires only if z > 0: where z is exactly 0 the output is 0.",
                      "只有 z > 0 时才激活:z 恰好为 0 时输出 0。"), _gate_table(w, b, fire_at_zero=True), 1),
            Mistake("gate.swapped_inputs",
                    T("(0, 1) means x₁ = 0 and x₂ = 1: the outputs for (0, 1) and (1, 0) are swapped.",
                      "(0, 1) 表示 x₁ = 0、x₂ = 1:(0, 1) 与 (1, 0) 的输出弄反了。"),
                    [right[0], right[2], right[1], right[3]], 0),
            Mistake("gate.bias_sign",
                    T("Add the bias with its sign: z = w₁x₁ + w₂x₂ + b, not − b.",
                      "偏置要带符号相加:z = w₁x₁ + w₂x₂ + b,而不是 − b。"), _gate_table(w, -b), 0),
            Mistake("gate.forgot_bias",
                    T("z = w₁x₁ + w₂x₂ + b: the bias is missing.", "z = w₁x₁ + w₂x₂ + b:漏了偏置。"),
                    _gate_table(w, 0.0), 0),
        ]


KIND = LogicGate(
    name="logic_gate",
    summary=T("The truth table, and so the logic gate, of a perceptron with two binary inputs.",
              "两个二值输入的感知机的真值表,即它实现的逻辑门。"),
    params=(
        Param("w", "vector", "the weights (w₁, w₂) of the binary inputs x₁, x₂"),
        Param("bias", "number", "the bias b: output 1 if w₁x₁ + w₂x₂ + b > 0, else 0"),
        Param("mode", "choice", "truth_table: ask for the truth table; which_gate: ask which gate it is "
              "(answered with its truth table)", default="truth_table",
              choices=("truth_table", "which_gate")),
    ),
    knobs=(
        Knob("mode", "choice", ["truth_table", "which_gate"], "what the prompt asks",
             ("truth_table", "which_gate")),
        Knob("weights", "number", {"min": -3, "max": 3}, "weights (never 0)"),
        Knob("bias", "number", {"min": -4, "max": 4, "step": 0.5}, "bias"),
        Knob("gate", "choice", ["and", "or", "nand", "nor"], "gates to draw in which_gate mode",
             tuple(GATES)),
    ),
    decimals=0,
    exact=True,
    figures=("network",),
)
