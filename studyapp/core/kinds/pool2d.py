"""pool2d: max or average pooling of one feature map, without padding."""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Cells, Grid
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.conv_sizes import output_size_step, size_checks
from studyapp.core.kinds.like_numpy import small_ints
from studyapp.core.kinds.nnmath import output_size, windows
from studyapp.core.kinds.window_figures import row_figure
from studyapp.core.kinds.wording import T, decimals_clause, shape_clause
from studyapp.core.numfmt import num
from studyapp.core.steps import Step


def pool2d(x: np.ndarray, size: int, stride: int, mode: str) -> np.ndarray:
    view = windows(x[np.newaxis], size, stride)  # H₂×W₂×1×size×size
    pooled: np.ndarray = view.max(axis=(2, 3, 4)) if mode == "max" else view.mean(axis=(2, 3, 4))
    return pooled


MAX_CAPTION = T("The largest value in the window (marked) makes the output cell",
                "窗口中最大的值(已标出)就是输出元素")
AVG_CAPTION = T("The mean of the values in the window makes the output cell",
                "窗口中各值的平均就是输出元素")


def _pool(window: list[float], mode: str, count: int) -> float:
    return max(window) if mode == "max" else sum(window) / count


def _winners(x: list[list[float]], r0: int, c0: int, size: int, best: float) -> list[Cells]:
    """The cells of the window at (r0, c0) that hold its maximum ``best`` (every one, if tied)."""
    cols = range(c0, c0 + size)
    return [Cells(0, r, c) for r in range(r0, r0 + size) for row in (x[r],) for c in cols if row[c] == best]


class Pool2d(Kind):
    def generate(self, k: Knobs) -> dict[str, Any]:
        n = size = stride = 2
        for _ in range(200):
            n, size, stride = k.int("input_size"), k.int("size"), k.int("stride")
            if size <= n and (n - size) % stride == 0 and (
                output_size(n, size, 0, stride) <= k.int("max_output")
            ):
                break
        else:
            raise ValueError("no draw of input_size, size and stride fits in 200 tries "
                             "(the window must fit and the output be small enough)")
        x = k.values("values", (n, n))
        return {"input": x, "size": size, "stride": stride, "mode": k.pick("mode")}

    def check(self, p: dict[str, Any]) -> list[str]:
        h, w = np.shape(p["input"])
        errors = size_checks(min(h, w), p["size"], 0, p["stride"])
        return [e.replace("kernel size", "pooling size") for e in errors]

    def prompt(self, p: dict[str, Any], lang: str, decimals: int) -> str:
        h, w = len(p["input"]), len(p["input"][0])
        shape = (output_size(h, p["size"], 0, p["stride"]), output_size(w, p["size"], 0, p["stride"]))
        s, st = p["size"], p["stride"]
        if lang == "zh":
            mode = "最大" if p["mode"] == "max" else "平均"
            return (f"对下面的 {h}×{w} 特征图做{mode}池化,窗口 {s}×{s},步幅 {st},无填充。"
                    f"{shape_clause(lang, shape)}{decimals_clause(lang, decimals)}")
        mode = "max" if p["mode"] == "max" else "average"
        return (f"Apply {mode} pooling with a {s}×{s} window and stride {st} (no padding) to the "
                f"{h}×{w} feature map below. {shape_clause(lang, shape)} "
                f"{decimals_clause(lang, decimals)}")

    def solve(self, p: dict[str, Any]) -> Solution:
        size, stride, mode = p["size"], p["stride"], p["mode"]
        x = [[float(v) for v in row] for row in p["input"]]
        steps = [output_size_step(len(x), size, 0, stride)]
        count = size * size
        if small_ints(chain.from_iterable(p["input"])):
            # whole numbers: a window's sum is exact in any order, so this is NumPy's answer
            h2, w2 = (len(x) - size) // stride + 1, (len(x[0]) - size) // stride + 1
            out_l = [[_pool([v for r in x[i * stride:i * stride + size]
                             for v in r[j * stride:j * stride + size]], mode, count)
                      for j in range(w2)] for i in range(h2)]
        else:
            out_l = pool2d(np.asarray(x), size, stride, mode).tolist()
        # Each entry formatted once; a window is then a join of look-ups in the flat list.
        width = len(x[0])
        xf = [num(v) for row in x for v in row]
        offsets = [r * width + c for r in range(size) for c in range(size)]
        line = "(%d,%d): max(%s) = %s" if mode == "max" else f"(%d,%d): (%s) / {count} = %s"
        sep = ", " if mode == "max" else " + "
        grids = [Grid("x", x), Grid("a", out_l)]
        caption = MAX_CAPTION if mode == "max" else AVG_CAPTION
        for i, out_row in enumerate(out_l):
            r0 = i * stride
            lines = [line % (i, j, sep.join([xf[r0 * width + j * stride + o] for o in offsets]), num(v))
                     for j, v in enumerate(out_row)]
            marks = ([_winners(x, r0, j * stride, size, v) for j, v in enumerate(out_row)]
                     if mode == "max" else None)
            steps.append(Step(T(f"Output row {i}: windows on input rows {r0}–{r0 + size - 1}",
                                f"输出第 {i} 行:窗口位于输入第 {r0}–{r0 + size - 1} 行"),
                              "", "\n".join(lines), out_l[i],
                              figure=row_figure(caption, grids, 1, i, stride, size, lines, marks)))
        steps.append(Step(T("Pooled map (each channel is pooled alone, so depth is kept)",
                            "池化结果(各通道分别池化,深度不变)"), "", "", out_l))
        return Solution(out_l, steps)

    def mistakes(self, p: dict[str, Any]) -> list[Mistake]:
        x = np.asarray(p["input"], dtype=float)
        size, stride, mode = p["size"], p["stride"], p["mode"]
        other = "avg" if mode == "max" else "max"
        out = [Mistake(f"pool.{other}_for_{mode}",
                       T(f"This is {other} pooling; the question asks for {mode} pooling.",
                         f"这是{'平均' if other == 'avg' else '最大'}池化;"
                         f"题目要求{'最大' if mode == 'max' else '平均'}池化。"),
                       pool2d(x, size, stride, other).tolist(), 1)]
        if stride != size and output_size(x.shape[0], size, 0, size) >= 1:
            out.append(Mistake("pool.stride_is_size",
                               T(f"The stride is {stride}, not the window size {size}.",
                                 f"步幅是 {stride},不是窗口大小 {size}。"),
                               pool2d(x, size, size, mode).tolist(), 0))
        return out


KIND = Pool2d(
    name="pool2d",
    figures=("grids",),
    summary=T("Max or average pooling of a feature map (no padding).", "特征图的最大或平均池化(无填充)。"),
    params=(
        Param("input", "matrix", "the feature map, H×W"),
        Param("size", "int", "window size (square)"),
        Param("stride", "int", "stride"),
        Param("mode", "choice", "max or avg", choices=("max", "avg")),
    ),
    knobs=(
        Knob("input_size", "int", [4, 5, 6], "feature map height = width"),
        Knob("size", "int", [2, 3], "window size"),
        Knob("stride", "int", [1, 2], "stride"),
        Knob("mode", "choice", ["max", "avg"], "pooling mode", ("max", "avg")),
        Knob("values", "number", {"min": 0, "max": 9}, "entries of the map"),
        Knob("max_output", "int", 3, "largest output height/width"),
    ),
)
