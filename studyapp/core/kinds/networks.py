"""Perceptrons, logic gates, a small network's forward pass, the chain rule on a graph, one-hot labels.

Comparisons with a threshold treat values within 1e-9 (relative) of it as equal, so that
0.1 + 0.2 ties with 0.3 as it does on paper: a tie gives output 0 (the rule is strictly
greater).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studyapp.core.bilingual import T, Text
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution, step_places
from studyapp.core.kinds.wording import decimals_clause, exact_clause
from studyapp.core.numfmt import num, paren, sub, sup, vec
from studyapp.core.steps import Step

INPUT_PAIRS = ((0, 0), (0, 1), (1, 0), (1, 1))  # the order of every truth table


def _cmp(a: float, b: float) -> int:
    """1 if a > b, −1 if a < b, 0 when they are equal up to float rounding."""
    if abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)):
        return 0
    return 1 if a > b else -1


def _signed_sum(values: list[float], decimals: int = 4) -> str:
    """``4 + 3 − 6``: a sum of terms as written by hand."""
    out = num(values[0], decimals)
    for v in values[1:]:
        text = num(v, decimals)
        out += f" − {text[1:]}" if text[0] == "-" else f" + {text}"
    return out


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


# --- perceptron ------------------------------------------------------------------------------


class Perceptron(Kind):
    """Output 1 if Σ wᵢxᵢ > threshold (equivalently w·x + b > 0 with b = −threshold), else 0."""

    def generate(self, k: Knobs) -> dict[str, Any]:
        n = k.int("inputs")
        x = k.values("x", (n,))
        w = k.values("weights", (n,), avoid_zero=True)
        s = sum(a * b for a, b in zip(x, w, strict=True))
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
        x, w = _floats(p["x"]), _floats(p["w"])
        prods = [a * b for a, b in zip(x, w, strict=True)]
        return x, w, prods, math.fsum(prods)

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, w = vec(p["x"]), vec(p["w"])
        if p.get("bias") is None:
            t = num(p["threshold"])
            if lang == "zh":
                return (f"一个感知机的输入为 x = {x},权重为 w = {w},阈值为 {t}:"
                        f"Σ wᵢxᵢ > 阈值时输出 1,否则(Σ wᵢxᵢ ≤ 阈值)输出 0。求加权和与输出。"
                        f"按 `sum: …; output: …` 作答(output 为 0 或 1)。{decimals_clause(lang, decimals)}")
            return (f"A perceptron has inputs x = {x}, weights w = {w} and threshold {t}: it outputs 1 "
                    f"if Σ wᵢxᵢ > threshold and 0 otherwise (Σ wᵢxᵢ ≤ threshold). Give the weighted sum "
                    f"and the output. Answer as `sum: …; output: …` (output 0 or 1). "
                    f"{decimals_clause(lang, decimals)}")
        b = num(p["bias"])
        if lang == "zh":
            return (f"一个感知机的输入为 x = {x},权重为 w = {w},偏置 b = {b}:w·x + b > 0 时输出 1,"
                    f"否则输出 0。求 z = w·x + b 与输出。按 `z: …; output: …` 作答(output 为 0 或 1)。"
                    f"{decimals_clause(lang, decimals)}")
        return (f"A perceptron has inputs x = {x}, weights w = {w} and bias b = {b}: it outputs 1 if "
                f"w·x + b > 0 and 0 otherwise. Give z = w·x + b and the output. Answer as "
                f"`z: …; output: …` (output 0 or 1). {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        x, w, prods, s = self._parts(p)
        terms = " + ".join(f"{paren(a)} × {paren(b)}" for a, b in zip(x, w, strict=True))
        steps = [Step(T("Weighted sum: each input votes with its weight", "加权和:每个输入按其权重投票"),
                      "Σᵢ wᵢxᵢ", f"{terms} = {_signed_sum(prods)}", s)]
        if p.get("bias") is None:
            t = float(p["threshold"])
            c = _cmp(s, t)
            out = int(c > 0)
            rel = {1: ">", 0: "=", -1: "<"}[c]
            note = None
            if c == 0:
                note = T("A tie: the sum must be strictly greater than the threshold, so the output is 0",
                         "恰好相等:加权和必须严格大于阈值才输出 1,所以输出 0")
            steps.append(Step(T("Compare with the threshold", "与阈值比较"),
                              "output = 1 if Σᵢ wᵢxᵢ > threshold, 0 if Σᵢ wᵢxᵢ ≤ threshold",
                              f"{num(s)} {rel} {num(t)}", out, note))
            return Solution({"sum": s, "output": out}, steps)
        b = float(p["bias"])
        z = s + b
        steps.append(Step(T("Add the bias", "加上偏置"), "z = w·x + b", f"{num(s)} + {paren(b)}", z,
                          T("b = −threshold: w·x + b > 0 is the same test as Σ wᵢxᵢ > −b",
                            "b = −阈值:w·x + b > 0 与 Σ wᵢxᵢ > −b 是同一个判断")))
        c = _cmp(z, 0.0)
        out = int(c > 0)
        note = None
        if c == 0:
            note = T("z = 0 is not greater than 0, so the output is 0", "z = 0 并不大于 0,所以输出 0")
        steps.append(Step(T("Step function at 0", "在 0 处取阶跃"), "output = 1 if z > 0, 0 if z ≤ 0",
                          f"{num(z)} {({1: '>', 0: '=', -1: '<'})[c]} 0", out, note))
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
                        {"sum": s, "output": int(_cmp(s, t) >= 0)}, last),
                Mistake("perceptron.bias_sign",
                        T("The bias is b = −threshold: Σ wᵢxᵢ > threshold means Σ wᵢxᵢ − threshold > 0, "
                          "not Σ wᵢxᵢ + threshold > 0.",
                          "偏置 b = −阈值:Σ wᵢxᵢ > 阈值 即 Σ wᵢxᵢ − 阈值 > 0,而不是 Σ wᵢxᵢ + 阈值 > 0。"),
                        {"sum": s, "output": int(_cmp(s + t, 0.0) > 0)}, last),
                Mistake("perceptron.sum_as_output",
                        T("The output is 0 or 1; the weighted sum is only compared with the threshold.",
                          "输出只能是 0 或 1;加权和只是用来与阈值比较的。"),
                        {"sum": s, "output": s}, last),
                Mistake("perceptron.dropped_minus",
                        T("A negative input or weight makes its product negative: keep the minus signs.",
                          "负的输入或权重使乘积为负:别丢掉负号。"),
                        {"sum": unsigned, "output": int(_cmp(unsigned, t) > 0)}, 0),
            ]
        b = float(p["bias"])
        z = s + b
        wrong = s - b
        return [
            Mistake("perceptron.fired_at_threshold",
                    T("The perceptron fires only if w·x + b is strictly greater than 0; z = 0 gives 0.",
                      "只有 w·x + b 严格大于 0 时才输出 1;z = 0 时输出 0。"),
                    {"z": z, "output": int(_cmp(z, 0.0) >= 0)}, 2),
            Mistake("perceptron.bias_sign",
                    T("Add the bias: z = w·x + b. Comparing w·x with b treats b as the threshold, "
                      "but b = −threshold.",
                      "要加上偏置:z = w·x + b。拿 w·x 与 b 比较是把 b 当成了阈值,而 b = −阈值。"),
                    {"z": wrong, "output": int(_cmp(wrong, 0.0) > 0)}, 1),
            Mistake("perceptron.forgot_bias",
                    T("z = w·x + b: the bias is missing.", "z = w·x + b:漏了偏置。"),
                    {"z": s, "output": int(_cmp(s, 0.0) > 0)}, 1),
            Mistake("perceptron.sum_as_output",
                    T("The output is 0 or 1; z only decides which.", "输出只能是 0 或 1;z 只决定取哪一个。"),
                    {"z": z, "output": z}, 2),
            Mistake("perceptron.dropped_minus",
                    T("A negative input or weight makes its product negative: keep the minus signs.",
                      "负的输入或权重使乘积为负:别丢掉负号。"),
                    {"z": unsigned + b, "output": int(_cmp(unsigned + b, 0.0) > 0)}, 0),
        ]


PERCEPTRON = Perceptron(
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
        Knob("x", "number", {"min": -3, "max": 5}, "input values"),
        Knob("weights", "number", {"min": -3, "max": 3}, "weights (never 0)"),
        Knob("threshold", "number", {"min": -2, "max": 5}, "threshold (the bias is its negative)"),
        Knob("form", "choice", ["threshold", "bias"], "ask with a threshold or with a bias",
             ("threshold", "bias")),
        Knob("tie", "bool", [False, False, False, True],
             "make the weighted sum equal the threshold (where > and ≥ differ)"),
    ),
    decimals=2,
)


# --- logic gates -----------------------------------------------------------------------------

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


def _gate_z(w: list[float], b: float) -> list[float]:
    return [w[0] * a + w[1] * c + b for a, c in INPUT_PAIRS]


def _gate_table(w: list[float], b: float, fire_at_zero: bool = False) -> list[int]:
    limit = 0 if fire_at_zero else 1
    return [int(_cmp(z, 0.0) >= limit) for z in _gate_z(w, b)]


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
    fits = [v for v in values if _cmp(v, lo) > 0 and _cmp(v, hi) <= 0]
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
        w, b = _floats(p["w"]), float(p["bias"])
        zs = _gate_z(w, b)
        cs = [_cmp(z, 0.0) for z in zs]
        out = [int(c > 0) for c in cs]
        wf = [paren(v) for v in w]
        bf = paren(b)
        net = "\n".join(f"({a}, {c}): {a}·{wf[0]} + {c}·{wf[1]} + {bf} = {num(z)}"
                        for (a, c), z in zip(INPUT_PAIRS, zs, strict=True))
        rel = {1: "> 0 → 1", 0: "= 0, not > 0 → 0", -1: "< 0 → 0"}
        fire = "\n".join(f"({a}, {c}): {num(z)} {rel[cc]}"
                         for (a, c), z, cc in zip(INPUT_PAIRS, zs, cs, strict=True))
        note = None
        if 0 in cs:
            note = T("A net input of exactly 0 is not greater than 0: the output is 0 there",
                     "净输入恰好为 0 时不大于 0:该处输出 0")
        steps = [
            Step(T("Net input for each pair of binary inputs", "每组二值输入的净输入"),
                 "z = w₁x₁ + w₂x₂ + b", net, zs),
            Step(T("Step function: fire when z > 0", "阶跃函数:z > 0 时激活"),
                 "output = 1 if z > 0, 0 if z ≤ 0", fire, out, note),
        ]
        name = GATE_NAMES.get(tuple(out))  # always found: a threshold unit is never XOR or XNOR
        if name is not None:
            gate = GATES[name][1]
            steps.append(Step(T(f"Read off the gate: {gate.en}", f"识别逻辑门:{gate.zh}"),
                              "outputs for (0, 0), (0, 1), (1, 0), (1, 1)", "", out))
        return Solution(out, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, b = _floats(p["w"]), float(p["bias"])
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


LOGIC_GATE = LogicGate(
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
)


# --- forward pass of a small fully connected network ------------------------------------------

ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("identity", *ACTIVATIONS)
D = 6  # decimals of the intermediate values in the worked solution


def _act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return z


def _layers(p: dict[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    names = [("W1", "b1"), ("W2", "b2")] + ([("W3", "b3")] if p.get("W3") is not None else [])
    return [(np.asarray(p[w], dtype=float), np.asarray(p[b], dtype=float)) for w, b in names]


def mlp_run(p: dict[str, Any], bias: bool = True, hidden: str | None = None, output: str | None = None,
            transpose_square: bool = False) -> list[float]:
    """The output vector, optionally computed the way a usual mistake computes it."""
    layers = _layers(p)
    a = np.asarray(p["x"], dtype=float)
    hidden = p["activation"] if hidden is None else hidden
    output = p["output_activation"] if output is None else output
    for index, (w, b) in enumerate(layers):
        if transpose_square and w.shape[0] == w.shape[1]:
            w = w.T
        z = w @ a + b if bias else w @ a
        a = _act(output if index == len(layers) - 1 else hidden, z)
    return a.tolist()


def _act_line(name: str, label: str, z: float, a: float) -> str:
    zf = num(z, D)
    if name == "sigmoid":
        return f"{label} = σ({zf}) = 1 / (1 + e^{paren(-z, D)}) = {num(a, D)}"
    if name == "tanh":
        return f"{label} = tanh({zf}) = {num(a, D)}"
    if name == "relu":
        return f"{label} = max(0, {zf}) = {num(a, D)}"
    return f"{label} = {zf}"


ACT_FORMULA = {"sigmoid": "σ(z) = 1 / (1 + e⁻ᶻ)", "tanh": "tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)",
               "relu": "ReLU(z) = max(0, z)", "identity": "identity: y = z"}


class MlpForward(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n_in, depth = k.int("inputs"), k.int("hidden_layers")
        sizes = [n_in] + [k.int("hidden_units") for _ in range(depth)] + [k.int("outputs")]
        act = k.pick("activation")
        out_act = k.pick("output_activation")
        if out_act == "same":
            out_act = act
        p: dict[str, Any] = {}
        for _ in range(20):
            p = {"x": k.values("x", (n_in,), avoid_zero=True)}
            for i in range(1, len(sizes)):
                p[f"W{i}"] = k.values("weights", (sizes[i], sizes[i - 1]), avoid_zero=True)
                p[f"b{i}"] = k.values("biases", (sizes[i],))
            p["activation"] = act
            p["output_activation"] = out_act
            if self._workable(p):
                break
        return p

    @staticmethod
    def _workable(p: dict[str, Any]) -> bool:
        """No hidden layer all dead (ReLU) and no saturated unit (|z| ≤ 4)."""
        a = np.asarray(p["x"], dtype=float)
        layers = _layers(p)
        for w, b in layers[:-1]:
            z = w @ a + b
            if np.abs(z).max() > 4 or (p["activation"] == "relu" and z.max() <= 0):
                return False
            a = _act(p["activation"], z)
        return True

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if (p["W3"] is None) != (p["b3"] is None):
            errors.append("give W3 and b3 together (a second hidden layer), or neither")
        width = len(p["x"])
        prev = "x"
        for i in (1, 2, 3):
            w, b = p[f"W{i}"], p[f"b{i}"]
            if w is None or b is None:
                break
            shape = np.shape(w)
            if shape != (len(b), width):
                errors.append(f"W{i} must be {len(b)}×{width} (units of b{i} × values of {prev}), "
                              f"got {'×'.join(map(str, shape))}")
            width, prev = len(b), f"b{i}"
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        layers = [(p["W1"], p["b1"]), (p["W2"], p["b2"])]
        if p.get("W3") is not None:
            layers.append((p["W3"], p["b3"]))
        mats = ", ".join(f"W{i} = {_matrix_text(w)}, b{i} = {vec(b)}" for i, (w, b) in enumerate(layers, 1))
        hidden = len(layers) - 1
        act, out_act = p["activation"], p["output_activation"]
        n_out = len(layers[-1][1])
        if lang == "zh":
            acts = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
                    "identity": "identity(恒等,线性输出)"}
            return (f"一个全连接网络有 {hidden} 个隐藏层,隐藏层激活函数为 {acts[act]},输出层激活函数为 "
                    f"{acts[out_act]}。每层计算 a = f(W·a_prev + b)(W 的第 j 行是连到该层第 j 个单元的权重)。"
                    f"输入 x = {vec(p['x'])},{mats}。求网络的输出向量(长度为 {n_out})。"
                    f"{decimals_clause(lang, decimals)}")
        acts = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "identity": "identity (linear)"}
        layer_word = "layer" if hidden == 1 else "layers"
        return (f"A fully connected network has {hidden} hidden {layer_word} with {acts[act]} activation and "
                f"an output layer with {acts[out_act]} activation. Each layer computes "
                f"a = f(W·a_prev + b) (row j of W holds the weights into unit j of that layer). Input "
                f"x = {vec(p['x'])}, {mats}. Give the network's output vector ({n_out} "
                f"value{'s' if n_out > 1 else ''}). {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        layers = _layers(p)
        a = np.asarray(p["x"], dtype=float)
        prev_f = [paren(v, D) for v in a.tolist()]
        prev_name = "x"
        steps: list[Step] = []
        last = len(layers)
        for index, (w, b) in enumerate(layers, 1):
            z = w @ a + b
            is_out = index == last
            act = p["output_activation"] if is_out else p["activation"]
            a = _act(act, z)
            zl, al, bl, wl = z.tolist(), a.tolist(), b.tolist(), w.tolist()
            lsup = sup(f"({index})")
            zname = "z" + lsup
            aname = "y" if is_out else "a" + lsup
            lines = []
            for j, (row, zj) in enumerate(zip(wl, zl, strict=True)):
                terms = " + ".join(f"{paren(wv)}·{pv}" for wv, pv in zip(row, prev_f, strict=True))
                lines.append(f"{zname}{sub(j + 1)} = {terms} + {paren(bl[j])} = {num(zj, D)}")
            where = (T("the output layer", "输出层") if is_out
                     else T(f"hidden layer {index}", f"第 {index} 个隐藏层"))
            steps.append(Step(T(f"Net input of {where.en}", f"{where.zh}的净输入"),
                              f"{zname}ⱼ = Σᵢ W{index}[j,i]·{prev_name}ᵢ + b{index}ⱼ", "\n".join(lines),
                              zl, decimals=D))
            note = None
            if is_out and act == "identity":
                note = T("The output layer is linear: no activation is applied to it",
                         "输出层是线性的:不再经过激活函数")
            steps.append(Step(T(f"Activation of {where.en}", f"{where.zh}的激活"),
                              ACT_FORMULA[act],
                              "\n".join(_act_line(act, f"{aname}{sub(j + 1)}", zj, aj)
                                        for j, (zj, aj) in enumerate(zip(zl, al, strict=True))),
                              al, note, decimals=D))
            prev_f = [paren(v, D) for v in al]
            prev_name = aname
        return Solution(a.tolist(), steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        layers = _layers(p)
        last_step = 2 * len(layers) - 1
        out_act, act = p["output_activation"], p["activation"]
        out = [
            Mistake("mlp.forgot_bias", T("Every unit adds its bias: z = W·a + b.",
                                         "每个单元都要加上偏置:z = W·a + b。"), mlp_run(p, bias=False), 0),
            Mistake("mlp.forgot_hidden_activation",
                    T(f"Apply {act} to every hidden unit before passing it on; without it the network is "
                      "linear.", f"隐藏单元的输出要先经过 {act} 再传给下一层;不加激活,整个网络就是线性的。"),
                    mlp_run(p, hidden="identity"), 1),
        ]
        if out_act == "identity":
            out.append(Mistake("mlp.activated_output",
                               T(f"The output layer is linear: y = z, with no {act} on it.",
                                 f"输出层是线性的:y = z,不再经过 {act}。"),
                               mlp_run(p, output=act), last_step))
        else:
            out.append(Mistake("mlp.forgot_output_activation",
                               T(f"The output layer also applies {out_act}: y = {out_act}(z).",
                                 f"输出层也要经过 {out_act}:y = {out_act}(z)。"),
                               mlp_run(p, output="identity"), last_step))
        square = [i for i, (w, _) in enumerate(layers) if w.shape[0] == w.shape[1]]
        if square:
            out.append(Mistake("mlp.transposed_weights",
                               T("Row j of W holds the weights into unit j: zⱼ = Σᵢ W[j,i]·aᵢ (W·a), "
                                 "not Σᵢ W[i,j]·aᵢ (Wᵀ·a).",
                                 "W 的第 j 行是连到第 j 个单元的权重:zⱼ = Σᵢ W[j,i]·aᵢ(W·a),"
                                 "而不是 Σᵢ W[i,j]·aᵢ(Wᵀ·a)。"),
                               mlp_run(p, transpose_square=True), 2 * square[0]))
        return out


def _matrix_text(m: list[list[float]]) -> str:
    return "[" + ", ".join(vec(row) for row in m) + "]"


MLP_FORWARD = MlpForward(
    name="mlp_forward",
    summary=T("The output of a small fully connected network (one or two hidden layers).",
              "小型全连接网络(一到两个隐藏层)的前向输出。"),
    params=(
        Param("x", "vector", "the input, I values"),
        Param("W1", "matrix", "weights into the first hidden layer, H1×I (row j feeds unit j)"),
        Param("b1", "vector", "biases of the first hidden layer, H1 values"),
        Param("W2", "matrix", "weights into the next layer (output layer, or second hidden layer if W3 is "
              "given), H2×H1"),
        Param("b2", "vector", "biases of that layer, H2 values"),
        Param("W3", "matrix", "weights into the output layer when there are two hidden layers, O×H2",
              default=None),
        Param("b3", "vector", "biases of the output layer when there are two hidden layers, O values",
              default=None),
        Param("activation", "choice", "activation of the hidden layers: " + ", ".join(ACTIVATIONS),
              choices=ACTIVATIONS),
        Param("output_activation", "choice", "activation of the output layer: "
              + ", ".join(OUTPUT_ACTIVATIONS), default="identity", choices=OUTPUT_ACTIVATIONS),
    ),
    knobs=(
        Knob("inputs", "int", {"min": 2, "max": 4}, "input size I"),
        Knob("hidden_layers", "int", [1, 1, 2], "number of hidden layers (1 or 2)"),
        Knob("hidden_units", "int", {"min": 2, "max": 3}, "units per hidden layer"),
        Knob("outputs", "int", {"min": 1, "max": 2}, "output units"),
        Knob("activation", "choice", list(ACTIVATIONS), "hidden activation", ACTIVATIONS),
        Knob("output_activation", "choice", ["identity", "same"],
             "output activation; 'same' uses the hidden one", ("same", *OUTPUT_ACTIVATIONS)),
        Knob("x", "number", {"min": -2, "max": 2, "step": 0.5}, "input values (never 0)"),
        Knob("weights", "number", {"min": -1, "max": 1, "step": 0.5}, "weights (never 0)"),
        Knob("biases", "number", {"min": -1, "max": 1, "step": 0.5}, "biases"),
    ),
    decimals=4,
)


# --- chain rule on a computational graph ------------------------------------------------------

GRAPHS: dict[str, tuple[tuple[str, ...], str]] = {
    "mul_add": (("x", "y", "z"), "f = (x + y)·z"),
    "fanout": (("x", "y"), "f = x·y + x"),
    "max_mul": (("x", "y", "z"), "f = max(x, y)·z"),
    "sigmoid_affine": (("w", "x", "b"), "f = σ(w·x + b)"),
    "shared_input": (("x", "y", "z"), "f = (x + y)·(y + z)"),
}
CHAIN_INPUTS = ("x", "y", "z", "w", "b")


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v)) if v > -700 else 0.0


def chain_value(graph: str, v: dict[str, float]) -> float:
    """The forward value of a graph, for finite differences."""
    if graph == "mul_add":
        return (v["x"] + v["y"]) * v["z"]
    if graph == "fanout":
        return v["x"] * v["y"] + v["x"]
    if graph == "max_mul":
        return max(v["x"], v["y"]) * v["z"]
    if graph == "sigmoid_affine":
        return _sigmoid(v["w"] * v["x"] + v["b"])
    return (v["x"] + v["y"]) * (v["y"] + v["z"])


class ChainRule(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        graph = k.pick("graph")
        names = GRAPHS[graph][0]
        p: dict[str, Any] = {"graph": graph}
        if graph == "sigmoid_affine":
            for _ in range(30):
                w, x, b = k.values("sigmoid_values", (3,), avoid_zero=True)
                if abs(w * x + b) <= 3:
                    break
            else:
                w, x, b = 1, 0.5, -0.5
            p.update({"w": float(w), "x": float(x), "b": float(b)})
            return p
        for _ in range(30):
            vals = k.values("values", (len(names),), avoid_zero=True)
            if graph != "max_mul" or vals[0] != vals[1]:
                break
        else:
            vals = [1, 2, 3]
        p.update({n: float(v) for n, v in zip(names, vals, strict=True)})
        return p

    def check(self, p: dict[str, Any]) -> list[str]:
        names, formula = GRAPHS[p["graph"]]
        errors = [f"graph {p['graph']} ({formula}) needs {n}" for n in names if p[n] is None]
        extra = [n for n in CHAIN_INPUTS if n not in names and p[n] is not None]
        if extra:
            errors.append(f"graph {p['graph']} ({formula}) has no input {', '.join(extra)} "
                          f"(its inputs are {', '.join(names)})")
        if p["graph"] == "max_mul" and not errors and p["x"] == p["y"]:
            errors.append(f"max(x, y) has no derivative when x = y (both are {num(p['x'])}): "
                          "choose different x and y")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        names, formula = GRAPHS[p["graph"]]
        values = ", ".join(f"{n} = {num(p[n])}" for n in names)
        grads = ", ".join(f"∂f/∂{n}" for n in names)
        extra = ""
        if p["graph"] == "sigmoid_affine":
            extra = " (σ(s) = 1 / (1 + e⁻ˢ))" if lang != "zh" else "(σ(s) = 1 / (1 + e⁻ˢ))"
        if lang == "zh":
            return (f"计算图 {formula}{extra},输入 {values}。前向求 f,再用反向传播(链式法则)求梯度 "
                    f"[{grads}]。按 `f: …; grad: [{grads}]` 的形式作答。{decimals_clause(lang, decimals)}")
        return (f"The computational graph {formula}{extra} has inputs {values}. Compute f with a forward "
                f"pass, then the gradient [{grads}] with backpropagation (the chain rule). Answer as "
                f"`f: …; grad: [{grads}]`. {decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        return getattr(self, "_" + p["graph"])(p)

    @staticmethod
    def _result(f: float, grad: list[float], names: tuple[str, ...], steps: list[Step]) -> Solution:
        steps.append(Step(T("The gradient", "梯度"), "∇f = (" + ", ".join(f"∂f/∂{n}" for n in names) + ")",
                          "", grad))
        return Solution({"f": f, "grad": grad}, steps)

    def _mul_add(self, p: dict[str, Any]) -> Solution:
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        q = x + y
        f = q * z
        qf, zf = paren(q), paren(z)
        steps = [
            Step(T("Forward pass", "前向计算"), "q = x + y, f = q·z",
                 f"q = {num(x)} + {paren(y)} = {num(q)}\nf = {qf}·{zf} = {num(f)}", f),
            Step(T("Backward through the multiply node f = q·z (upstream ∂f/∂f = 1)",
                   "反向经过乘法节点 f = q·z(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂q = 1·z, ∂f/∂z = 1·q",
                 f"∂f/∂q = 1·{zf} = {num(z)}\n∂f/∂z = 1·{qf} = {num(q)}", [z, q],
                 T("A multiply node sends each input the upstream gradient times the other input",
                   "乘法节点传给每个输入的是上游梯度乘以另一个输入")),
            Step(T("Backward through the add node q = x + y", "反向经过加法节点 q = x + y"),
                 "∂f/∂x = ∂f/∂q·1, ∂f/∂y = ∂f/∂q·1",
                 f"∂f/∂x = {zf}·1 = {num(z)}\n∂f/∂y = {zf}·1 = {num(z)}", [z, z],
                 T("An add node passes the upstream gradient unchanged to every input",
                   "加法节点把上游梯度原样传给每个输入")),
        ]
        return self._result(f, [z, z, q], ("x", "y", "z"), steps)

    def _fanout(self, p: dict[str, Any]) -> Solution:
        x, y = float(p["x"]), float(p["y"])
        m = x * y
        f = m + x
        xf, yf = paren(x), paren(y)
        steps = [
            Step(T("Forward pass", "前向计算"), "p = x·y, f = p + x",
                 f"p = {xf}·{yf} = {num(m)}\nf = {num(m)} + {xf} = {num(f)}", f),
            Step(T("Backward through the add node f = p + x (upstream ∂f/∂f = 1)",
                   "反向经过加法节点 f = p + x(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂p = 1·1, ∂f/∂x (direct branch) = 1·1", "∂f/∂p = 1\n∂f/∂x (direct) = 1", [1.0, 1.0]),
            Step(T("Backward through the multiply node p = x·y", "反向经过乘法节点 p = x·y"),
                 "∂f/∂x (via p) = ∂f/∂p·y, ∂f/∂y = ∂f/∂p·x",
                 f"∂f/∂x (via p) = 1·{yf} = {num(y)}\n∂f/∂y = 1·{xf} = {num(x)}", [y, x]),
            Step(T("x fans out to two nodes: add the gradients of both branches",
                   "x 分出两条支路:把两条支路的梯度相加"),
                 "∂f/∂x = ∂f/∂x (via p) + ∂f/∂x (direct)", f"{num(y)} + 1 = {num(y + 1)}", y + 1.0,
                 T("Gradients from the branches add up; they are not multiplied, and neither is dropped",
                   "各支路的梯度相加;既不相乘,也不能只取其中一条")),
        ]
        return self._result(f, [y + 1.0, x], ("x", "y"), steps)

    def _max_mul(self, p: dict[str, Any]) -> Solution:
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        m = max(x, y)
        f = m * z
        gx, gy = (z, 0.0) if x > y else (0.0, z)
        winner, loser = ("x", "y") if x > y else ("y", "x")
        zf, mf = paren(z), paren(m)
        steps = [
            Step(T("Forward pass", "前向计算"), "m = max(x, y), f = m·z",
                 f"m = max({num(x)}, {num(y)}) = {num(m)}\nf = {mf}·{zf} = {num(f)}", f),
            Step(T("Backward through the multiply node f = m·z (upstream ∂f/∂f = 1)",
                   "反向经过乘法节点 f = m·z(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂m = 1·z, ∂f/∂z = 1·m", f"∂f/∂m = {num(z)}\n∂f/∂z = {num(m)}", [z, m]),
            Step(T("Backward through the max node: the gradient goes to the larger input only",
                   "反向经过 max 节点:梯度只传给较大的那个输入"),
                 "∂f/∂x = ∂f/∂m·[x > y], ∂f/∂y = ∂f/∂m·[y > x]",
                 f"{winner} is the larger: ∂f/∂{winner} = {num(z)}, ∂f/∂{loser} = 0", [gx, gy],
                 T("max routes the gradient: the input that lost has no effect on f near this point",
                   "max 起路由作用:较小的输入在该点附近对 f 没有影响")),
        ]
        return self._result(f, [gx, gy, m], ("x", "y", "z"), steps)

    def _sigmoid_affine(self, p: dict[str, Any]) -> Solution:
        w, x, b = float(p["w"]), float(p["x"]), float(p["b"])
        u = w * x
        s = u + b
        e = math.exp(-s)
        f = 1.0 / (1.0 + e)
        ds = f * (1.0 - f)
        ff, dsf = num(f, D), paren(ds, D)
        steps = [
            Step(T("Forward pass", "前向计算"), "u = w·x, s = u + b, f = σ(s) = 1 / (1 + e⁻ˢ)",
                 f"u = {paren(w)}·{paren(x)} = {num(u)}\ns = {num(u)} + {paren(b)} = {num(s)}\n"
                 f"f = 1 / (1 + e^{paren(-s)}) = 1 / (1 + {num(e, D)}) = {ff}", f, decimals=D),
            Step(T("Backward through the sigmoid node (upstream ∂f/∂f = 1)",
                   "反向经过 sigmoid 节点(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂s = σ(s)·(1 − σ(s))", f"{ff}·(1 − {ff}) = {num(ds, D)}", ds,
                 T("The local gradient of σ is σ·(1 − σ), not σ itself",
                   "σ 的局部梯度是 σ·(1 − σ),不是 σ 本身"),
                 decimals=D),
            Step(T("Backward through the add node s = u + b", "反向经过加法节点 s = u + b"),
                 "∂f/∂u = ∂f/∂s·1, ∂f/∂b = ∂f/∂s·1", f"∂f/∂u = ∂f/∂b = {num(ds, D)}", [ds, ds], decimals=D),
            Step(T("Backward through the multiply node u = w·x", "反向经过乘法节点 u = w·x"),
                 "∂f/∂w = ∂f/∂u·x, ∂f/∂x = ∂f/∂u·w",
                 f"∂f/∂w = {dsf}·{paren(x)} = {num(ds * x, D)}\n∂f/∂x = {dsf}·{paren(w)} = {num(ds * w, D)}",
                 [ds * x, ds * w], decimals=D),
        ]
        sol = self._result(f, [ds * x, ds * w, ds], ("w", "x", "b"), steps)
        sol.steps[-1].decimals = D
        return sol

    def _shared_input(self, p: dict[str, Any]) -> Solution:
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        a, c = x + y, y + z
        f = a * c
        af, cf = paren(a), paren(c)
        steps = [
            Step(T("Forward pass", "前向计算"), "a = x + y, c = y + z, f = a·c",
                 f"a = {num(x)} + {paren(y)} = {num(a)}\nc = {num(y)} + {paren(z)} = {num(c)}\n"
                 f"f = {af}·{cf} = {num(f)}", f),
            Step(T("Backward through the multiply node f = a·c (upstream ∂f/∂f = 1)",
                   "反向经过乘法节点 f = a·c(上游梯度 ∂f/∂f = 1)"),
                 "∂f/∂a = 1·c, ∂f/∂c = 1·a", f"∂f/∂a = {num(c)}\n∂f/∂c = {num(a)}", [c, a]),
            Step(T("Backward through the add node a = x + y", "反向经过加法节点 a = x + y"),
                 "∂f/∂x = ∂f/∂a·1, ∂f/∂y (via a) = ∂f/∂a·1",
                 f"∂f/∂x = {num(c)}\n∂f/∂y (via a) = {num(c)}", [c, c]),
            Step(T("Backward through the add node c = y + z", "反向经过加法节点 c = y + z"),
                 "∂f/∂y (via c) = ∂f/∂c·1, ∂f/∂z = ∂f/∂c·1",
                 f"∂f/∂y (via c) = {num(a)}\n∂f/∂z = {num(a)}", [a, a]),
            Step(T("y fans out to both add nodes: add the gradients of the two branches",
                   "y 分出两条支路:把两条支路的梯度相加"),
                 "∂f/∂y = ∂f/∂y (via a) + ∂f/∂y (via c)", f"{num(c)} + {paren(a)} = {num(a + c)}", a + c,
                 T("Gradients from the branches add up; they are not multiplied, and neither is dropped",
                   "各支路的梯度相加;既不相乘,也不能只取其中一条")),
        ]
        return self._result(f, [c, a + c, a], ("x", "y", "z"), steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        g = p["graph"]
        sol_f = chain_value(g, {n: float(p[n]) for n in GRAPHS[g][0]})
        own = T("A multiply node's local gradient for one input is the other input: ∂(a·b)/∂a = b, not a.",
                "乘法节点对一个输入的局部梯度是另一个输入:∂(a·b)/∂a = b,不是 a。")
        upstream = T("Multiply each local gradient by the upstream gradient coming from the output "
                     "(chain rule: upstream × local).",
                     "每个局部梯度都要乘以从输出传回来的上游梯度(链式法则:上游 × 局部)。")
        one_branch = T("The input feeds two nodes: add the gradients coming back along both branches.",
                       "该输入连到两个节点:要把两条支路传回的梯度相加。")
        multiplied = T("At a fan-out the gradients of the branches are added, not multiplied.",
                       "在分叉处,各支路的梯度相加,而不是相乘。")

        def m(tag: str, msg: Text, grad: list[float], step: int, f: float = sol_f) -> Mistake:
            return Mistake(tag, msg, {"f": f, "grad": grad}, step)

        if g == "mul_add":
            x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
            q = x + y
            return [m("chain.mul_own_input", own, [q, q, z], 1),
                    m("chain.forgot_upstream", upstream, [1.0, 1.0, q], 2)]
        if g == "fanout":
            x, y = float(p["x"]), float(p["y"])
            # Multiplying the branches (y·1) gives the same as dropping the direct one: not listed.
            return [m("chain.fanout_one_branch", one_branch, [y, x], 3),
                    m("chain.fanout_one_branch", one_branch, [1.0, x], 3),
                    m("chain.mul_own_input", own, [x + 1.0, y], 2)]
        if g == "max_mul":
            x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
            mx = max(x, y)
            lo = (0.0, z) if x > y else (z, 0.0)
            return [m("chain.max_both_inputs",
                      T("max passes the gradient only to the larger input; the other gets 0.",
                        "max 只把梯度传给较大的输入;另一个输入的梯度为 0。"), [z, z, mx], 2),
                    m("chain.max_smaller_input",
                      T("max passes the gradient to the larger input, not the smaller one.",
                        "max 把梯度传给较大的输入,而不是较小的那个。"), [lo[0], lo[1], mx], 2),
                    m("chain.mul_own_input", own,
                      [mx if x > y else 0.0, mx if y > x else 0.0, z], 1)]
        if g == "sigmoid_affine":
            w, x = float(p["w"]), float(p["x"])
            f = sol_f
            ds = f * (1 - f)
            return [m("chain.sigmoid_value_as_derivative",
                      T("The local gradient of σ is σ(s)·(1 − σ(s)), not σ(s).",
                        "σ 的局部梯度是 σ(s)·(1 − σ(s)),不是 σ(s)。"), [f * x, f * w, f], 1),
                    m("chain.mul_own_input", own, [ds * w, ds * x, ds], 3),
                    m("chain.forgot_upstream", upstream, [x, w, 1.0], 1)]
        x, y, z = float(p["x"]), float(p["y"]), float(p["z"])
        a, c = x + y, y + z
        return [m("chain.fanout_one_branch", one_branch, [c, c, a], 4),
                m("chain.fanout_one_branch", one_branch, [c, a, a], 4),
                m("chain.fanout_multiplied", multiplied, [c, a * c, a], 4),
                m("chain.mul_own_input", own, [a, a + c, c], 1),
                m("chain.forgot_upstream", upstream, [1.0, 2.0, 1.0], 2)]


CHAIN_RULE = ChainRule(
    name="chain_rule",
    summary=T("Forward value and gradient of a small computational graph by backpropagation.",
              "用反向传播求小型计算图的前向值与梯度。"),
    params=(
        Param("graph", "choice", "the graph: mul_add f = (x + y)·z; fanout f = x·y + x; "
              "max_mul f = max(x, y)·z; sigmoid_affine f = σ(w·x + b); shared_input f = (x + y)·(y + z). "
              "The gradient lists the inputs in this order: x, y, z (w, x, b for sigmoid_affine)",
              choices=tuple(GRAPHS)),
        *(Param(n, "number", f"input {n} (when the graph has it)", default=None) for n in CHAIN_INPUTS),
    ),
    knobs=(
        Knob("graph", "choice", list(GRAPHS), "graphs to draw from", tuple(GRAPHS)),
        Knob("values", "number", {"min": -4, "max": 4}, "input values (never 0)"),
        Knob("sigmoid_values", "number", {"min": -2, "max": 2, "step": 0.5},
             "w, x, b of sigmoid_affine (never 0; |w·x + b| ≤ 3)"),
    ),
    decimals=4,
)


# --- one-hot labels and the predicted class ----------------------------------------------------


class OneHot(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        c = k.int("classes")
        if mode == "encode":
            return {"mode": mode, "classes": c, "label": k.below(c)}
        return {"mode": mode, "probs": self._probs(k, c)}

    @staticmethod
    def _probs(k: Knobs, c: int) -> list[float]:
        """C probabilities with two decimals that sum to 1 and have one largest entry."""
        for _ in range(50):
            raw = k.values("scores", (c,))
            total = sum(raw)
            if total <= 0:
                continue
            cents = [100 * r // total for r in raw]
            rest = 100 - sum(cents)
            order = sorted(range(c), key=lambda i: (-(100 * raw[i] % total), i))
            for i in order[:rest]:
                cents[i] += 1
            top = max(cents)
            if cents.count(top) == 1:
                return [v / 100 for v in cents]
        return [0.01] * (c - 1) + [round(1 - 0.01 * (c - 1), 2)]  # up to 50 classes

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if p["mode"] == "encode":
            if p["probs"] is not None:
                errors.append("probs is for mode predict; mode encode takes classes and label")
            if p["classes"] is None or p["label"] is None:
                errors.append("mode encode needs classes (how many) and label (its index, from 0)")
                return errors
            c, y = p["classes"], p["label"]
            if c < 2:
                errors.append(f"classes must be at least 2 (got {c})")
            elif c > 1000:
                errors.append(f"classes must be at most 1000 (got {c})")
            elif not 0 <= y < c:
                errors.append(f"label must be a class index from 0 to {c - 1} (got {y})")
            return errors
        if p["classes"] is not None or p["label"] is not None:
            errors.append("classes and label are for mode encode; mode predict takes probs")
        probs = p["probs"]
        if probs is None:
            errors.append("mode predict needs probs (the softmax outputs)")
            return errors
        if len(probs) < 2:
            errors.append(f"probs needs at least 2 classes (got {len(probs)})")
        if any(v < 0 or v > 1 for v in probs):
            errors.append("probs must each be between 0 and 1")
        elif abs(math.fsum(probs) - 1) > 0.011:
            errors.append(f"probs must sum to 1 (they sum to {num(math.fsum(probs))})")
        top = max(probs)
        if sum(1 for v in probs if v == top) > 1:
            errors.append(f"two classes share the largest probability {num(top)}: the prediction is "
                          "ambiguous")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        if p["mode"] == "encode":
            c, y = p["classes"], p["label"]
            if lang == "zh":
                return (f"共有 {c} 个类别,编号 0 到 {c - 1}。把类别 {y} 写成 one-hot 向量"
                        f"(长度为 {c},由 0 和 1 组成)。")
            return (f"There are {c} classes, numbered 0 to {c - 1}. Write the label {y} as a one-hot "
                    f"vector (a vector of {c} zeros and ones).")
        probs = vec(p["probs"])
        n = len(p["probs"])
        if lang == "zh":
            return (f"一个分类器的 softmax 输出为 p = {probs}(类别编号 0 到 {n - 1})。"
                    f"它预测的是哪个类别?给出类别编号。{exact_clause(lang)}")
        return (f"A classifier's softmax outputs are p = {probs} (classes numbered 0 to {n - 1}). Which "
                f"class does it predict? Give the class index. {exact_clause(lang)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        if p["mode"] == "encode":
            c, y = p["classes"], p["label"]
            out = [0] * c
            out[y] = 1
            steps = [
                Step(T("Start from a vector of zeros, one entry per class",
                       "从全 0 向量开始,每个类别一个位置"),
                     f"length C = {c}", "", [0] * c),
                Step(T("Put a 1 at the label's index (counting from 0)", "在标签对应的位置(从 0 数起)放 1"),
                     "yᵢ = 1 if i = label, else 0", f"label = {y}: entry {y} of 0…{c - 1}", out,
                     T("The label is the index of the single 1", "标签就是那个唯一的 1 所在的位置")),
            ]
            return Solution(out, steps)
        probs = _floats(p["probs"])
        top = max(probs)
        index = probs.index(top)
        steps = [
            Step(T("The probabilities sum to 1", "概率之和为 1"), "Σᵢ pᵢ",
                 " + ".join(num(v) for v in probs), math.fsum(probs)),
            Step(T("Predicted class: the index of the largest probability", "预测类别:最大概率所在的位置"),
                 "ŷ = argmaxᵢ pᵢ", f"the largest is p{sub(index)} = {num(top)}", index,
                 T("Answer the index, not the probability itself", "答的是类别编号,不是概率值")),
        ]
        return Solution(index, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        if p["mode"] == "encode":
            c, y = p["classes"], p["label"]
            out = []
            if y >= 1:
                shifted = [0] * c
                shifted[y - 1] = 1
                out.append(Mistake("onehot.one_based",
                                   T(f"Classes are counted from 0: label {y} goes in position {y + 1} "
                                     f"(index {y}), not position {y}.",
                                     f"类别从 0 开始编号:标签 {y} 在第 {y + 1} 个位置(下标 {y}),"
                                     f"不是第 {y} 个。"),
                                   shifted, 1))
            bits = format(y, "b").zfill(c)[-c:]
            out.append(Mistake("onehot.binary_code",
                               T(f"That is {y} written in binary; one-hot uses one position per class, "
                                 "with a single 1 at the label's index.",
                                 f"这是 {y} 的二进制写法;one-hot 每个类别占一个位置,只在标签的下标处为 1。"),
                               [int(ch) for ch in bits], 1))
            out.append(Mistake("onehot.inverted",
                               T("A one-hot vector has a single 1, at the label; every other entry is 0.",
                                 "one-hot 向量只有一个 1,在标签处;其余都是 0。"),
                               [0 if i == y else 1 for i in range(c)], 1))
            return out
        probs = _floats(p["probs"])
        top = max(probs)
        index = probs.index(top)
        return [
            Mistake("onehot.argmin", T("The prediction is the class with the largest probability, not the "
                                       "smallest.", "预测的是概率最大的类别,不是最小的。"),
                    probs.index(min(probs)), 1),
            Mistake("onehot.one_based", T("Classes are counted from 0: the first probability is class 0.",
                                          "类别从 0 开始编号:第一个概率对应类别 0。"), index + 1, 1),
            Mistake("onehot.probability_for_class",
                    T("Answer the class index, not the probability of that class.",
                      "要答的是类别编号,而不是该类别的概率。"), top, 1),
        ]


ONE_HOT = OneHot(
    name="one_hot",
    summary=T("One-hot encoding of a label, or the class a classifier predicts from its softmax outputs.",
              "把标签写成 one-hot 向量,或由 softmax 输出读出预测的类别。"),
    params=(
        Param("mode", "choice", "encode: write label as a one-hot vector; predict: the argmax of probs",
              default="encode", choices=("encode", "predict")),
        Param("classes", "int", "number of classes C (mode encode)", default=None),
        Param("label", "int", "the label's class index, from 0 (mode encode)", default=None),
        Param("probs", "vector", "softmax outputs, one per class, summing to 1 (mode predict)", default=None),
    ),
    knobs=(
        Knob("mode", "choice", ["encode", "predict"], "what the prompt asks", ("encode", "predict")),
        Knob("classes", "int", {"min": 3, "max": 6}, "number of classes"),
        Knob("scores", "int", {"min": 1, "max": 9}, "relative sizes of the probabilities (mode predict)"),
    ),
    decimals=0,
    exact=True,
)

KINDS_NETWORKS = (PERCEPTRON, LOGIC_GATE, MLP_FORWARD, CHAIN_RULE, ONE_HOT)
