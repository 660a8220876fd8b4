"""fc_vs_conv_params: the parameters of a convolution layer against a fully connected layer with
the same input and output sizes, and where the saving comes from (local connectivity, then
weight sharing)."""

from __future__ import annotations

from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import at_least_one
from studyapp.core.kinds.conv_sizes import output_size_step, pick_fitting, size_checks
from studyapp.core.kinds.nnmath import output_size
from studyapp.core.kinds.wording import T, exact_clause
from studyapp.core.numfmt import num
from studyapp.core.steps import Step

EXACT_LIMIT = 2**53  # integer answers above this are not exact in float64, which the grader uses


class FcVsConvParams(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        for _ in range(50):  # at most "same" padding: a 1×1 kernel with padding only adds zeros
            w, f, p, s = pick_fitting(k, "input_size", "kernel_size", True)
            if p <= f // 2:
                break
        return {"input_size": w, "in_channels": k.int("in_channels"), "kernel_size": f,
                "out_channels": k.int("out_channels"), "stride": s, "padding": p,
                "bias": bool(k.pick("bias"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = at_least_one(p, ("in_channels", "out_channels"))
        errors += size_checks(p["input_size"], p["kernel_size"], p["padding"], p["stride"])
        if not errors and self._counts(p)["fc"] >= EXACT_LIMIT:
            errors.append("the fully connected layer would have 2⁵³ or more parameters; "
                          "use smaller sizes so that the count stays exact")
        return errors

    @staticmethod
    def _counts(p: dict[str, Any]) -> dict[str, int]:
        n, c, f, k, b = p["input_size"], p["in_channels"], p["kernel_size"], p["out_channels"], int(p["bias"])
        n2 = output_size(n, f, p["padding"], p["stride"])
        n_in, n_out = n * n * c, n2 * n2 * k
        return {"conv": (f * f * c + b) * k, "fc": n_in * n_out + b * n_out}

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        n, c, f, k = p["input_size"], p["in_channels"], p["kernel_size"], p["out_channels"]
        s, pd = p["stride"], p["padding"]
        if lang == "zh":
            b = "每个 filter 一个偏置,全连接层每个输出一个偏置" if p["bias"] else "两者都不带偏置"
            return (f"输入为 {n}×{n}×{c}(H×W×C_in)。卷积层用 {k} 个 {f}×{f} 的 filter,步幅 {s},零填充 {pd}。"
                    f"把它换成输入、输出大小都相同的全连接层(输入 H×W×C_in 个数,输出 H₂×W₂×C_out 个数),"
                    f"{b}。两层各有多少个参数?按“conv: …; fc: …”作答。{exact_clause(lang)}")
        b = "one bias per filter, and one per output for the fully connected layer" if p["bias"] \
            else "neither layer has biases"
        return (f"The input is {n}×{n}×{c} (H×W×C_in). A convolution layer applies {k} filters of size "
                f"{f}×{f} with stride {s} and zero padding {pd}. Compare it with a fully connected layer "
                f"with the same input and output sizes (H×W×C_in inputs, H₂×W₂×C_out outputs); {b}. "
                f"How many parameters does each layer have? Answer as “conv: …; fc: …”. "
                f"{exact_clause(lang)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        n, c, f, k, b = p["input_size"], p["in_channels"], p["kernel_size"], p["out_channels"], int(p["bias"])
        s, pd = p["stride"], p["padding"]
        n2 = output_size(n, f, pd, s)
        per = f * f * c
        conv = (per + b) * k
        n_in, n_out = n * n * c, n2 * n2 * k
        fc = n_in * n_out + b * n_out
        steps = [
            output_size_step(n, f, pd, s),
            Step(T("Weights of one filter: it spans all input channels",
                   "一个 filter 的权重数:覆盖所有输入通道"), "F·F·C_in", f"{f}·{f}·{c}", per),
            Step(T("Convolution layer: K = C_out filters" + (", each with a bias" if b else ""),
                   "卷积层:共 K = C_out 个 filter" + (",每个带一个偏置" if b else "")),
                 "(F·F·C_in + 1)·C_out" if b else "F·F·C_in·C_out",
                 f"({per} + 1)·{k}" if b else f"{per}·{k}", conv,
                 T("It does not depend on the input's height and width",
                   "与输入的高和宽无关")),
            Step(T("Fully connected layer: number of inputs", "全连接层:输入个数"),
                 "H·W·C_in", f"{n}·{n}·{c}", n_in),
            Step(T("Fully connected layer: number of outputs (the conv layer's output volume)",
                   "全连接层:输出个数(即卷积层输出的体积)"), "H₂·W₂·C_out", f"{n2}·{n2}·{k}", n_out),
            Step(T("Fully connected layer: one weight per input–output pair"
                   + (", one bias per output" if b else ""),
                   "全连接层:每对输入、输出一个权重" + (",每个输出一个偏置" if b else "")),
                 "H·W·C_in·H₂·W₂·C_out + H₂·W₂·C_out" if b else "H·W·C_in·H₂·W₂·C_out",
                 f"{n_in}·{n_out} + {n_out}" if b else f"{n_in}·{n_out}", fc),
        ]
        dense_w, local_w, shared_w = n_in * n_out, per * n_out, per * k
        local_factor = num(n * n / (f * f), 2)
        steps += [
            Step(T("Where the saving comes from (weights only). Fully connected: every output sees "
                   "every input", "节省从何而来(只看权重)。全连接:每个输出连接所有输入"),
                 "H·W·C_in · H₂·W₂·C_out", f"{n_in}·{n_out}", dense_w),
            Step(T("Local connectivity: each output sees only its F·F·C_in window (no sharing yet)",
                   "局部连接:每个输出只连接它的 F·F·C_in 窗口(尚未共享权值)"),
                 "F·F·C_in · H₂·W₂·C_out", f"{per}·{n_out}", local_w,
                 T(f"{local_factor}× fewer than fully connected: H·W/(F·F) = {n * n}/{f * f}",
                   f"是全连接的 1/{local_factor}:H·W/(F·F) = {n * n}/{f * f}")),
            Step(T("Weight sharing: the H₂·W₂ positions of a feature map share one filter",
                   "权值共享:同一特征图的 H₂·W₂ 个位置共用一个 filter"),
                 "F·F·C_in · C_out", f"{per}·{k}", shared_w,
                 T(f"{n2 * n2}× fewer again: H₂·W₂ = {n2 * n2}", f"再减少到 1/{n2 * n2}:H₂·W₂ = {n2 * n2}")),
            Step(T("Ratio of the two layers' parameters" + (" (with biases)" if b else ""),
                   "两层参数之比" + ("(含偏置)" if b else "")),
                 "fc / conv", f"{fc}/{conv}", fc / conv, decimals=2),
        ]
        return Solution({"conv": conv, "fc": fc}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        n, c, f, k, b = p["input_size"], p["in_channels"], p["kernel_size"], p["out_channels"], int(p["bias"])
        pd = p["padding"]
        n2 = output_size(n, f, pd, p["stride"])
        right = self._counts(p)
        n_in, n_out = n * n * c, n2 * n2 * k
        out = []
        if b:
            out.append(Mistake("fcconv.forgot_bias",
                               T("Both layers have biases: + C_out for the conv layer, + H₂·W₂·C_out "
                                 "for the fully connected one.",
                                 "两层都有偏置:卷积层加 C_out,全连接层加 H₂·W₂·C_out。"),
                               {"conv": f * f * c * k, "fc": n_in * n_out}, 2))
        out.append(Mistake("fcconv.conv_forgot_channels",
                           T("A filter spans every input channel: F·F·C_in weights, not F·F.",
                             "每个 filter 覆盖所有输入通道:权重是 F·F·C_in,不是 F·F。"),
                           {"conv": (f * f + b) * k, "fc": right["fc"]}, 1))
        out.append(Mistake("fcconv.fc_forgot_output_size",
                           T("The fully connected layer has H₂·W₂·C_out outputs, not C_out: every "
                             "position of every map is an output.",
                             "全连接层有 H₂·W₂·C_out 个输出,而不是 C_out:每张特征图的每个位置都是一个输出。"),
                           {"conv": right["conv"], "fc": n_in * k + b * k}, 4))
        if pd:
            m = n + 2 * pd
            out.append(Mistake("fcconv.fc_counted_padding",
                               T("Padding zeros are not inputs: the fully connected layer sees "
                                 "H·W·C_in values.",
                                 "填充的 0 不是输入:全连接层的输入是 H·W·C_in 个数。"),
                               {"conv": right["conv"], "fc": m * m * c * n_out + b * n_out}, 3))
        return out


KIND = FcVsConvParams(
    name="fc_vs_conv_params",
    summary=T("Parameters of a convolution layer against a fully connected layer with the same input and "
              "output sizes.", "卷积层与输入、输出大小相同的全连接层的参数个数对比。"),
    params=(
        Param("input_size", "int", "input height = width H"),
        Param("in_channels", "int", "input channels C_in"),
        Param("kernel_size", "int", "kernel width F (square kernels)"),
        Param("out_channels", "int", "filters = output channels C_out"),
        Param("stride", "int", "stride S", default=1),
        Param("padding", "int", "zero padding P", default=0),
        Param("bias", "bool", "both layers have biases", default=True),
    ),
    knobs=(
        Knob("input_size", "int", [5, 7, 8, 28, 32], "input height = width"),
        Knob("kernel_size", "int", [1, 3, 5], "kernel width"),
        Knob("padding", "int", [0, 1, 2], "zero padding"),
        Knob("stride", "int", [1, 2], "stride"),
        Knob("in_channels", "int", [1, 3, 16], "input channels"),
        Knob("out_channels", "int", [2, 6, 16, 32], "filters"),
        Knob("bias", "bool", True, "layers have biases"),
    ),
    exact=True,
)
