"""conv2d: the feature map of one filter over a (multi-channel) input, with stride, zero padding
and an optional ReLU; cross-correlation, as CNN layers compute it (no kernel flip)."""

from __future__ import annotations

import math
from itertools import chain
from operator import mul
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Grid
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.conv_sizes import output_size_step, pick_fitting, size_checks
from studyapp.core.kinds.like_numpy import pad_lists, relu, small_ints
from studyapp.core.kinds.nnmath import output_size, pad, windows
from studyapp.core.kinds.window_figures import plane_names, row_figure, sliding_grids
from studyapp.core.kinds.wording import T, decimals_clause, plural, shape_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

WINDOW_CAPTION = T("The window on the input times the kernel, summed, plus b, makes the marked cell",
                   "输入上的窗口与卷积核逐元素相乘求和再加 b,得到标出的输出元素")


def conv2d(x: np.ndarray, w: np.ndarray, b: float, s: int, p: int, act: str) -> np.ndarray:
    """Cross-correlation of a C×H×W input with one C×F×F filter, then the activation."""
    out: np.ndarray = np.einsum("ijcuv,cuv->ij", windows(pad(x, p), w.shape[1], s), w) + b
    return np.maximum(out, 0) if act == "relu" else out


def _any_positive(x: list[list[list[float]]], kernel: list[list[list[float]]], bias: float, s: int,
                  p: int) -> bool:
    """Whether some entry of the map is positive (survives the ReLU), on plain floats."""
    c, f = len(x), len(kernel[0])
    xp = pad_lists(x, p) if p else x
    size = len(xp[0])
    for i in range(0, size - f + 1, s):
        for j in range(0, size - f + 1, s):
            total = bias
            for ch in range(c):
                for u in range(f):
                    row, krow = xp[ch][i + u], kernel[ch][u]
                    for v in range(f):
                        total += krow[v] * row[j + v]
            if total > 0:
                return True
    return False


class Conv2d(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        c = k.int("channels")
        w, f, p, s = pick_fitting(k, "input_size", "kernel_size", True, k.int("max_output"))
        x = k.values("values", (c, w, w))
        kernel = k.values("weights", (c, f, f), avoid_zero=True)
        bias, act = float(k.pick("bias")), k.pick("activation")
        for _ in range(20):  # an all-zero feature map (ReLU of all negatives) teaches nothing
            if act != "relu" or _any_positive(x, kernel, bias, s, p):
                break  # (with the identity, a map of zeros needs every sum to cancel: never seen)
            x = k.values("values", (c, w, w))
            kernel = k.values("weights", (c, f, f), avoid_zero=True)
        return {"input": x, "kernel": kernel, "bias": bias,
                "stride": s, "padding": p, "activation": act}

    def check(self, p: dict[str, Any]) -> list[str]:
        c, h, w = np.shape(p["input"])
        kc, fh, fw = np.shape(p["kernel"])
        errors = []
        if kc != c:
            errors.append(f"the kernel has {kc} channels but the input has {c}; they must match")
        if fh != fw:
            errors.append(f"the kernel must be square (got {fh}×{fw})")
        errors += size_checks(min(h, w), fh, p["padding"], p["stride"])
        return errors

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        x, w = p["input"], p["kernel"]
        x_shape = f"{len(x)}×{len(x[0])}×{len(x[0][0])}"
        w_shape = f"{len(w)}×{len(w[0])}×{len(w[0][0])}"
        shape = self.solve_shape(p)
        act = "ReLU" if p["activation"] == "relu" else ("恒等" if lang == "zh" else "identity")
        if lang == "zh":
            return (f"输入 x({x_shape})与一个 filter w({w_shape})"
                    f"做卷积(互相关),偏置 b = {num(p['bias'])},步幅 {p['stride']},零填充 "
                    f"{p['padding']},激活函数 {act}:a(i,j) = f(Σ w·x + b)。求输出特征图。"
                    f"{shape_clause(lang, shape)}{decimals_clause(lang, decimals)}")
        return (f"Convolve (cross-correlate) the input x ({x_shape}) with one "
                f"filter w ({w_shape}), bias b = {num(p['bias'])}, stride "
                f"{p['stride']}, zero padding {p['padding']} and {act} activation: "
                f"a(i,j) = f(Σ w·x + b). Give the feature map. {shape_clause(lang, shape)} "
                f"{decimals_clause(lang, decimals)}")

    @staticmethod
    def solve_shape(p: dict[str, Any]) -> tuple[int, int]:
        x, f = p["input"], len(p["kernel"][0])
        return (output_size(len(x[0]), f, p["padding"], p["stride"]),
                output_size(len(x[0][0]), f, p["padding"], p["stride"]))

    def solve(self, p: dict[str, Any]) -> Solution:
        b, s, pd, act = float(p["bias"]), p["stride"], p["padding"], p["activation"]
        c, h, wid, f = len(p["input"]), len(p["input"][0]), len(p["input"][0][0]), len(p["kernel"][0])
        steps: list[Step] = []
        xp = pad_lists(p["input"], pd)
        names = plane_names("x", c)
        inputs = [Grid(name, plane, pd) for name, plane in zip(names, xp, strict=True)]
        if pd:
            steps.append(Step(T(f"Pad the input with {plural(pd, 'ring', 'rings')} of zeros",
                                f"在输入四周补 {pd} 圈 0"), "", "", xp[0] if c == 1 else xp))
        steps.append(output_size_step(h, f, pd, s, " (height)" if h != wid else ""))
        if h != wid:
            steps.append(output_size_step(wid, f, pd, s, " (width)"))
        hp, wp = len(xp[0]), len(xp[0][0])
        h2, w2 = (hp - f) // s + 1, (wp - f) // s + 1
        w_raw = [v for plane in p["kernel"] for row in plane for v in row]
        w_flat = [float(v) for v in w_raw]
        x_flat = [v for plane in xp for row in plane for v in row]
        offsets = [ch * hp * wp + u * wp + v for ch in range(c) for u in range(f) for v in range(f)]
        starts = [[i * s * wp + j * s for j in range(w2)] for i in range(h2)]
        if small_ints(w_raw) and small_ints(chain.from_iterable(chain.from_iterable(p["input"]))) \
                and (b or math.copysign(1.0, b) > 0):
            # whole numbers: every order of the sums is exact, so the plain loop is einsum's answer
            z_all = [[sum(map(mul, w_flat, [x_flat[base + o] for o in offsets])) + b for base in row]
                     for row in starts]
        else:
            z_all = conv2d(np.asarray(p["input"], dtype=float), np.asarray(p["kernel"], dtype=float),
                           b, s, pd, "identity").tolist()
        out_l = [[relu(z) for z in row] for row in z_all] if act == "relu" else z_all
        # Format every number once; the weights go into one %-template that each window fills
        # with its inputs (a look-up in a flat list each), one formatting per output entry.
        xf = [paren(v) for v in x_flat]
        terms = " + ".join([paren(v) + "·%s" for v in w_flat])
        bias = f" + {paren(b)} = "
        kernels = [Grid(name, plane) for name, plane in zip(plane_names("w", c), p["kernel"], strict=True)]
        grids = sliding_grids(inputs, kernels, Grid("a", out_l))
        for i, row in enumerate(starts):
            r0 = i * s
            lines = []
            for j, base in enumerate(row):
                z = num(z_all[i][j])
                relu_text = f", ReLU({z}) = {num(out_l[i][j])}" if act == "relu" else ""
                window = terms % tuple([xf[base + o] for o in offsets])
                lines.append(f"a({i},{j}) = {window}{bias}{z}{relu_text}")
            # One step per output row: each window's sum is one line, so every value shows.
            steps.append(Step(T(f"Output row {i}: windows on input rows {r0}–{r0 + f - 1}, "
                                f"moving {plural(s, 'column', 'columns')} at a time",
                                f"输出第 {i} 行:窗口位于输入第 {r0}–{r0 + f - 1} 行,每次右移 {s} 列"),
                              "a(i,j) = f(Σ w·x + b)" if i == 0 else "", "\n".join(lines), out_l[i],
                              figure=row_figure(WINDOW_CAPTION, grids, c, i, s, f, lines)))
        steps.append(Step(T("Feature map", "输出特征图"), "", "", out_l))
        return Solution(out_l, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = np.asarray(p["input"], dtype=float)
        w = np.asarray(p["kernel"], dtype=float)
        b, s, pd, act = float(p["bias"]), p["stride"], p["padding"], p["activation"]
        first_row = 2 if pd else 1

        def run(**kw: Any) -> list[list[float]]:
            args = {"x": x, "w": w, "b": b, "s": s, "p": pd, "act": act, **kw}
            rows: list[list[float]] = conv2d(**args).tolist()
            return rows

        out = [
            Mistake("conv.flipped_kernel",
                    T("This is true convolution (kernel flipped); CNN layers cross-correlate: no flip.",
                      "这是翻转卷积核的数学卷积;CNN 中用的是互相关,不翻转。"),
                    run(w=w[:, ::-1, ::-1]), first_row),
            Mistake("conv.forgot_bias", T("Add the bias b to every window's sum.",
                                          "每个窗口的和都要加上偏置 b。"),
                    run(b=0.0), first_row),
        ]
        if pd:
            out.append(Mistake("conv.ignored_padding", T("Pad the input with zeros first.",
                                                         "先在输入四周补零。"),
                               run(p=0), 0))
        if s > 1:
            out.append(Mistake("conv.ignored_stride", T(f"The window moves {s} positions at a time.",
                                                        f"窗口每次移动 {s} 格。"), run(s=1), first_row))
        if act == "relu":
            out.append(Mistake("conv.forgot_relu", T("Apply ReLU to every entry: negatives become 0.",
                                                     "每个元素都要过 ReLU:负数变为 0。"),
                               run(act="identity"), first_row))
        else:
            out.append(Mistake("conv.relu_not_asked",
                               T("The activation is the identity: keep negative values.",
                                 "激活函数是恒等函数:负数要保留。"),
                               run(act="relu"), first_row))
        return out


KIND = Conv2d(
    name="conv2d",
    figures=("grids",),
    summary=T("The feature map of one filter over a (multi-channel) input, with stride and padding.",
              "一个 filter 在(多通道)输入上按步幅和填充卷积得到的特征图。"),
    params=(
        Param("input", "tensor3", "the input x, C×H×W (one H×W matrix when C = 1)"),
        Param("kernel", "tensor3", "one filter w, C×F×F"),
        Param("bias", "number", "the filter's bias b", default=0.0),
        Param("stride", "int", "stride S", default=1),
        Param("padding", "int", "zero padding P", default=0),
        Param("activation", "choice", "identity or relu", default="identity",
              choices=("identity", "relu")),
    ),
    knobs=(
        Knob("channels", "int", 1, "input channels C"),
        Knob("input_size", "int", {"min": 4, "max": 5}, "input height = width"),
        Knob("kernel_size", "int", [2, 3], "kernel size F"),
        Knob("stride", "int", [1, 2], "stride"),
        Knob("padding", "int", [0, 1], "zero padding"),
        Knob("values", "number", {"min": -2, "max": 2}, "input entries"),
        Knob("weights", "number", {"min": -1, "max": 1}, "kernel entries"),
        Knob("bias", "number", {"min": -1, "max": 1}, "bias"),
        Knob("activation", "choice", ["identity", "relu"], "activation", ("identity", "relu")),
        Knob("max_output", "int", 3, "largest output height/width (each entry is worked by hand)"),
    ),
)
