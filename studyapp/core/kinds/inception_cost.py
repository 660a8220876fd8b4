"""inception_cost: the parameters of a convolution against its Inception factorisation: stacked
3×3, 1×F then F×1, or a 1×1 bottleneck (Szegedy et al. 2014, 2016)."""

from __future__ import annotations

from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Cells, Frame, Grid, Grids
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import at_least_one
from studyapp.core.kinds.wording import T, exact_clause
from studyapp.core.numfmt import num
from studyapp.core.steps import Step

INCEPTION_MODES = ("stacked_3x3", "asymmetric", "bottleneck")


RECEPTIVE_CAPTION = T("What one output sees: each stacked 3×3 layer widens the window by 2",
                      "一个输出能看到的区域:每多叠一层 3×3,窗口各边扩大 2")


def receptive_field(f: int, layers: int) -> Grids:
    """The f×f input under one output of ``layers`` stacked 3×3 convolutions (stride 1): frame k
    brackets the (2k + 1)×(2k + 1) window after k layers; the last is the whole f×f."""
    grid = Grid("x", [[None] * f for _ in range(f)])
    frames = [Frame([Cells(0, layers - k, layers - k, 2 * k + 1, 2 * k + 1)], None, [], None,
                    f"{k} × 3×3 → {2 * k + 1}×{2 * k + 1}") for k in range(1, layers + 1)]
    return Grids(RECEPTIVE_CAPTION, [grid], frames)


class InceptionCost(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        bias = bool(k.pick("bias"))
        if mode == "bottleneck":
            c_in = r = 2
            for _ in range(50):
                c_in, r = k.int("in_channels"), k.int("reduce_channels")
                if r < c_in:
                    break
            return {"mode": mode, "kernel_size": k.int("bottleneck_kernel"), "in_channels": c_in,
                    "reduce_channels": r, "out_channels": k.int("out_channels"), "bias": bias}
        f = k.int("stack_kernel" if mode == "stacked_3x3" else "asymmetric_kernel")
        c = k.int("channels")
        return {"mode": mode, "kernel_size": f, "in_channels": c, "out_channels": c, "bias": bias}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = at_least_one(p, ("in_channels", "out_channels"))
        f, mode = p["kernel_size"], p["mode"]
        if mode == "stacked_3x3" and (f < 3 or f % 2 == 0):
            errors.append("a stack of 3×3 convs covers an odd window: kernel_size must be odd and "
                          f"at least 3 (got {f})")
        elif mode == "asymmetric" and f < 2:
            errors.append(f"kernel_size must be at least 2 to split into 1×F and F×1 (got {f})")
        elif f < 1:
            errors.append(f"kernel_size must be at least 1 (got {f})")
        if f > 31:
            errors.append(f"kernel_size must be at most 31 (got {f})")
        if mode == "bottleneck":
            r = p["reduce_channels"]
            if r is None:
                errors.append("mode 'bottleneck' needs reduce_channels, the 1×1 layer's output channels")
            elif r < 1:
                errors.append(f"reduce_channels must be at least 1 (got {r})")
        for name in ("in_channels", "out_channels", "reduce_channels"):
            if p[name] is not None and p[name] > 100_000:
                errors.append(f"{name} must be at most 100000 (got {p[name]})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        f, ci, co, mode, zh = p["kernel_size"], p["in_channels"], p["out_channels"], p["mode"], lang == "zh"
        r, n = p["reduce_channels"], (f - 1) // 2
        if zh:
            b = "每层每个输出通道带一个偏置" if p["bias"] else "只数权重,不算偏置"
            direct = f"一个 {f}×{f} 卷积({ci} → {co} 通道)"
            if mode == "stacked_3x3":
                widths = f"每层 {ci} → {co}" if ci == co else f"第一层 {ci} → {co},其余 {co} → {co}"
                what = f"{direct}与 {n} 个堆叠的 3×3 卷积(步幅 1,感受野同为 {f}×{f};{widths})"
            elif mode == "asymmetric":
                what = f"{direct}与先 1×{f}({ci} → {co})再 {f}×1({co} → {co})的分解"
            else:
                what = f"{direct}与先用 1×1 卷积降到 {r} 通道、再做 {f}×{f} 卷积({r} → {co})的瓶颈结构"
            return (f"比较{what}的参数个数({b})。按“direct: …; factored: …”作答(direct 为直接卷积,"
                    f"factored 为分解后的结构)。{exact_clause(lang)}")
        b = "each layer has one bias per output channel" if p["bias"] else "count weights only, no biases"
        direct = f"a {f}×{f} convolution ({ci} → {co} channels)"
        if mode == "stacked_3x3":
            widths = f"each {ci} → {co}" if ci == co else f"the first {ci} → {co}, the others {co} → {co}"
            what = (f"{direct} against a stack of {n} 3×3 convolutions (stride 1, the same {f}×{f} receptive "
                    f"field; {widths})")
        elif mode == "asymmetric":
            what = (f"{direct} against a 1×{f} convolution ({ci} → {co}) followed by a {f}×1 convolution "
                    f"({co} → {co})")
        else:
            what = (f"{direct} against a bottleneck: a 1×1 convolution down to {r} channels, then the "
                    f"{f}×{f} convolution ({r} → {co})")
        return (f"Compare the parameters of {what}; {b}. Answer as “direct: …; factored: …”. "
                f"{exact_clause(lang)}")

    @staticmethod
    def _layers(p: dict[str, Any]) -> list[tuple[str, str, int, int, int]]:
        """(name, kernel product, kernel area, in channels, out channels) of each factored layer."""
        f, ci, co, mode = p["kernel_size"], p["in_channels"], p["out_channels"], p["mode"]
        if mode == "stacked_3x3":
            return [("3×3", "3·3", 9, ci if i == 0 else co, co) for i in range((f - 1) // 2)]
        if mode == "asymmetric":
            return [(f"1×{f}", f"1·{f}", f, ci, co), (f"{f}×1", f"{f}·1", f, co, co)]
        r = p["reduce_channels"]
        return [("1×1", "1·1", 1, ci, r), (f"{f}×{f}", f"{f}·{f}", f * f, r, co)]

    def solve(self, p: dict[str, Any]) -> Solution:
        f, ci, co, b = p["kernel_size"], p["in_channels"], p["out_channels"], int(p["bias"])
        direct = f * f * ci * co + b * co
        bias_f = " + C_out" if b else ""
        steps = [Step(T(f"Direct {f}×{f} convolution", f"直接的 {f}×{f} 卷积"), f"F·F·C_in·C_out{bias_f}",
                      f"{f}·{f}·{ci}·{co}" + (f" + {co}" if b else ""), direct)]
        layers = self._layers(p)
        counts = []
        for index, (name, kernel, area, lin, lout) in enumerate(layers):
            count = area * lin * lout + b * lout
            counts.append(count)
            note = None
            if p["mode"] == "bottleneck" and index == 0:
                note = T("The 1×1 layer has weights too: it is cheap, not free",
                         "1×1 层也有权重:代价小,但不是零")
            if p["mode"] == "stacked_3x3" and index == 0:
                note = T(f"{len(layers)} stacked 3×3 convs (stride 1) see a {1 + 2 * len(layers)}×"
                         f"{1 + 2 * len(layers)} window, like one {f}×{f}",
                         f"{len(layers)} 个堆叠的 3×3 卷积(步幅 1)的感受野为 {1 + 2 * len(layers)}×"
                         f"{1 + 2 * len(layers)},与一个 {f}×{f} 相同")
            figure = receptive_field(f, len(layers)) if p["mode"] == "stacked_3x3" and index == 0 else None
            steps.append(Step(T(f"Layer {index + 1}: {name}, {lin} → {lout} channels",
                                f"第 {index + 1} 层:{name},{lin} → {lout} 通道"),
                              f"kₕ·k_w·C_in·C_out{' + C_out' if b else ''}",
                              f"{kernel}·{lin}·{lout}" + (f" + {lout}" if b else ""), count, note,
                              figure=figure))
        factored = sum(counts)
        ratio = factored / direct
        pct = num(100 * (1 - ratio), 1)
        if ratio <= 1:
            note = T(f"{pct} % fewer parameters", f"参数减少 {pct}%")
        else:
            more = num(100 * (ratio - 1), 1)
            note = T(f"{more} % more parameters", f"参数增加 {more}%")
        if p["mode"] == "stacked_3x3" and f == 5:
            note = T(note.en + ". Per layer, two 3×3 need 18/25 = 72 % of a 5×5's weights (C → C); the "
                     "25 % more weights quoted for Inception-v2 is for the whole network, which also grew "
                     "elsewhere.",
                     note.zh + "。单就这一层而言,两个 3×3 只需 5×5 权重的 18/25 = 72%(C → C);"
                     "Inception-v2 所说的权重增加 25% 是指整个网络(网络其他部分也加宽加深了),"
                     "不是这一替换本身。")
        steps.append(Step(T("Factored version: add the layers", "分解后的结构:各层相加"), "",
                          " + ".join(map(str, counts)), factored))
        steps.append(Step(T("Saving: factored / direct", "节省:分解后 / 直接"), "factored / direct",
                          f"{factored}/{direct}", ratio, note))
        return Solution({"direct": direct, "factored": factored}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        f, ci, co, b, mode = p["kernel_size"], p["in_channels"], p["out_channels"], int(p["bias"]), p["mode"]
        layers = self._layers(p)
        direct = f * f * ci * co + b * co
        factored = sum([area * lin * lout + b * lout for _, _, area, lin, lout in layers])
        n = len(layers)
        out = [Mistake("inception.forgot_channels",
                       T("Each weight connects an input channel to an output channel: kₕ·k_w·C_in·C_out "
                         "per layer, not only the kernel's kₕ·k_w.",
                         "每个权重连接一个输入通道和一个输出通道:每层 kₕ·k_w·C_in·C_out,"
                         "不只是卷积核大小 kₕ·k_w。"),
                       {"direct": f * f, "factored": sum([area for _, _, area, _, _ in layers])}, 0)]
        if b:
            out.append(Mistake("inception.forgot_bias",
                               T("Each layer also has one bias per output channel.",
                                 "每层每个输出通道还有一个偏置。"),
                               {"direct": direct - b * co,
                                "factored": factored - sum([lout for *_, lout in layers])}, 0))
        first = layers[0][2] * layers[0][3] * layers[0][4] + b * layers[0][4]
        if mode == "stacked_3x3":
            out.append(Mistake("inception.one_layer",
                               T(f"The factored version has {n} 3×3 layers: count each one.",
                                 f"分解后有 {n} 个 3×3 层:每层都要算。"),
                               {"direct": direct, "factored": first}, n + 1))
        elif mode == "asymmetric":
            out.append(Mistake("inception.one_layer",
                               T(f"Both the 1×{f} and the {f}×1 layer have weights: count both.",
                                 f"1×{f} 和 {f}×1 两层都有权重:都要算。"),
                               {"direct": direct, "factored": first}, 3))
        else:
            r = p["reduce_channels"]
            out.append(Mistake("inception.bottleneck_free",
                               T("The 1×1 reduction layer has C_in·r weights of its own.",
                                 "1×1 降维层本身也有 C_in·r 个权重。"),
                               {"direct": direct, "factored": factored - first}, 1))
            out.append(Mistake("inception.bottleneck_wrong_input",
                               T(f"After the 1×1 layer the {f}×{f} convolution sees only r = {r} channels, "
                                 f"not C_in = {ci}.",
                                 f"经过 1×1 层后,{f}×{f} 卷积的输入只有 r = {r} 个通道,而不是 C_in = {ci}。"),
                               {"direct": direct, "factored": first + f * f * ci * co + b * co}, 2))
        return out


KIND = InceptionCost(
    name="inception_cost",
    figures=("grids",),
    summary=T("Parameters of a convolution against its Inception factorisation: stacked 3×3, 1×F then F×1, "
              "or a 1×1 bottleneck.",
              "直接卷积与 Inception 式分解(堆叠 3×3、1×F 加 F×1、1×1 瓶颈)的参数个数对比。"),
    params=(
        Param("mode", "choice", "stacked_3x3: F×F vs (F−1)/2 stacked 3×3; asymmetric: F×F vs 1×F then "
              "F×1; bottleneck: F×F vs 1×1 to r channels then F×F", default="stacked_3x3",
              choices=INCEPTION_MODES),
        Param("kernel_size", "int", "F, the direct convolution's kernel width"),
        Param("in_channels", "int", "input channels C_in"),
        Param("out_channels", "int", "output channels C_out (also the stacked layers' width)"),
        Param("reduce_channels", "int", "bottleneck: the 1×1 layer's output channels r", default=None),
        Param("bias", "bool", "each layer has one bias per output channel", default=False),
    ),
    knobs=(
        Knob("mode", "choice", list(INCEPTION_MODES), "which factorisation", INCEPTION_MODES),
        Knob("stack_kernel", "int", [5, 7], "stacked_3x3: the direct kernel F"),
        Knob("asymmetric_kernel", "int", [3, 7], "asymmetric: the direct kernel F"),
        Knob("bottleneck_kernel", "int", [3, 5], "bottleneck: the direct kernel F"),
        Knob("channels", "int", [32, 64, 128, 192], "stacked_3x3/asymmetric: channels C (C → C)"),
        Knob("in_channels", "int", [192, 256, 480, 512], "bottleneck: input channels"),
        Knob("reduce_channels", "int", [16, 32, 64, 96], "bottleneck: 1×1 output channels r"),
        Knob("out_channels", "int", [32, 64, 128], "bottleneck: output channels"),
        Knob("bias", "bool", [False, True], "layers have biases"),
    ),
    exact=True,
)
