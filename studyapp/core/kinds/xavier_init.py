"""xavier_init: the weight variance and uniform bound of Glorot/Xavier initialisation,
2/(n_in + n_out), or of He initialisation, 2/n_in."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num
from studyapp.core.steps import Step

SCHEMES = ("xavier", "he")
FANS = [*range(2, 65), 80, 96, 100, 120, 128, 200, 256, 300, 400, 512]  # the knobs' fan sizes


# The usual mistakes, one entry per tag (tags are stable: progress records refer to them).
MESSAGES = {
    "xavier.fan_in_only": T("Xavier averages both fans: Var = 2/(n_in + n_out), not 1/n_in.", "Xavier 同时考虑扇入和扇出:Var = 2/(n_in + n_out),不是 1/n_in。"),  # noqa: E501
    "xavier.he_for_xavier": T("2/n_in is He initialisation; Xavier is 2/(n_in + n_out).", "2/n_in 是 He 初始化;Xavier 是 2/(n_in + n_out)。"),  # noqa: E501
    "xavier.xavier_for_he": T("He initialisation uses only the fan-in: 2/n_in, not 2/(n_in + n_out).", "He 初始化只用扇入:2/n_in,不是 2/(n_in + n_out)。"),  # noqa: E501
    "xavier.he_without_two": T("He's variance is 2/n_in: the factor 2 makes up for ReLU zeroing half the inputs.", "He 方差是 2/n_in:因子 2 弥补了 ReLU 把一半输入置零。"),  # noqa: E501
    "xavier.bound_without_sqrt": T("The bound is a square root: r = √(3·Var).", "边界要开平方:r = √(3·Var)。"),  # noqa: E501
    "xavier.bound_sqrt3": T("U(−r, r) has variance r²/3, so r = √(3·Var) = √(6/…), not √(3/…).", "U(−r, r) 的方差是 r²/3,所以 r = √(3·Var) = √(6/…),不是 √(3/…)。"),  # noqa: E501
}


def _mistake(tag: str, answer: Any, step: int) -> Mistake:
    return Mistake(tag, MESSAGES[tag], answer, step)


def init_scale(scheme: str, fan_in: int, fan_out: int | None) -> tuple[float, float]:
    """(variance, uniform bound r) of Glorot/Xavier or He initialisation; U(−r, r) has variance r²/3."""
    var = 2.0 / (fan_in + fan_out) if scheme == "xavier" else 2.0 / fan_in  # type: ignore[operator]
    return var, math.sqrt(3.0 * var)


class XavierInit(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        fan_in = fan_out = 1
        for _ in range(20):
            fan_in, fan_out = k.int("fan_in"), k.int("fan_out")
            if fan_in != fan_out:  # equal fans make 2/(n_in + n_out) = 1/n_in: a dull case
                break
        return {"fan_in": fan_in, "fan_out": fan_out, "scheme": k.pick("scheme")}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = []
        if p["fan_in"] < 1:
            errors.append(f"fan_in must be at least 1 (got {p['fan_in']})")
        if p["fan_out"] is None:
            if p["scheme"] == "xavier":
                errors.append("fan_out is needed for the xavier scheme: its variance is 2/(fan_in + fan_out)")
        elif p["fan_out"] < 1:
            errors.append(f"fan_out must be at least 1 (got {p['fan_out']})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        n_in, n_out = p["fan_in"], p["fan_out"]
        he = p["scheme"] == "he"
        if lang == "zh":
            layer = f"一个全连接层有 {n_in} 个输入" + (f"、{n_out} 个输出" if n_out is not None else "")
            scheme = ("He 初始化(用于 ReLU;He 等,2015)" if he
                      else "Xavier/Glorot 初始化(Glorot 与 Bengio,2010)")
            return (f"{layer}。按 {scheme},权重的方差是多少?若从均匀分布 U(−r, r) 中抽取权重,边界 r 是多少?"
                    f"按“var: …; bound: …”作答。{decimals_clause(lang, decimals)}")
        layer = f"A fully connected layer has {n_in} inputs" + (f" and {n_out} outputs" if n_out is not None
                                                              else "")
        scheme = ("He initialisation for ReLU (He et al. 2015)" if he
                  else "Xavier/Glorot initialisation (Glorot & Bengio 2010)")
        return (f"{layer}. With {scheme}, what is the variance of the weights, and the bound r when "
                f"they are drawn from the uniform distribution U(−r, r)? Answer as “var: …; bound: …”. "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        n_in, n_out, scheme = p["fan_in"], p["fan_out"], p["scheme"]
        var, bound = init_scale(scheme, n_in, n_out)
        if scheme == "xavier":
            total = n_in + n_out
            steps = [
                Step(T("Fans that enter the formula: inputs plus outputs", "公式中用到的扇入与扇出之和"),
                     "n_in + n_out", f"{n_in} + {n_out}", total),
                Step(T("Glorot/Xavier variance", "Glorot/Xavier 方差"), "Var(W) = 2 / (n_in + n_out)",
                     f"2 / {total}", var, decimals=6,
                     note=T("A compromise between n_in·Var = 1 (forward activations keep their variance) and "
                            "n_out·Var = 1 (backward gradients keep theirs)",
                            "折中了 n_in·Var = 1(前向激活方差不变)与 n_out·Var = 1(反向梯度方差不变)")),
                Step(T("Uniform bound: U(−r, r) has variance r²/3", "均匀分布边界:U(−r, r) 的方差是 r²/3"),
                     "r = √(3·Var) = √(6 / (n_in + n_out))", f"√(6 / {total}) = √{num(6 / total, 6)}",
                     bound, decimals=6),
            ]
        else:
            note = (T(f"fan_out = {n_out} is not used: He initialisation keeps the forward variance",
                      f"扇出 {n_out} 用不到:He 初始化保持前向方差") if n_out is not None else None)
            steps = [
                Step(T("Fan that enters the formula: the inputs", "公式中用到的扇入"), "n_in", "", n_in,
                     note=note),
                Step(T("He variance for ReLU", "用于 ReLU 的 He 方差"), "Var(W) = 2 / n_in",
                     f"2 / {n_in}", var, decimals=6,
                     note=T("ReLU zeroes about half its inputs, so the variance is twice 1/n_in",
                            "ReLU 大约把一半输入置零,所以方差是 1/n_in 的两倍")),
                Step(T("Uniform bound: U(−r, r) has variance r²/3", "均匀分布边界:U(−r, r) 的方差是 r²/3"),
                     "r = √(3·Var) = √(6 / n_in)", f"√(6 / {n_in}) = √{num(6 / n_in, 6)}", bound, decimals=6),
            ]
        return Solution({"var": var, "bound": bound}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        n_in, n_out, scheme = p["fan_in"], p["fan_out"], p["scheme"]
        var, bound = init_scale(scheme, n_in, n_out)
        span = n_in + n_out if scheme == "xavier" else n_in
        lecun = {"var": 1.0 / n_in, "bound": math.sqrt(3.0 / n_in)}
        out = []
        if scheme == "xavier":
            he = init_scale("he", n_in, n_out)
            out += [_mistake("xavier.fan_in_only", lecun, 1),
                    _mistake("xavier.he_for_xavier", {"var": he[0], "bound": he[1]}, 1)]
        else:
            if n_out is not None:
                xavier = init_scale("xavier", n_in, n_out)
                out.append(_mistake("xavier.xavier_for_he", {"var": xavier[0], "bound": xavier[1]}, 1))
            out.append(_mistake("xavier.he_without_two", lecun, 1))
        out += [
            _mistake("xavier.bound_without_sqrt", {"var": var, "bound": 6.0 / span}, 2),
            _mistake("xavier.bound_sqrt3", {"var": var, "bound": math.sqrt(3.0 / span)}, 2),
        ]
        return out


KIND = XavierInit(
    name="xavier_init",
    summary=T("Xavier/Glorot (or He) initialisation: the weight variance and the uniform bound of a layer.",
              "Xavier/Glorot(或 He)初始化:一层权重的方差和均匀分布的边界。"),
    params=(
        Param("fan_in", "int", "number of inputs n_in"),
        Param("fan_out", "int", "number of outputs n_out (needed for xavier)", default=None),
        Param("scheme", "choice", "xavier: 2/(n_in + n_out); he: 2/n_in", default="xavier", choices=SCHEMES),
    ),
    knobs=(
        Knob("fan_in", "int", FANS, "inputs of the layer"),
        Knob("fan_out", "int", FANS, "outputs of the layer"),
        Knob("scheme", "choice", ["xavier", "xavier", "he"], "xavier, or he (a third of the time by default)",
             SCHEMES),
    ),
)
