"""Vision kinds: a convolution layer with several filters, conv against fully connected parameter
counts, IoU and non-maximum suppression, the YOLO grid, and the cost of Inception's factorised
convolutions (Szegedy et al. 2014, 2016)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.conv import output_size, output_size_step, pad, pick_fitting, size_checks
from studyapp.core.kinds.wording import decimals_clause, exact_clause
from studyapp.core.numfmt import format_value, num, paren, sub, vec
from studyapp.core.steps import Step

EXACT_LIMIT = 2**53  # integer answers above this are not exact in float64, which the grader uses


def _at_least_one(p: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [f"{name} must be at least 1 (got {p[name]})" for name in names if p[name] < 1]


# ==============================================================================================
# conv2d_multi: K filters over a C-channel input
# ==============================================================================================



@lru_cache(maxsize=512)
def window_index(c: int, hp: int, wp: int, f: int, s: int) -> np.ndarray:
    """Flat indexes into a C×Hp×Wp (padded) input: one row of C·F·F per output position, row-major."""
    h2, w2 = (hp - f) // s + 1, (wp - f) // s + 1
    starts = (np.arange(h2)[:, None] * (s * wp) + np.arange(w2)[None, :] * s).reshape(-1)
    within = (np.arange(c)[:, None, None] * (hp * wp) + np.arange(f)[None, :, None] * wp
              + np.arange(f)[None, None, :]).reshape(-1)
    index = starts[:, None] + within[None, :]
    index.flags.writeable = False
    return index


def multi_conv_parts(x: np.ndarray, w: np.ndarray, s: int, p: int) -> np.ndarray:
    """Per-channel window sums, K×H₂×W₂×C, of a C×H×W input and K filters K×C×F×F (no bias)."""
    xp = pad(x, p)
    c, hp, wp = xp.shape
    k, f = w.shape[0], w.shape[2]
    index = window_index(c, hp, wp, f, s)
    cols = xp.reshape(-1)[index].reshape(len(index), c, f * f)
    parts = np.einsum("pcf,kcf->kpc", cols, w.reshape(k, c, f * f))
    return parts.reshape(k, (hp - f) // s + 1, (wp - f) // s + 1, c)


class Conv2dMulti(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        c, n_filters = k.int("channels"), k.int("filters")
        smallest, largest = k.int("min_output"), k.int("max_output")
        for _ in range(50):
            w, f, p, s = pick_fitting(k, "input_size", "kernel_size", True, largest)
            if output_size(w, f, p, s) >= smallest:
                break
        kernels = k.values("weights", (n_filters, c, f, f))
        for index in range(n_filters):
            for _ in range(20):  # a filter of zeros teaches nothing
                if any(v for plane in kernels[index] for row in plane for v in row):
                    break
                kernels[index] = k.values("weights", (c, f, f))
        return {"input": k.values("values", (c, w, w)), "kernels": kernels,
                "biases": k.values("bias", (n_filters,)),
                "stride": s, "padding": p, "activation": k.pick("activation")}

    def check(self, p: dict[str, Any]) -> list[str]:
        c, h, w = np.shape(p["input"])
        n_filters, kc, fh, fw = np.shape(p["kernels"])
        errors = []
        if kc != c:
            errors.append(f"the filters have {kc} channels but the input has {c}; they must match "
                          "(kernels is a list of K filters, each C×F×F)")
        if fh != fw:
            errors.append(f"the filters must be square (got {fh}×{fw})")
        if p["biases"] is not None and len(p["biases"]) != n_filters:
            errors.append(f"there are {n_filters} filters but {len(p['biases'])} biases; "
                          "give one bias per filter")
        errors += size_checks(min(h, w), fh, p["padding"], p["stride"])
        return errors

    @staticmethod
    def out_shape(p: dict[str, Any]) -> tuple[int, int, int]:
        _, h, w = np.shape(p["input"])
        f = len(p["kernels"][0][0])
        return (len(p["kernels"]), output_size(h, f, p["padding"], p["stride"]),
                output_size(w, f, p["padding"], p["stride"]))

    @staticmethod
    def _biases(p: dict[str, Any]) -> np.ndarray:
        b = p["biases"]
        return np.zeros(len(p["kernels"])) if b is None else np.asarray(b, dtype=float)

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        c, h, w = np.shape(p["input"])
        kk, h2, w2 = self.out_shape(p)
        f = len(p["kernels"][0][0])
        b = self._biases(p).tolist()
        zh = lang == "zh"
        filters = (";" if zh else "; ").join(
            f"w{sub(i)} = {format_value(p['kernels'][i])}, b{sub(i)} = {num(b[i])}" for i in range(kk))
        act = "ReLU" if p["activation"] == "relu" else (
            "恒等(无激活)" if zh else "the identity (no activation)")
        if zh:
            return (f"一个卷积层有 K = {kk} 个 filter,每个为 C×F×F = {c}×{f}×{f},作用于输入 x"
                    f"(C×H×W = {c}×{h}×{w},按通道给出),步幅 S = {p['stride']},零填充 P = {p['padding']},"
                    f"激活函数为{act}。{filters}(每个 filter 按通道列出 F×F 核)。每个输出元素为 "
                    f"aₖ(i,j) = f(Σ_c Σ_u Σ_v wₖ[c,u,v]·x[c, i·S+u, j·S+v] + bₖ)(互相关,不翻转卷积核)。"
                    f"求整个输出:形状为 K×H₂×W₂ = {kk}×{h2}×{w2},每个 filter 一张 {h2}×{w2} 特征图,"
                    f"filter 0 在前,按 [[[…], …], [[…], …]] 作答。{decimals_clause(lang, decimals)}")
        return (f"A convolution layer has K = {kk} filters, each C×F×F = {c}×{f}×{f}, applied to the "
                f"input x (C×H×W = {c}×{h}×{w}, given channel by channel) with stride S = {p['stride']}, "
                f"zero padding P = {p['padding']} and {act} as activation. {filters} (each filter lists "
                f"its F×F kernel per channel). Each output entry is "
                f"aₖ(i,j) = f(Σ_c Σ_u Σ_v wₖ[c,u,v]·x[c, i·S+u, j·S+v] + bₖ) (cross-correlation: no "
                f"kernel flip). Give the whole output, K×H₂×W₂ = {kk}×{h2}×{w2}: one {h2}×{w2} feature "
                f"map per filter, filter 0 first, typed as [[[…], …], [[…], …]]. "
                f"{decimals_clause(lang, decimals)}")

    def _first_filter_step(self, p: dict[str, Any]) -> int:
        _, h, w = np.shape(p["input"])
        return (1 if p["padding"] else 0) + (1 if h == w else 2)

    def solve(self, p: dict[str, Any]) -> Solution:
        x = np.asarray(p["input"], dtype=float)
        w = np.asarray(p["kernels"], dtype=float)
        b = self._biases(p)
        s, pd, relu = p["stride"], p["padding"], p["activation"] == "relu"
        c, h, wid = x.shape
        kk, f = w.shape[0], w.shape[2]
        ff = f * f
        steps: list[Step] = []
        xp = pad(x, pd)
        if pd:
            steps.append(Step(T(f"Pad every channel with {pd} ring(s) of zeros",
                                f"每个通道四周补 {pd} 圈 0"), "", "", xp.tolist()))
        steps.append(output_size_step(h, f, pd, s, " (height)" if h != wid else ""))
        if h != wid:
            steps.append(output_size_step(wid, f, pd, s, " (width)"))
        h2, w2 = (xp.shape[1] - f) // s + 1, (xp.shape[2] - f) // s + 1
        index = window_index(c, xp.shape[1], xp.shape[2], f, s)  # output position × (channel, u, v)
        xp_flat = xp.reshape(-1)
        parts_arr = np.einsum("pcf,kcf->kpc", xp_flat[index].reshape(len(index), c, ff), w.reshape(kk, c, ff))
        z_arr = parts_arr.sum(axis=2) + b[:, None]
        out = np.maximum(z_arr, 0) if relu else z_arr
        parts, z_all, out_all, b_l = parts_arr.tolist(), z_arr.tolist(), out.tolist(), b.tolist()
        # Every distinct number is formatted once; each window's inputs are gathered once for all filters.
        w_flat, x_flat = w.reshape(-1).tolist(), xp_flat.tolist()
        fmt = {v: paren(v) for v in {*w_flat, *x_flat, *b_l, *parts_arr.reshape(-1).tolist()}}
        nums = {v: num(v) for v in {*z_arr.reshape(-1).tolist(), *out.reshape(-1).tolist(),
                                    *(parts_arr.reshape(-1).tolist() if c > 1 else ())}}
        wf = list(map(fmt.__getitem__, w_flat))
        xf = np.array(list(map(fmt.__getitem__, x_flat)), dtype=object)[index].tolist()
        formula = "aₖ(i,j) = f(Σ_c Σ_u Σ_v wₖ[c,u,v]·x[c, i·S+u, j·S+v] + bₖ)"
        cells = [(i, j) for i in range(h2) for j in range(w2)]
        out_l = out.reshape(kk, h2, w2).tolist()
        # One %-template per filter (several times faster than str.format): i, j, then per channel its
        # F·F window inputs and their sum, then (C > 1) the channel sums in parentheses, then z (and ReLU(z)).
        wins = [tuple(window[ch * ff:(ch + 1) * ff] for ch in range(c)) for window in xf]
        tail = " = %s" + (", ReLU(%s) = %s" if relu else "")
        for k in range(kk):
            kernels = [" + ".join(v + "·%s" for v in wf[(k * c + ch) * ff:(k * c + ch + 1) * ff])
                       for ch in range(c)]
            bias = fmt[b_l[k]]
            z_k, out_k = z_all[k], out_all[k]
            ends = ([(nums[z], nums[z], nums[o]) for z, o in zip(z_k, out_k, strict=True)] if relu
                    else [(nums[z],) for z in z_k])
            if c == 1:
                line = f"a{sub(k)}(%d,%d) = {kernels[0]} + {bias}{tail}"
                lines = [line % (*ij, *win[0], *end) for ij, win, end in zip(cells, wins, ends, strict=True)]
            else:
                chans = "; ".join(f"ch{ch}: {kernels[ch]} = %s" for ch in range(c))
                line = f"a{sub(k)}(%d,%d): {chans}; {' + '.join(['%s'] * c)} + {bias}{tail}"
                lines = []
                for ij, win, cell, end in zip(cells, wins, parts[k], ends, strict=True):
                    args = [*ij]
                    for chunk, v in zip(win, cell, strict=True):
                        args += chunk
                        args.append(nums[v])
                    args += map(fmt.__getitem__, cell)
                    args += end
                    lines.append(line % tuple(args))
            title = T(f"Filter {k}: sum over its {c} channel(s), then add b{sub(k)} = {num(b_l[k])}",
                      f"filter {k}:对 {c} 个通道的窗口求和,再加 b{sub(k)} = {num(b_l[k])}")
            steps.append(Step(title, formula if k == 0 else "", "\n".join(lines), out_l[k]))
        steps.append(Step(T(f"Stack the {kk} feature maps, filter 0 first: K×H₂×W₂ = {kk}×{h2}×{w2}",
                            f"把 {kk} 张特征图按 filter 顺序(filter 0 在前)叠起来:K×H₂×W₂ = {kk}×{h2}×{w2}"),
                          "", "", out_l,
                          T("One feature map per filter: the output depth is the number of filters",
                            "每个 filter 输出一张特征图:输出深度等于 filter 个数")))
        return Solution(out_l, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = np.asarray(p["input"], dtype=float)
        w = np.asarray(p["kernels"], dtype=float)
        b = self._biases(p)
        s, pd, act = p["stride"], p["padding"], p["activation"]
        first = self._first_filter_step(p)
        last = first + w.shape[0]
        parts = multi_conv_parts(x, w, s, pd)

        def finish(z: np.ndarray, relu: bool = act == "relu") -> list:
            return (np.maximum(z, 0) if relu else z).tolist()

        right = parts.sum(axis=3) + b[:, None, None]
        out: list[Mistake] = []
        if x.shape[0] > 1:
            out.append(Mistake("convm.one_channel",
                               T("Each filter spans every input channel: add the window sums of all "
                                 "channels, not only channel 0.",
                                 "每个 filter 覆盖所有输入通道:要把各通道的窗口和相加,不能只算通道 0。"),
                               finish(parts[..., 0] + b[:, None, None]), first))
        if np.any(b != 0):
            out.append(Mistake("convm.forgot_bias",
                               T("Add each filter's bias bₖ to every entry of its feature map.",
                                 "每个 filter 的偏置 bₖ 要加到它的特征图的每个元素上。"),
                               finish(right - b[:, None, None]), first))
        out.append(Mistake("convm.flipped_kernel",
                           T("This flips the kernels (true convolution); CNN layers cross-correlate: "
                             "no flip.",
                             "这是翻转卷积核的数学卷积;CNN 中用的是互相关,不翻转。"),
                           finish(multi_conv_parts(x, w[:, :, ::-1, ::-1], s, pd).sum(axis=3)
                                  + b[:, None, None]), first))
        if w.shape[0] > 1:
            out.append(Mistake("convm.filter_order",
                               T("The feature maps are in filter order: filter 0's map comes first.",
                                 "特征图按 filter 顺序排列:filter 0 的特征图在前。"),
                               finish(right[::-1]), last))
        if pd:
            out.append(Mistake("convm.ignored_padding",
                               T("Pad every channel with zeros first.", "先在每个通道四周补零。"),
                               finish(multi_conv_parts(x, w, s, 0).sum(axis=3) + b[:, None, None]), 0))
        if s > 1:
            out.append(Mistake("convm.ignored_stride",
                               T(f"The window moves {s} positions at a time.", f"窗口每次移动 {s} 格。"),
                               finish(multi_conv_parts(x, w, 1, pd).sum(axis=3) + b[:, None, None]),
                               first - 1))
        if act == "relu":
            out.append(Mistake("convm.forgot_relu", T("Apply ReLU to every entry: negatives become 0.",
                                                      "每个元素都要过 ReLU:负数变为 0。"),
                               finish(right, relu=False), first))
        else:
            out.append(Mistake("convm.relu_not_asked",
                               T("The activation is the identity: keep negative values.",
                                 "激活函数是恒等函数:负数要保留。"), finish(right, relu=True), first))
        return out


CONV2D_MULTI = Conv2dMulti(
    name="conv2d_multi",
    summary=T("The full output of a convolution layer with K filters over a C-channel input.",
              "K 个 filter 的卷积层作用于 C 通道输入的完整输出。"),
    params=(
        Param("input", "tensor3", "the input x, C×H×W (one H×W matrix when C = 1)"),
        Param("kernels", "tensor4", "the K filters, K×C×F×F (filter k is kernels[k], C×F×F)"),
        Param("biases", "vector", "one bias per filter, K values (none: all 0)", default=None),
        Param("stride", "int", "stride S", default=1),
        Param("padding", "int", "zero padding P", default=0),
        Param("activation", "choice", "identity or relu", default="identity",
              choices=("identity", "relu")),
    ),
    knobs=(
        Knob("channels", "int", 2, "input channels C"),
        Knob("filters", "int", 2, "number of filters K"),
        Knob("input_size", "int", {"min": 3, "max": 5}, "input height = width"),
        Knob("kernel_size", "int", [2, 3], "kernel size F"),
        Knob("stride", "int", [1, 2], "stride"),
        Knob("padding", "int", [0, 1], "zero padding"),
        Knob("values", "number", [-2, -1, 0, 1, 2], "input entries"),
        Knob("weights", "number", [-1, 0, 1], "kernel entries"),
        Knob("bias", "number", [-1, 0, 1], "biases"),
        Knob("activation", "choice", ["identity", "relu"], "activation", ("identity", "relu")),
        Knob("min_output", "int", 2, "smallest output height/width"),
        Knob("max_output", "int", 3, "largest output height/width (each entry is worked by hand)"),
    ),
)


# ==============================================================================================
# fc_vs_conv_params
# ==============================================================================================

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
        errors = _at_least_one(p, ("in_channels", "out_channels"))
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
                    f"{b}。两层各有多少个参数?按 `conv: …; fc: …` 作答。{exact_clause(lang)}")
        b = "one bias per filter, and one per output for the fully connected layer" if p["bias"] \
            else "neither layer has biases"
        return (f"The input is {n}×{n}×{c} (H×W×C_in). A convolution layer applies {k} filters of size "
                f"{f}×{f} with stride {s} and zero padding {pd}. Compare it with a fully connected layer "
                f"with the same input and output sizes (H×W×C_in inputs, H₂×W₂×C_out outputs); {b}. "
                f"How many parameters does each layer have? Answer as `conv: …; fc: …`. "
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


FC_VS_CONV_PARAMS = FcVsConvParams(
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


# ==============================================================================================
# iou_nms
# ==============================================================================================

def box_area(b: list[float], plus: float = 0.0) -> float:
    return (b[2] - b[0] + plus) * (b[3] - b[1] + plus)


def overlap(a: list[float], b: list[float], plus: float = 0.0) -> tuple[float, float]:
    """Width and height of the intersection (0 when the boxes do not overlap)."""
    return (max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + plus),
            max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + plus))


def iou(a: list[float], b: list[float], plus: float = 0.0) -> float:
    iw, ih = overlap(a, b, plus)
    inter = iw * ih
    return inter / (box_area(a, plus) + box_area(b, plus) - inter)


def nms_keep(boxes: list[list[float]], scores: list[float], t: float, sort: bool = True,
             below: bool = False, greedy: bool = True) -> list[int]:
    """0/1 per box: greedy NMS (IoU > t suppresses), or one of the usual mistaken variants."""
    n = len(boxes)
    order = sorted(range(n), key=lambda i: (-scores[i], i)) if sort else list(range(n))
    gone = [False] * n
    keep = [0] * n
    for pos, i in enumerate(order):
        if gone[i] and greedy:
            continue
        if not gone[i]:
            keep[i] = 1
        for j in order[pos + 1:]:
            v = iou(boxes[i], boxes[j])
            if (v < t) if below else (v > t):
                gone[j] = True
    return keep


class IouNms(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        extent = k.int("extent")
        if mode == "iou":
            a = b = [0, 0, 1, 1]
            for _ in range(100):
                a, b = self._box(k, extent), self._box(k, extent)
                if a != b and min(overlap(a, b)) > 0:
                    break
            return {"mode": "iou", "boxes": [a, b]}
        n, t = k.int("boxes"), float(k.pick("threshold"))
        boxes: list[list[int]] = []
        scores: list[float] = []
        for _ in range(200):
            objects = [self._box(k, extent), self._box(k, extent)]
            boxes = [self._jitter(k, objects[i] if i < 2 else objects[k.below(2)], extent) for i in range(n)]
            pool = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5]
            scores = [pool.pop(k.below(len(pool))) for _ in range(n)]
            ious = [iou(boxes[i], boxes[j]) for i in range(n) for j in range(i + 1, n)]
            if any(v > 0 and abs(v - t) < 0.05 for v in ious):
                continue  # an IoU this close to the threshold is a coin toss by hand
            if len({tuple(b) for b in boxes}) < n:
                continue
            if 2 <= sum(nms_keep(boxes, scores, t)) < n:
                break
        return {"mode": "nms", "boxes": boxes, "scores": scores, "threshold": t}

    @staticmethod
    def _box(k: Knobs, extent: int) -> list[int]:
        w, h = k.int("size"), k.int("size")
        w, h = min(w, extent), min(h, extent)
        x1, y1 = k.below(extent - w + 1), k.below(extent - h + 1)
        return [x1, y1, x1 + w, y1 + h]

    @staticmethod
    def _jitter(k: Knobs, b: list[int], extent: int) -> list[int]:
        """The box with each corner moved by −1, 0 or 1, kept at least 2 wide and inside [0, extent]."""
        x1, y1, x2, y2 = (v + k.below(3) - 1 for v in b)
        x1, y1 = max(0, min(x1, extent - 2)), max(0, min(y1, extent - 2))
        return [x1, y1, min(extent, max(x2, x1 + 2)), min(extent, max(y2, y1 + 2))]

    def check(self, p: dict[str, Any]) -> list[str]:
        boxes = p["boxes"]
        errors = []
        if len(boxes[0]) != 4:
            return [f"each box must be 4 numbers (x1, y1, x2, y2), got {len(boxes[0])}"]
        for i, (x1, y1, x2, y2) in enumerate(boxes):
            if x2 <= x1 or y2 <= y1:
                errors.append(f"box {i} = {vec([x1, y1, x2, y2])} is empty: corners are (x1, y1, x2, y2) "
                              "with x2 > x1 and y2 > y1")
        if p["mode"] == "iou":
            if len(boxes) != 2:
                errors.append(f"mode 'iou' takes exactly 2 boxes (got {len(boxes)})")
            return errors
        if len(boxes) < 2:
            errors.append(f"mode 'nms' needs at least 2 boxes (got {len(boxes)})")
        if p["scores"] is None:
            errors.append("mode 'nms' needs the boxes' confidence scores ('scores')")
        elif len(p["scores"]) != len(boxes):
            errors.append(f"there are {len(boxes)} boxes but {len(p['scores'])} scores; "
                          "give one score per box")
        if not 0 <= p["threshold"] <= 1:
            errors.append(f"threshold must be an IoU between 0 and 1 (got {num(p['threshold'])})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        zh = lang == "zh"
        boxes = p["boxes"]
        if p["mode"] == "iou":
            a, b = vec(boxes[0]), vec(boxes[1])
            if zh:
                return (f"两个边框以角点形式 (x1, y1, x2, y2) 给出:A = {a},B = {b}"
                        f"(宽 = x2 − x1,高 = y2 − y1)。求它们的交并比 IoU。{decimals_clause(lang, decimals)}")
            return (f"Two boxes are given by their corners (x1, y1, x2, y2): A = {a} and B = {b} (width = "
                    f"x2 − x1, height = y2 − y1). Compute their intersection over union, IoU. "
                    f"{decimals_clause(lang, decimals)}")
        n = len(boxes)
        sep = ";" if zh else "; "
        listed = sep.join(f"{i}: {vec(bx)} ({num(s)})" for i, (bx, s) in enumerate(
            zip(boxes, p["scores"], strict=True)))
        t = num(p["threshold"])
        if zh:
            return (f"检测器输出 {n} 个边框(角点形式 (x1, y1, x2, y2),括号内为置信度):{listed}。"
                    f"用 IoU 阈值 {t} 做非极大值抑制(NMS):与已保留的框 IoU > {t} 的框被抑制。"
                    f"哪些框被保留?按输入顺序给出长度为 {n} 的向量,保留为 1、抑制为 0(如 [1, 0, 1])。")
        return (f"A detector outputs {n} boxes (corners (x1, y1, x2, y2), confidence in brackets): "
                f"{listed}. Run non-maximum suppression with IoU threshold {t}: a box whose IoU with a "
                f"kept box is above {t} is suppressed. Which boxes are kept? Answer with a vector of {n} "
                f"in the input order: 1 if kept, 0 if suppressed (e.g. [1, 0, 1]).")

    def solve(self, p: dict[str, Any]) -> Solution:
        boxes = p["boxes"]
        if p["mode"] == "iou":
            return self._solve_iou(boxes[0], boxes[1])
        return self._solve_nms(boxes, p["scores"], float(p["threshold"]))

    @staticmethod
    def _area_line(name: str, b: list[float]) -> str:
        return f"{name} = ({num(b[2])} − {paren(b[0])})·({num(b[3])} − {paren(b[1])}) = {num(box_area(b))}"

    def _solve_iou(self, a: list[float], b: list[float]) -> Solution:
        area_a, area_b = box_area(a), box_area(b)
        iw, ih = overlap(a, b)
        inter = iw * ih
        union = area_a + area_b - inter
        value = inter / union
        corners = [max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])]
        steps = [
            Step(T("Area of each box", "两个框的面积"), "area = (x2 − x1)·(y2 − y1)",
                 self._area_line("A", a) + "\n" + self._area_line("B", b), [area_a, area_b]),
            Step(T("Intersection: the overlap rectangle", "交集:重叠的矩形"),
                 "w = max(0, min(x2) − max(x1)), h = max(0, min(y2) − max(y1)), I = w·h",
                 f"w = max(0, {num(corners[2])} − {paren(corners[0])}) = {num(iw)}, "
                 f"h = max(0, {num(corners[3])} − {paren(corners[1])}) = {num(ih)}, "
                 f"I = {num(iw)}·{num(ih)}", inter),
            Step(T("Union: both areas, minus the overlap counted twice", "并集:两面积之和减去重复计算的交集"),
                 "U = A + B − I", f"{num(area_a)} + {num(area_b)} − {num(inter)}", union),
            Step(T("Intersection over union", "交并比"), "IoU = I / U", f"{num(inter)}/{num(union)}", value),
        ]
        return Solution(value, steps)

    def _solve_nms(self, boxes: list[list[float]], scores: list[float], t: float) -> Solution:
        n = len(boxes)
        areas = [box_area(b) for b in boxes]
        order = sorted(range(n), key=lambda i: (-scores[i], i))
        table = [[1.0] * n for _ in range(n)]
        lines = []
        for i in range(n):
            for j in range(i + 1, n):
                iw, ih = overlap(boxes[i], boxes[j])
                inter = iw * ih
                v = inter / (areas[i] + areas[j] - inter)
                table[i][j] = table[j][i] = v
                lines.append(f"IoU({i},{j}): I = {num(iw)}·{num(ih)} = {num(inter)}; "
                             f"{num(inter)}/({num(areas[i])} + {num(areas[j])} − {num(inter)}) = {num(v)}")
        tt = num(t)
        steps = [
            Step(T("Area of each box", "各框面积"), "area = (x2 − x1)·(y2 − y1)",
                 "\n".join(self._area_line(f"A{sub(i)}", b) for i, b in enumerate(boxes)), areas),
            Step(T("Sort the boxes by confidence, highest first", "按置信度从高到低排序"), "",
                 " > ".join(f"{i} ({num(scores[i])})" for i in order), order,
                 T("Equal scores keep the input order", "置信度相同时保持输入顺序")
                 if len(set(scores)) < n else None),
            Step(T("IoU of every pair: I / (A + B − I)", "两两之间的 IoU:I / (A + B − I)"),
                 "IoU = I / (A + B − I)", "\n".join(lines), table),
        ]
        gone = [False] * n
        keep = [0] * n
        kept: list[int] = []
        for pos, i in enumerate(order):
            if gone[i]:
                continue
            keep[i] = 1
            kept.append(i)
            rest = [j for j in order[pos + 1:] if not gone[j]]
            work = []
            for j in rest:
                v = table[i][j]
                if v > t:
                    gone[j] = True
                    work.append(f"IoU({i},{j}) = {num(v)} > {tt} → ✗ {j}")
                else:
                    work.append(f"IoU({i},{j}) = {num(v)} ≤ {tt} → ✓ {j}")
            steps.append(Step(T(f"Keep box {i}, the most confident box left ({num(scores[i])}); "
                                f"suppress the remaining boxes that overlap it by IoU > {tt}",
                                f"保留框 {i}(剩余框中置信度最高,{num(scores[i])});"
                                f"抑制与它 IoU > {tt} 的剩余框"),
                              "", "\n".join(work), list(kept),
                              T("✗ suppressed, ✓ stays for now; the result lists the boxes kept so far",
                                "✗ 被抑制,✓ 暂时保留;结果为目前已保留的框") if work else
                              T("No boxes left to compare", "没有剩余的框需要比较")))
        steps.append(Step(T("Kept (1) or suppressed (0), in the input order",
                            "按输入顺序:保留为 1,抑制为 0"), "", "", keep))
        return Solution(keep, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        boxes = p["boxes"]
        if p["mode"] == "iou":
            a, b = boxes
            iw, ih = overlap(a, b)
            inter = iw * ih
            return [
                Mistake("iou.sum_of_areas",
                        T("The union is A + B − I: the overlap is counted in both areas, subtract it once.",
                          "并集是 A + B − I:交集在两个面积里都算了一次,要减去一次。"),
                        inter / (box_area(a) + box_area(b)), 2),
                Mistake("iou.over_smaller",
                        T("IoU divides by the union, not by the smaller box's area.",
                          "IoU 除以并集,而不是较小框的面积。"), inter / min(box_area(a), box_area(b)), 2),
                Mistake("iou.pixel_inclusive",
                        T("With corner coordinates the width is x2 − x1 (no + 1; that is for "
                          "inclusive pixel indexes).",
                          "角点坐标下宽度是 x2 − x1(不加 1;加 1 是包含端点的像素下标的约定)。"),
                        iou(a, b, 1.0), 0),
            ]
        scores, t = p["scores"], float(p["threshold"])
        first_round = 3
        return [
            Mistake("nms.suppressed_below",
                    T("NMS suppresses the boxes that overlap a kept box by more than the threshold "
                      "(IoU > t); boxes that overlap less are other objects and stay.",
                      "NMS 抑制的是与已保留框重叠超过阈值(IoU > t)的框;重叠较少的是别的物体,应保留。"),
                    nms_keep(boxes, scores, t, below=True), first_round),
            Mistake("nms.unsorted",
                    T("Sort by confidence first: each round keeps the most confident box left.",
                      "先按置信度排序:每一轮保留剩余框中置信度最高的。"),
                    nms_keep(boxes, scores, t, sort=False), 1),
            Mistake("nms.suppressed_box_suppresses",
                    T("A suppressed box is removed: it no longer suppresses other boxes.",
                      "被抑制的框已被移除,不能再去抑制其他框。"),
                    nms_keep(boxes, scores, t, greedy=False), first_round),
        ]


IOU_NMS = IouNms(
    name="iou_nms",
    summary=T("Intersection over union of two boxes, and which boxes non-maximum suppression keeps.",
              "两个边框的交并比(IoU),以及非极大值抑制(NMS)保留哪些框。"),
    params=(
        Param("mode", "choice", "iou: the IoU of two boxes; nms: which boxes NMS keeps", default="iou",
              choices=("iou", "nms")),
        Param("boxes", "matrix", "one box per row, corners x1, y1, x2, y2 (x2 > x1, y2 > y1)"),
        Param("scores", "vector", "nms: each box's confidence", default=None),
        Param("threshold", "number", "nms: boxes with IoU above it with a kept box are suppressed",
              default=0.5),
    ),
    knobs=(
        Knob("mode", "choice", ["iou", "nms"], "which question", ("iou", "nms")),
        Knob("extent", "int", 10, "boxes lie in the square [0, extent]²"),
        Knob("size", "int", {"min": 2, "max": 6}, "box width and height"),
        Knob("boxes", "int", {"min": 3, "max": 5}, "nms: number of boxes"),
        Knob("threshold", "number", [0.3, 0.4, 0.5], "nms: IoU threshold"),
    ),
)


# ==============================================================================================
# yolo_grid
# ==============================================================================================

class YoloGrid(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        mode = k.pick("mode")
        s = k.int("grid")
        if mode != "cell":
            return {"mode": mode, "grid": s, "boxes": k.int("boxes"), "classes": k.int("classes")}
        cw, ch = k.int("cell_width"), k.int("cell_height")
        # Centres strictly inside a cell: a centre on a grid line is a convention, not arithmetic.
        x = k.below(s) * cw + 1 + k.below(max(cw - 1, 1))
        y = k.below(s) * ch + 1 + k.below(max(ch - 1, 1))
        return {"mode": "cell", "grid": s, "image_width": s * cw, "image_height": s * ch, "x": x, "y": y}

    def check(self, p: dict[str, Any]) -> list[str]:
        errors = _at_least_one(p, ("grid",))
        if p["grid"] > 10_000:
            errors.append(f"grid must be at most 10000 (got {p['grid']})")
        if p["mode"] == "cell":
            errors += _at_least_one(p, ("image_width", "image_height"))
            for axis, size in (("x", "image_width"), ("y", "image_height")):
                v = p[axis]
                if v is None:
                    errors.append(f"mode 'cell' needs the object's centre '{axis}' (pixels)")
                elif not 0 <= v < p[size]:
                    errors.append(f"{axis} must be inside the image: 0 ≤ {axis} < {size} = {p[size]} "
                                  f"(got {num(v)})")
            return errors
        errors += _at_least_one(p, ("boxes", "classes"))
        for name in ("boxes", "classes"):
            if p[name] > 100_000:
                errors.append(f"{name} must be at most 100000 (got {p[name]})")
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        s, zh = p["grid"], lang == "zh"
        if p["mode"] == "cell":
            w, h, x, y = p["image_width"], p["image_height"], num(p["x"]), num(p["y"])
            if zh:
                return (f"YOLO 把 {w}×{h}(宽×高)的图像划分成 S×S = {s}×{s} 的网格。一个物体的中心在 "
                        f"(x, y) = ({x}, {y}) 像素处(原点在左上角,x 向右,y 向下)。哪个网格单元负责检测它?"
                        f"行、列都从 0 开始编号,按 `row: …; col: …` 作答。{exact_clause(lang)}")
            return (f"YOLO divides a {w}×{h} (width×height) image into an S×S = {s}×{s} grid. An object's "
                    f"centre is at (x, y) = ({x}, {y}) pixels (origin at the top left, x to the right, y "
                    f"down). Which grid cell is responsible for detecting it? Count rows and columns from "
                    f"0 and answer as `row: …; col: …`. {exact_clause(lang)}")
        b, c = p["boxes"], p["classes"]
        if zh:
            what = "输出张量的深度(每个网格单元的输出个数)" if p["mode"] == "depth" else "输出张量的元素总数"
            return (f"YOLOv1 把图像分成 S×S = {s}×{s} 的网格,每个网格单元预测 B = {b} 个边框"
                    f"(每个框 x, y, w, h 和置信度)以及 C = {c} 个类别概率(每个单元一组,B 个框共用)。"
                    f"求{what}。{exact_clause(lang)}")
        what = ("the depth of the output tensor (outputs per grid cell)" if p["mode"] == "depth"
                else "the total number of values in the output tensor")
        return (f"YOLOv1 divides the image into an S×S = {s}×{s} grid; each cell predicts B = {b} boxes "
                f"(x, y, w, h and a confidence each) and C = {c} class probabilities (one set per cell, "
                f"shared by its B boxes). What is {what}? {exact_clause(lang)}")

    @staticmethod
    def _cell(p: dict[str, Any], width_for_height: bool = False) -> tuple[int, int]:
        s, w, h = p["grid"], p["image_width"], p["image_height"]
        return (math.floor(p["y"] * s / (w if width_for_height else h)), math.floor(p["x"] * s / w))

    def solve(self, p: dict[str, Any]) -> Solution:
        s = p["grid"]
        if p["mode"] != "cell":
            b, c = p["boxes"], p["classes"]
            depth = b * 5 + c
            steps = [
                Step(T("Numbers per box: x, y, w, h and a confidence", "每个框的输出:x, y, w, h 和置信度"),
                     "B·5", f"{b}·5", b * 5),
                Step(T("Depth: the boxes plus one set of class probabilities per cell",
                       "深度:B 个框的输出加上每个单元一组类别概率"), "B·5 + C", f"{b * 5} + {c}", depth,
                     T("In YOLOv1 the class probabilities belong to the cell, not to each box "
                       "(VOC: 7×7×30 with B = 2, C = 20)",
                       "YOLOv1 中类别概率属于网格单元,不属于每个框(VOC:B = 2、C = 20 时为 7×7×30)")),
            ]
            if p["mode"] == "depth":
                return Solution(depth, steps)
            steps.append(Step(T("All cells: S·S cells, each with that depth",
                                "所有单元:S·S 个单元,每个有这么多输出"),
                              "S·S·(B·5 + C)", f"{s}·{s}·{depth}", s * s * depth))
            return Solution(s * s * depth, steps)
        w, h, x, y = p["image_width"], p["image_height"], p["x"], p["y"]
        row, col = self._cell(p)
        fx, fy = x * s / w, y * s / h
        steps = [
            Step(T("Size of one cell", "每个网格单元的大小"), "W/S × H/S",
                 f"{w}/{s} = {num(w / s)}, {h}/{s} = {num(h / s)}", [w / s, h / s]),
            Step(T("Column: x runs along the width", "列:x 沿宽度方向"), "col = ⌊x / (W/S)⌋ = ⌊x·S/W⌋",
                 f"⌊{num(x)}·{s}/{w}⌋ = ⌊{num(fx)}⌋", col),
            Step(T("Row: y runs down the height", "行:y 沿高度方向"), "row = ⌊y / (H/S)⌋ = ⌊y·S/H⌋",
                 f"⌊{num(y)}·{s}/{h}⌋ = ⌊{num(fy)}⌋", row),
            Step(T("The responsible cell (counted from 0)", "负责检测的单元(从 0 开始编号)"), "", "",
                 [row, col],
                 T(f"The network then predicts the centre's offset inside this cell: "
                   f"({num(fx - col)}, {num(fy - row)}) in cell widths and heights",
                   f"网络再预测中心在该单元内的偏移:({num(fx - col)}, {num(fy - row)})(以单元宽、高为单位)")),
        ]
        return Solution({"row": row, "col": col}, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        s = p["grid"]
        if p["mode"] != "cell":
            b, c = p["boxes"], p["classes"]
            scale = 1 if p["mode"] == "depth" else s * s
            out = [
                Mistake("yolo.forgot_box_numbers",
                        T("Each box has 5 numbers (x, y, w, h, confidence): B·5, not B.",
                          "每个框有 5 个数(x, y, w, h, 置信度):是 B·5,不是 B。"), (b + c) * scale, 0),
                Mistake("yolo.times_five_after_sum",
                        T("Only the boxes have 5 numbers each: B·5 + C, not (B + C)·5.",
                          "只有框才各有 5 个数:是 B·5 + C,不是 (B + C)·5。"), (b + c) * 5 * scale, 1),
                Mistake("yolo.classes_per_box",
                        T("In YOLOv1 the class probabilities are predicted once per cell, not once per box "
                          "(B·(5 + C) is the per-anchor layout of YOLOv2 and later).",
                          "YOLOv1 中每个单元只预测一组类别概率,而不是每个框一组"
                          "(B·(5 + C) 是 YOLOv2 之后按 anchor 的布局)。"),
                        b * (5 + c) * scale, 1),
            ]
            if p["mode"] == "total":
                out.append(Mistake("yolo.grid_not_squared",
                                   T("The grid has S·S cells, not S.", "网格有 S·S 个单元,不是 S 个。"),
                                   s * (b * 5 + c), 2))
            return out
        row, col = self._cell(p)
        out = [
            Mistake("yolo.swapped_row_col",
                    T("x runs along the width, so it gives the column; y gives the row.",
                      "x 沿宽度方向,决定列;y 决定行。"), {"row": col, "col": row}, 1),
            Mistake("yolo.one_based",
                    T("Rows and columns are counted from 0 here.", "这里行、列从 0 开始编号。"),
                    {"row": row + 1, "col": col + 1}, 3),
            Mistake("yolo.rounded",
                    T("Take the floor, not the nearest whole number: the centre belongs to the cell it "
                      "falls in, even past the cell's middle.",
                      "要向下取整,不能四舍五入:中心落在哪个单元就属于哪个单元,过了单元中线也一样。"),
                    {"row": math.floor(p["y"] * s / p["image_height"] + 0.5),
                     "col": math.floor(p["x"] * s / p["image_width"] + 0.5)}, 1),
            Mistake("yolo.divided_by_grid",
                    T("Divide by the cell size W/S (and H/S), not by the number of cells S.",
                      "要除以单元大小 W/S(和 H/S),而不是单元个数 S。"),
                    {"row": math.floor(p["y"] / s), "col": math.floor(p["x"] / s)}, 0),
        ]
        if p["image_width"] != p["image_height"]:
            out.append(Mistake("yolo.width_for_height",
                               T("The row uses the cell height H/S, not the cell width.",
                                 "行要用单元的高 H/S,不是单元的宽。"),
                               {"row": self._cell(p, width_for_height=True)[0], "col": col}, 2))
        return out


YOLO_GRID = YoloGrid(
    name="yolo_grid",
    summary=T("The YOLO grid cell responsible for an object, and the size of YOLOv1's output tensor.",
              "YOLO 中负责检测某物体的网格单元,以及 YOLOv1 输出张量的大小。"),
    params=(
        Param("mode", "choice", "cell: the responsible cell; depth: B·5 + C; total: S·S·(B·5 + C)",
              default="cell", choices=("cell", "depth", "total")),
        Param("grid", "int", "grid size S (S×S cells)", default=7),
        Param("image_width", "int", "cell: image width W in pixels", default=448),
        Param("image_height", "int", "cell: image height H in pixels", default=448),
        Param("x", "number", "cell: the object's centre x (pixels, from the left)", default=None),
        Param("y", "number", "cell: the object's centre y (pixels, from the top)", default=None),
        Param("boxes", "int", "depth/total: boxes per cell B", default=2),
        Param("classes", "int", "depth/total: classes C", default=20),
    ),
    knobs=(
        Knob("mode", "choice", ["cell", "depth", "total"], "which question", ("cell", "depth", "total")),
        Knob("grid", "int", [3, 4, 5, 7], "grid size S"),
        Knob("cell_width", "int", [32, 64], "cell: cell width in pixels (image width = S·this)"),
        Knob("cell_height", "int", [32, 64], "cell: cell height in pixels (image height = S·this)"),
        Knob("boxes", "int", [1, 2, 3], "depth/total: boxes per cell"),
        Knob("classes", "int", [3, 10, 20, 80], "depth/total: classes"),
    ),
    exact=True,
)


# ==============================================================================================
# inception_cost
# ==============================================================================================

INCEPTION_MODES = ("stacked_3x3", "asymmetric", "bottleneck")


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
        errors = _at_least_one(p, ("in_channels", "out_channels"))
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
            return (f"比较{what}的参数个数({b})。按 `direct: …; factored: …` 作答(direct 为直接卷积,"
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
        return (f"Compare the parameters of {what}; {b}. Answer as `direct: …; factored: …`. "
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
            steps.append(Step(T(f"Layer {index + 1}: {name}, {lin} → {lout} channels",
                                f"第 {index + 1} 层:{name},{lin} → {lout} 通道"),
                              f"kₕ·k_w·C_in·C_out{' + C_out' if b else ''}",
                              f"{kernel}·{lin}·{lout}" + (f" + {lout}" if b else ""), count, note))
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
        factored = sum(area * lin * lout + b * lout for _, _, area, lin, lout in layers)
        n = len(layers)
        out = [Mistake("inception.forgot_channels",
                       T("Each weight connects an input channel to an output channel: kₕ·k_w·C_in·C_out "
                         "per layer, not only the kernel's kₕ·k_w.",
                         "每个权重连接一个输入通道和一个输出通道:每层 kₕ·k_w·C_in·C_out,"
                         "不只是卷积核大小 kₕ·k_w。"),
                       {"direct": f * f, "factored": sum(area for _, _, area, _, _ in layers)}, 0)]
        if b:
            out.append(Mistake("inception.forgot_bias",
                               T("Each layer also has one bias per output channel.",
                                 "每层每个输出通道还有一个偏置。"),
                               {"direct": direct - b * co,
                                "factored": factored - sum(lout for *_, lout in layers)}, 0))
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


INCEPTION_COST = InceptionCost(
    name="inception_cost",
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

KINDS_VISION: tuple[Kind, ...] = (CONV2D_MULTI, FC_VS_CONV_PARAMS, IOU_NMS, YOLO_GRID, INCEPTION_COST)
