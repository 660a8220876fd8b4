"""conv_param_count: the learnable parameters of a convolution layer, (F·F·C + 1)·K."""

from __future__ import annotations

from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import at_least_one
from studyapp.core.kinds.wording import T, exact_clause, plural
from studyapp.core.steps import Step


class ConvParamCount(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        return {"kernel_size": k.int("kernel_size"), "in_channels": k.int("in_channels"),
                "filters": k.int("filters"), "bias": bool(k.pick("bias"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        return at_least_one(p, ("kernel_size", "in_channels", "filters"))

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        f, c, k = p["kernel_size"], p["in_channels"], p["filters"]
        if lang == "zh":
            b = "每个 filter 带一个偏置" if p["bias"] else "不带偏置"
            return (f"一个卷积层对 {c} 通道的输入使用 {k} 个 {f}×{f} 的 filter({b})。"
                    f"该层共有多少个可学习参数?{exact_clause(lang)}")
        b = "each with one bias" if p["bias"] else "without biases"
        return (f"A convolution layer applies {plural(k, 'filter', 'filters')} of size {f}×{f} to an "
                f"input with {plural(c, 'channel', 'channels')}, {b}. How many learnable parameters "
                f"does it have? {exact_clause(lang)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        f, c, k, b = p["kernel_size"], p["in_channels"], p["filters"], int(p["bias"])
        per = f * f * c
        steps = [
            Step(T("Weights of one filter (it spans every input channel)",
                   "每个 filter 的权重数(覆盖所有输入通道)"),
                 "F·F·C", f"{f}·{f}·{c}", per),
            Step(T("Parameters of one filter, with its bias" if b else "Parameters of one filter",
                   "每个 filter 的参数数(含偏置)" if b else "每个 filter 的参数数"),
                 "F·F·C + 1" if b else "F·F·C", f"{per} + 1" if b else f"{per}", per + b),
            Step(T("All filters", "所有 filter"), "(F·F·C + 1)·K" if b else "F·F·C·K",
                 f"{per + b}·{k}", (per + b) * k,
                 T("The count does not depend on the input's width and height: weights are shared",
                   "参数数与输入的宽高无关:权值共享")),
        ]
        return Solution((per + b) * k, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        f, c, k, b = p["kernel_size"], p["in_channels"], p["filters"], int(p["bias"])
        out = [
            Mistake("conv.params_forgot_channels",
                    T("A filter spans every input channel: F·F·C weights, not F·F.",
                      "每个 filter 覆盖所有输入通道:权重是 F·F·C,不是 F·F。"), (f * f + b) * k, 0),
            Mistake("conv.params_bias_per_channel", T("There is one bias per filter, not one per channel.",
                                                      "每个 filter 只有一个偏置,不是每个通道一个。"),
                    (f * f + b) * c * k, 1),
        ]
        if b:
            out.append(Mistake("conv.params_forgot_bias", T("Each filter also has a bias: + 1 per filter.",
                                                            "每个 filter 还有一个偏置:每个加 1。"),
                               f * f * c * k, 1))
        else:  # the layer is said to have none: counting them anyway is the habit of the usual layer
            said = T("This layer has no biases: only the F·F·C weights of each filter count.",
                     "这一层不带偏置:只数每个 filter 的 F·F·C 个权重。")
            out.append(Mistake("conv.params_added_bias", said, f * f * c * k + k, 1))
        return out


KIND = ConvParamCount(
    name="conv_param_count",
    summary=T("Number of learnable parameters of a convolution layer.", "卷积层的可学习参数个数。"),
    params=(
        Param("kernel_size", "int", "kernel width F (square kernels)"),
        Param("in_channels", "int", "input channels C"),
        Param("filters", "int", "number of filters K"),
        Param("bias", "bool", "one bias per filter", default=True),
    ),
    knobs=(
        Knob("kernel_size", "int", [1, 3, 5, 7], "kernel width"),
        Knob("in_channels", "int", [1, 3, 8, 16, 24, 32, 48, 64, 96, 128], "input channels"),
        Knob("filters", "int", [2, 4, 8, 12, 16, 24, 32, 48, 64, 128], "number of filters"),
        Knob("bias", "bool", True, "filters have biases"),
    ),
    exact=True,
)
