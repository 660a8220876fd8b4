"""yolo_grid: the YOLO grid cell responsible for an object, and the size of YOLOv1's output
tensor, S·S·(B·5 + C) (Redmon et al. 2016)."""

from __future__ import annotations

import math
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Box, Boxes
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.checks import at_least_one
from studyapp.core.kinds.wording import T, exact_clause
from studyapp.core.numfmt import num
from studyapp.core.steps import Step

CELL_CAPTION = T("The image's S×S grid: the cell holding the object's centre is responsible",
                 "图像的 S×S 网格:物体中心所在的单元负责检测它")


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
        errors = at_least_one(p, ("grid",))
        if p["grid"] > 10_000:
            errors.append(f"grid must be at most 10000 (got {p['grid']})")
        if p["mode"] == "cell":
            errors += at_least_one(p, ("image_width", "image_height"))
            for axis, size in (("x", "image_width"), ("y", "image_height")):
                v = p[axis]
                if v is None:
                    errors.append(f"mode 'cell' needs the object's centre '{axis}' (pixels)")
                elif not 0 <= v < p[size]:
                    errors.append(f"{axis} must be inside the image: 0 ≤ {axis} < {size} = {p[size]} "
                                  f"(got {num(v)})")
            return errors
        errors += at_least_one(p, ("boxes", "classes"))
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
                        f"行、列都从 0 开始编号,按“row: …; col: …”作答。{exact_clause(lang)}")
            return (f"YOLO divides a {w}×{h} (width×height) image into an S×S = {s}×{s} grid. An object's "
                    f"centre is at (x, y) = ({x}, {y}) pixels (origin at the top left, x to the right, y "
                    f"down). Which grid cell is responsible for detecting it? Count rows and columns from "
                    f"0 and answer as “row: …; col: …”. {exact_clause(lang)}")
        b, c = p["boxes"], p["classes"]
        if zh:
            what = "输出张量的深度(每个网格单元的输出个数)" if p["mode"] == "depth" else "输出张量的元素总数"
            return (f"YOLOv1 把图像分成 S×S = {s}×{s} 的网格,每个网格单元预测 B = {b} 个边框"
                    f"(每个框 x, y, w, h 和置信度)以及 C = {c} 个类别概率"
                    f"(每个单元一组{'' if b == 1 else ',B 个框共用'})。"
                    f"求{what}。{exact_clause(lang)}")
        what = ("the depth of the output tensor (outputs per grid cell)" if p["mode"] == "depth"
                else "the total number of values in the output tensor")
        return (f"YOLOv1 divides the image into an S×S = {s}×{s} grid; each cell predicts B = {b} "
                f"{'box' if b == 1 else 'boxes'} "
                f"(x, y, w, h and a confidence each) and C = {c} class probabilities (one set per cell, "
                f"shared by {'its box' if b == 1 else 'its B boxes'}). What is {what}? {exact_clause(lang)}")

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
        # The params give only the object's centre, so its box is that point.
        centre = Box(float(x), float(y), float(x), float(y), "", "truth")  # a point: its centre
        figure = Boxes(CELL_CAPTION, float(w), float(h), [centre], s, (row, col))
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
                   f"网络再预测中心在该单元内的偏移:({num(fx - col)}, {num(fy - row)})(以单元宽、高为单位)"),
                 figure=figure),
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


KIND = YoloGrid(
    name="yolo_grid",
    figures=("boxes",),
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
        Knob("grid", "int", {"min": 3, "max": 13}, "grid size S"),
        Knob("cell_width", "int", [32, 64], "cell: cell width in pixels (image width = S·this)"),
        Knob("cell_height", "int", [32, 64], "cell: cell height in pixels (image height = S·this)"),
        Knob("boxes", "int", [1, 2, 3, 4, 5], "depth/total: boxes per cell"),
        Knob("classes", "int", [3, 4, 5, 10, 20, 80], "depth/total: classes"),
    ),
    exact=True,
)
