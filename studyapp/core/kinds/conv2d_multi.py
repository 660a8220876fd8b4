"""conv2d_multi: the whole output of a convolution layer, K filters over a C-channel input,
worked entry by entry (cross-correlation: no kernel flip)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Grid
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.conv_sizes import output_size_step, pick_fitting, size_checks
from studyapp.core.kinds.nnmath import output_size, pad
from studyapp.core.kinds.window_figures import map_figure, map_places, plane_names, sliding_grids
from studyapp.core.kinds.wording import T, decimals_clause, plural
from studyapp.core.numfmt import format_value, num, paren, sub
from studyapp.core.steps import Step


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
    parts: np.ndarray = np.einsum("pcf,kcf->kpc", cols, w.reshape(k, c, f * f))
    return parts.reshape(k, (hp - f) // s + 1, (wp - f) // s + 1, c)


class Conv2dMulti(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        c, n_filters = k.int("channels"), k.int("filters")
        smallest, largest = k.int("min_output"), k.int("max_output")
        for _ in range(50):
            w, f, p, s = pick_fitting(k, "input_size", "kernel_size", True, largest)
            if output_size(w, f, p, s) >= smallest:
                break
        for _ in range(20):  # an all-zero feature map (ReLU of all negatives) teaches nothing
            kernels = k.values("weights", (n_filters, c, f, f))
            for index in range(n_filters):
                for _ in range(20):  # a filter of zeros teaches nothing
                    if any(v for plane in kernels[index] for row in plane for v in row):
                        break
                    kernels[index] = k.values("weights", (c, f, f))
            p_ = {"input": k.values("values", (c, w, w)), "kernels": kernels,
                  "biases": k.values("bias", (n_filters,)), "stride": s, "padding": p,
                  "activation": k.pick("activation")}
            if p_["activation"] != "relu" or all(fmap.any() for fmap in self._forward(p_)):
                break  # (with the identity, a map of zeros needs every sum to cancel: never seen)
        return p_

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
        h, w = len(p["input"][0]), len(p["input"][0][0])
        f = len(p["kernels"][0][0])
        return (len(p["kernels"]), output_size(h, f, p["padding"], p["stride"]),
                output_size(w, f, p["padding"], p["stride"]))

    @staticmethod
    def _biases(p: dict[str, Any]) -> np.ndarray:
        b = p["biases"]
        return np.zeros(len(p["kernels"])) if b is None else np.asarray(b, dtype=float)

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        c, h, w = len(p["input"]), len(p["input"][0]), len(p["input"][0][0])
        kk, h2, w2 = self.out_shape(p)
        f = len(p["kernels"][0][0])
        b = [0.0] * kk if p["biases"] is None else [float(v) for v in p["biases"]]
        zh = lang == "zh"
        filters = (";" if zh else "; ").join([
            f"w{sub(i)} = {format_value(p['kernels'][i])}, b{sub(i)} = {num(b[i])}" for i in range(kk)])
        act = "ReLU" if p["activation"] == "relu" else (
            "恒等(无激活)" if zh else "the identity (no activation)")
        if zh:
            return (f"一个卷积层有 K = {kk} 个 filter,每个为 C×F×F = {c}×{f}×{f},作用于输入 x"
                    f"(C×H×W = {c}×{h}×{w},按通道给出),步幅 S = {p['stride']},零填充 P = {p['padding']},"
                    f"激活函数为{act}。{filters}(每个 filter 按通道列出 F×F 核)。每个输出元素为 "
                    f"aₖ(i,j) = f(Σ_c Σ_u Σ_v wₖ[c,u,v]·x[c, i·S+u, j·S+v] + bₖ),即互相关,不翻转卷积核。"
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
        xp_l = xp.tolist()  # the padding step's result and the figures' input planes
        if pd:
            steps.append(Step(T(f"Pad every channel with {plural(pd, 'ring', 'rings')} of zeros",
                                f"每个通道四周补 {pd} 圈 0"), "", "", xp_l))
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
        # The figures share the padded planes; each filter's adds its own kernel planes and map.
        inputs = [Grid(name, plane, pd) for name, plane in zip(plane_names("x", c), xp_l, strict=True)]
        places = map_places(c, h2, w2, s, f)
        tail = " = %s" + (", ReLU(%s) = %s" if relu else "")
        for k in range(kk):
            kernels = [" + ".join([v + "·%s" for v in wf[(k * c + ch) * ff:(k * c + ch + 1) * ff]])
                       for ch in range(c)]
            bias = fmt[b_l[k]]
            z_k, out_k = z_all[k], out_all[k]
            ends = ([(nums[z], nums[z], nums[o]) for z, o in zip(z_k, out_k, strict=True)] if relu
                    else [(nums[z],) for z in z_k])
            if c == 1:
                line = f"a{sub(k)}(%d,%d) = {kernels[0]} + {bias}{tail}"
                lines = [line % (*ij, *win[0], *end) for ij, win, end in zip(cells, wins, ends, strict=True)]
            else:
                chans = "; ".join([f"ch{ch}: {kernels[ch]} = %s" for ch in range(c)])
                line = f"a{sub(k)}(%d,%d): {chans}; {' + '.join(['%s'] * c)} + {bias}{tail}"
                lines = []
                for ij, win, cell, end in zip(cells, wins, parts[k], ends, strict=True):
                    args: list[int | str] = [*ij]
                    for chunk, v in zip(win, cell, strict=True):
                        args += chunk
                        args.append(nums[v])
                    args += map(fmt.__getitem__, cell)
                    args += end
                    lines.append(line % tuple(args))
            title = T(f"Filter {k}: sum over its {plural(c, 'channel', 'channels')}, "
                      f"then add b{sub(k)} = {num(b_l[k])}",
                      f"filter {k}:对 {c} 个通道的窗口求和,再加 b{sub(k)} = {num(b_l[k])}")
            kernel_grids = [Grid(name, plane) for name, plane in
                            zip(plane_names(f"w{sub(k)}", c), p["kernels"][k], strict=True)]
            grids = sliding_grids(inputs, kernel_grids, Grid(f"a{sub(k)}", out_l[k]))
            caption = T(f"The windows on x times w{sub(k)}, summed, plus b{sub(k)}, make the marked cell",
                        f"x 上的窗口与 w{sub(k)} 逐元素相乘求和,再加 b{sub(k)},得到标出的元素")
            steps.append(Step(title, formula if k == 0 else "", "\n".join(lines), out_l[k],
                              figure=map_figure(caption, grids, places, lines)))
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

        def finish(z: np.ndarray, relu: bool = act == "relu") -> list[list[list[float]]]:
            maps: list[list[list[float]]] = (np.maximum(z, 0) if relu else z).tolist()
            return maps

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

    def _forward(self, p: dict[str, Any]) -> np.ndarray:
        """The K feature maps (K×H₂×W₂) of params, for the generator's check."""
        x = np.asarray(p["input"], dtype=float)
        parts = multi_conv_parts(x, np.asarray(p["kernels"], dtype=float), p["stride"], p["padding"])
        z: np.ndarray = parts.sum(axis=3) + self._biases(p)[:, None, None]
        return np.maximum(z, 0) if p["activation"] == "relu" else z


KIND = Conv2dMulti(
    name="conv2d_multi",
    figures=("grids",),
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
