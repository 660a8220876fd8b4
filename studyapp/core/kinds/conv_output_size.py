"""conv_output_size: the width of a convolution's output, W₂ = ⌊(W − F + 2P) / S⌋ + 1."""

from __future__ import annotations

from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Grid
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.conv_sizes import output_size_step, pick_fitting, size_checks
from studyapp.core.kinds.window_figures import axis_figure
from studyapp.core.kinds.wording import T, exact_clause

MAX_DRAWN = 40  # cells of the padded axis a figure shows; wider inputs are only worked in numbers
CAPTION = T("The window's positions; each input shows its index on the padded axis",
            "窗口的各个位置;每个输入格标出它在补零后的轴上的下标")


class ConvOutputSize(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        w, f, p, s = pick_fitting(k, "input_size", "kernel_size", bool(k.pick("exact")))
        return {"input_size": w, "kernel_size": f, "padding": p, "stride": s}

    def check(self, p: dict[str, Any]) -> list[str]:
        return size_checks(p["input_size"], p["kernel_size"], p["padding"], p["stride"])

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        w, f, pad, s = p["input_size"], p["kernel_size"], p["padding"], p["stride"]
        if lang == "zh":
            return (f"输入宽度 W = {w},卷积核大小 F = {f},零填充 P = {pad},步幅 S = {s}。"
                    f"输出特征图的宽度是多少?{exact_clause(lang)}")
        return (f"An input of width W = {w} is convolved with a kernel of size F = {f}, zero padding "
                f"P = {pad} and stride S = {s}. What is the width of the output? {exact_clause(lang)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        w, f, pad, s = p["input_size"], p["kernel_size"], p["padding"], p["stride"]
        step = output_size_step(w, f, pad, s)
        if w + 2 * pad <= MAX_DRAWN:
            # Each input shows its index on the padded axis (from P, so never 0 when there is
            # padding): the window's cells read as the positions in the line of work. The output's
            # cells count the windows, so the last one is W₂, the answer.
            zeros: list[float | None] = [0.0] * pad
            padded = [*zeros, *[float(i) for i in range(pad, pad + w)], *zeros]
            lines = [f"#{k + 1}: {k}·{s} = {k * s} … {k * s} + {f} − 1 = {k * s + f - 1}"
                     for k in range(step.result)]
            output = Grid("W₂", [[float(k) for k in range(1, step.result + 1)]])
            step.figure = axis_figure(CAPTION, padded, pad, s, f, output, lines)
        return Solution(step.result, [step])

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        w, f, pad, s = p["input_size"], p["kernel_size"], p["padding"], p["stride"]
        return [
            Mistake("conv.forgot_plus_one", T("W₂ = ⌊(W − F + 2P)/S⌋ + 1: the + 1 is missing.",
                                              "W₂ = ⌊(W − F + 2P)/S⌋ + 1:漏了 + 1。"),
                    (w - f + 2 * pad) // s, 0),
            Mistake("conv.forgot_padding", T("The zero padding adds 2P to the width: W − F + 2P.",
                                             "零填充使宽度增加 2P:应为 W − F + 2P。"), (w - f) // s + 1, 0),
            Mistake("conv.padding_once", T("Padding is added on both sides: 2P, not P.",
                                           "两侧都要填充:是 2P,不是 P。"),
                    (w - f + pad) // s + 1, 0),
            Mistake("conv.divided_first", T("Subtract F and add 2P before dividing by the stride.",
                                            "先减 F、加 2P,再除以步幅。"), w // s - f + 2 * pad + 1, 0),
        ]


KIND = ConvOutputSize(
    name="conv_output_size",
    figures=("grids",),
    summary=T("Width of a convolution's output from input size, kernel, padding and stride.",
              "由输入尺寸、卷积核、填充和步幅求卷积输出的宽度。"),
    params=(
        Param("input_size", "int", "input width W"),
        Param("kernel_size", "int", "kernel width F"),
        Param("padding", "int", "zero padding P on each side"),
        Param("stride", "int", "stride S"),
    ),
    knobs=(
        Knob("input_size", "int", {"min": 5, "max": 256}, "input width"),
        Knob("kernel_size", "int", [1, 2, 3, 5, 7, 11], "kernel width"),
        Knob("padding", "int", [0, 1, 2, 3], "zero padding"),
        Knob("stride", "int", [1, 2, 4], "stride"),
        Knob("exact", "bool", True, "only sizes where the stride divides evenly"),
    ),
    exact=True,
)
