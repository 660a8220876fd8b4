"""Convolution layers: output size, parameter count, and one feature map."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from studyapp.core.bilingual import T
from studyapp.core.diagnosis import Mistake
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import decimals_clause, exact_clause, shape_clause
from studyapp.core.numfmt import num, paren
from studyapp.core.steps import Step

OUTPUT_SIZE_FORMULA = "W₂ = ⌊(W − F + 2P) / S⌋ + 1"


def output_size(w: int, f: int, p: int, s: int) -> int:
    return (w - f + 2 * p) // s + 1


def output_size_step(w: int, f: int, p: int, s: int, axis: str = "") -> Step:
    span = w - f + 2 * p
    note = None
    if span % s:
        note = T(f"{span} is not a multiple of the stride {s}: the last positions do not fit "
                 "and are dropped (floor)",
                 f"{span} 不是步幅 {s} 的整数倍:最后放不下的位置被舍去(向下取整)")
    title = T(f"Output size{axis}", f"输出尺寸{axis}")
    work = f"⌊({w} − {f} + 2·{p}) / {s}⌋ + 1 = ⌊{span}/{s}⌋ + 1"
    return Step(title, OUTPUT_SIZE_FORMULA, work, output_size(w, f, p, s), note)


MAX_PADDING = 100


def size_checks(w: int, f: int, p: int, s: int, what: str = "input") -> list[str]:
    errors = []
    if s < 1:
        errors.append(f"stride must be at least 1 (got {s})")
    elif s > max(w + 2 * max(p, 0), 1):
        errors.append(f"stride {s} is larger than the padded {what} ({w + 2 * max(p, 0)}); "
                      "expected at most that")
    if p < 0:
        errors.append(f"padding must be 0 or more (got {p})")
    elif p > MAX_PADDING:
        errors.append(f"padding must be at most {MAX_PADDING} (got {p})")
    if f < 1:
        errors.append(f"kernel size must be at least 1 (got {f})")
    if w < 1:
        errors.append(f"{what} size must be at least 1 (got {w})")
    if not errors and f > w + 2 * p:
        errors.append(f"kernel size {f} is larger than the padded {what} ({w} + 2·{p} = {w + 2 * p})")
    return errors


def pick_fitting(k: Knobs, size_knob: str, kernel_knob: str, exact: bool,
                 max_output: int | None = None) -> tuple[int, ...]:
    """Draw (W, F, P, S) until the kernel fits and, if ``exact``, the stride divides evenly.

    ``max_output`` keeps the output small enough to work by hand.
    """
    w = f = p = s = 1
    for _ in range(200):
        w, f, p, s = k.int(size_knob), k.int(kernel_knob), k.int("padding"), k.int("stride")
        if f <= w + 2 * p and (not exact or (w - f + 2 * p) % s == 0) and (
            max_output is None or output_size(w, f, p, s) <= max_output
        ):
            return w, f, p, s
    raise ValueError(f"no draw of {size_knob}, {kernel_knob}, padding and stride fits in 200 tries "
                     "(the kernel must fit the padded input and the output be small enough)")


class ConvOutputSize(Kind):
    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        from studyapp.core.kinds import mistakes_layers

        return mistakes_layers.conv_output_size(p)

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
        step = output_size_step(p["input_size"], p["kernel_size"], p["padding"], p["stride"])
        return Solution(step.result, [step])


class ConvParamCount(Kind):
    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        from studyapp.core.kinds import mistakes_layers

        return mistakes_layers.conv_param_count(p)

    def generate(self, k: Knobs) -> dict[str, Any]:
        return {"kernel_size": k.int("kernel_size"), "in_channels": k.int("in_channels"),
                "filters": k.int("filters"), "bias": bool(k.pick("bias"))}

    def check(self, p: dict[str, Any]) -> list[str]:
        return [f"{name} must be at least 1 (got {p[name]})"
                for name in ("kernel_size", "in_channels", "filters") if p[name] < 1]

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        f, c, k = p["kernel_size"], p["in_channels"], p["filters"]
        if lang == "zh":
            b = "每个 filter 带一个偏置" if p["bias"] else "不带偏置"
            return (f"一个卷积层对 {c} 通道的输入使用 {k} 个 {f}×{f} 的 filter({b})。"
                    f"该层共有多少个可学习参数?{exact_clause(lang)}")
        b = "each with one bias" if p["bias"] else "without biases"
        return (f"A convolution layer applies {k} filters of size {f}×{f} to an input with {c} "
                f"channels, {b}. How many learnable parameters does it have? {exact_clause(lang)}")

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


def pad(x: np.ndarray, p: int) -> np.ndarray:
    """Zero padding of the two spatial axes of a C×H×W array."""
    if not p:
        return x
    out = np.zeros((x.shape[0], x.shape[1] + 2 * p, x.shape[2] + 2 * p))
    out[:, p:-p, p:-p] = x
    return out


def windows(x: np.ndarray, f: int, s: int) -> np.ndarray:
    """The F×F windows of a C×H×W array at stride S, as a read-only H₂×W₂×C×F×F view."""
    c, h, w = x.shape
    h2, w2 = (h - f) // s + 1, (w - f) // s + 1
    sc, sh, sw = x.strides
    return as_strided(x, (h2, w2, c, f, f), (sh * s, sw * s, sc, sh, sw), writeable=False)


def conv2d(x: np.ndarray, w: np.ndarray, b: float, s: int, p: int, act: str) -> np.ndarray:
    """Cross-correlation of a C×H×W input with one C×F×F filter, then the activation."""
    out = np.einsum("ijcuv,cuv->ij", windows(pad(x, p), w.shape[1], s), w) + b
    return np.maximum(out, 0) if act == "relu" else out


class Conv2d(Kind):
    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        from studyapp.core.kinds import mistakes_layers

        return mistakes_layers.conv2d_mistakes(p)

    def generate(self, k: Knobs) -> dict[str, Any]:
        c = k.int("channels")
        w, f, p, s = pick_fitting(k, "input_size", "kernel_size", True, k.int("max_output"))
        x = k.values("values", (c, w, w))
        kernel = k.values("weights", (c, f, f), avoid_zero=True)
        return {"input": x, "kernel": kernel, "bias": float(k.pick("bias")),
                "stride": s, "padding": p, "activation": k.pick("activation")}

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
        x, w = np.asarray(p["input"]), np.asarray(p["kernel"])
        shape = self.solve_shape(p)
        act = "ReLU" if p["activation"] == "relu" else ("恒等" if lang == "zh" else "identity")
        if lang == "zh":
            return (f"输入 x({'×'.join(map(str, x.shape))})与一个 filter w({'×'.join(map(str, w.shape))})"
                    f"做卷积(互相关),偏置 b = {num(p['bias'])},步幅 {p['stride']},零填充 "
                    f"{p['padding']},激活函数 {act}:a(i,j) = f(Σ w·x + b)。求输出特征图。"
                    f"{shape_clause(lang, shape)}{decimals_clause(lang, decimals)}")
        return (f"Convolve (cross-correlate) the input x ({'×'.join(map(str, x.shape))}) with one "
                f"filter w ({'×'.join(map(str, w.shape))}), bias b = {num(p['bias'])}, stride "
                f"{p['stride']}, zero padding {p['padding']} and {act} activation: "
                f"a(i,j) = f(Σ w·x + b). Give the feature map. {shape_clause(lang, shape)} "
                f"{decimals_clause(lang, decimals)}")

    @staticmethod
    def solve_shape(p: dict[str, Any]) -> tuple[int, int]:
        _, h, w = np.shape(p["input"])
        f = np.shape(p["kernel"])[1]
        return (output_size(h, f, p["padding"], p["stride"]),
                output_size(w, f, p["padding"], p["stride"]))

    def solve(self, p: dict[str, Any]) -> Solution:
        x = np.asarray(p["input"], dtype=float)
        w = np.asarray(p["kernel"], dtype=float)
        b, s, pd, act = float(p["bias"]), p["stride"], p["padding"], p["activation"]
        c, h, wid = x.shape
        f = w.shape[1]
        steps: list[Step] = []
        xp = pad(x, pd)
        if pd:
            steps.append(Step(T(f"Pad the input with {pd} ring(s) of zeros",
                                f"在输入四周补 {pd} 圈 0"), "", "",
                              xp[0].tolist() if c == 1 else xp.tolist()))
        steps.append(output_size_step(h, f, pd, s, " (height)" if h != wid else ""))
        if h != wid:
            steps.append(output_size_step(wid, f, pd, s, " (width)"))
        z_arr = conv2d(x, w, b, s, pd, "identity")
        out = np.maximum(z_arr, 0) if act == "relu" else z_arr
        z_all = z_arr.tolist()
        # Format every number once; a window's terms are then look-ups in flat lists.
        wf = [paren(v) for v in w.ravel().tolist()]
        xf = [paren(v) for v in xp.ravel().tolist()]
        hp, wp = xp.shape[1], xp.shape[2]
        offsets = [ch * hp * wp + u * wp + v for ch in range(c) for u in range(f) for v in range(f)]
        term = "{}·{}".format
        bias = f" + {paren(b)} = "
        out_l = out.tolist()
        for i in range(out.shape[0]):
            r0 = i * s
            lines = []
            for j in range(out.shape[1]):
                base = r0 * wp + j * s
                z = num(z_all[i][j])
                terms = " + ".join(map(term, wf, [xf[base + o] for o in offsets]))
                relu = f", ReLU({z}) = {num(out_l[i][j])}" if act == "relu" else ""
                lines.append(f"a({i},{j}) = {terms}{bias}{z}{relu}")
            # One step per output row: each window's sum is one line, so every value shows.
            steps.append(Step(T(f"Output row {i}: windows on input rows {r0}–{r0 + f - 1}, "
                                f"moving {s} column(s) at a time",
                                f"输出第 {i} 行:窗口位于输入第 {r0}–{r0 + f - 1} 行,每次右移 {s} 列"),
                              "a(i,j) = f(Σ w·x + b)" if i == 0 else "", "\n".join(lines), out_l[i]))
        steps.append(Step(T("Feature map", "输出特征图"), "", "", out.tolist()))
        return Solution(out.tolist(), steps)


CONV_OUTPUT_SIZE = ConvOutputSize(
    name="conv_output_size",
    summary=T("Width of a convolution's output from input size, kernel, padding and stride.",
              "由输入尺寸、卷积核、填充和步幅求卷积输出的宽度。"),
    params=(
        Param("input_size", "int", "input width W"),
        Param("kernel_size", "int", "kernel width F"),
        Param("padding", "int", "zero padding P on each side"),
        Param("stride", "int", "stride S"),
    ),
    knobs=(
        Knob("input_size", "int", [5, 7, 8, 9, 28, 32, 224, 227], "input width"),
        Knob("kernel_size", "int", [1, 2, 3, 5, 7, 11], "kernel width"),
        Knob("padding", "int", [0, 1, 2, 3], "zero padding"),
        Knob("stride", "int", [1, 2, 4], "stride"),
        Knob("exact", "bool", True, "only sizes where the stride divides evenly"),
    ),
    exact=True,
)

CONV_PARAM_COUNT = ConvParamCount(
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
        Knob("in_channels", "int", [1, 3, 16, 32, 64], "input channels"),
        Knob("filters", "int", [2, 8, 16, 32, 64], "number of filters"),
        Knob("bias", "bool", True, "filters have biases"),
    ),
    exact=True,
)

CONV2D = Conv2d(
    name="conv2d",
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
