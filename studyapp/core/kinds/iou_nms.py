"""iou_nms: intersection over union of two boxes given by their corners, and which boxes greedy
non-maximum suppression keeps (IoU > t with a kept box suppresses)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studyapp.core.diagnosis import Mistake
from studyapp.core.figure import Box, Boxes
from studyapp.core.kinds.base import Kind, Knob, Knobs, Param, Solution
from studyapp.core.kinds.wording import T, decimals_clause
from studyapp.core.numfmt import num, paren, sub, vec
from studyapp.core.steps import Step

IOU_CAPTION = T("Boxes A and B and their overlap I; IoU = I / (A + B − I)",
                "框 A、B 与它们的重叠部分 I;IoU = I / (A + B − I)")
NMS_CAPTION = T("Every box with its confidence: kept, or suppressed by a kept box",
                "每个框及其置信度:保留的,或被已保留的框抑制的")


def _figure_box(b: Sequence[float], label: str, role: str, score: float | None = None) -> Box:
    return Box(float(b[0]), float(b[1]), float(b[2]), float(b[3]), label, role, score)


def _image(boxes: Sequence[Sequence[float]]) -> tuple[float, float]:
    """The drawn image: from the origin to the farthest corner of any box."""
    return float(max(b[2] for b in boxes)), float(max(b[3] for b in boxes))


def box_area(b: Sequence[float], plus: float = 0.0) -> float:
    return (b[2] - b[0] + plus) * (b[3] - b[1] + plus)


def overlap(a: Sequence[float], b: Sequence[float], plus: float = 0.0) -> tuple[float, float]:
    """Width and height of the intersection (0 when the boxes do not overlap)."""
    # min() and max() written out (same results, same types): generation calls this a dozen times
    w = (a[2] if a[2] <= b[2] else b[2]) - (a[0] if a[0] >= b[0] else b[0]) + plus
    h = (a[3] if a[3] <= b[3] else b[3]) - (a[1] if a[1] >= b[1] else b[1]) + plus
    return (w if w > 0.0 else 0.0), (h if h > 0.0 else 0.0)


def iou(a: Sequence[float], b: Sequence[float], plus: float = 0.0) -> float:
    iw, ih = overlap(a, b, plus)
    inter = iw * ih
    return inter / (box_area(a, plus) + box_area(b, plus) - inter)


def nms_keep(boxes: Sequence[Sequence[float]], scores: list[float], t: float, sort: bool = True,
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
        listed = sep.join([f"{i}: {vec(bx)} ({num(s)})" for i, (bx, s) in enumerate(
            zip(boxes, p["scores"], strict=True))])
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
        drawn = [_figure_box(a, "A", "box"), _figure_box(b, "B", "box")]
        if inter > 0:  # boxes that do not meet have no overlap rectangle to draw
            drawn.append(_figure_box(corners, "I", "overlap"))
        steps = [
            Step(T("Area of each box", "两个框的面积"), "area = (x2 − x1)·(y2 − y1)",
                 self._area_line("A", a) + "\n" + self._area_line("B", b), [area_a, area_b]),
            Step(T("Intersection: the overlap rectangle", "交集:重叠的矩形"),
                 "w = max(0, min(x2) − max(x1)), h = max(0, min(y2) − max(y1)), I = w·h",
                 f"w = max(0, {num(corners[2])} − {paren(corners[0])}) = {num(iw)}, "
                 f"h = max(0, {num(corners[3])} − {paren(corners[1])}) = {num(ih)}, "
                 f"I = {num(iw)}·{num(ih)}", inter, figure=Boxes(IOU_CAPTION, *_image([a, b]), drawn)),
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
                 "\n".join([self._area_line(f"A{sub(i)}", b) for i, b in enumerate(boxes)]), areas),
            Step(T("Sort the boxes by confidence, highest first", "按置信度从高到低排序"), "",
                 " > ".join([f"{i} ({num(scores[i])})" for i in order]), order,
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
        # The suppressed boxes first, so that the kept ones are drawn over them.
        drawn = [_figure_box(boxes[i], str(i), "kept" if keep[i] else "dropped", float(scores[i]))
                 for i in sorted(range(n), key=keep.__getitem__)]
        steps.append(Step(T("Kept (1) or suppressed (0), in the input order",
                            "按输入顺序:保留为 1,抑制为 0"), "", "", keep,
                          figure=Boxes(NMS_CAPTION, *_image(boxes), drawn)))
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


KIND = IouNms(
    name="iou_nms",
    figures=("boxes",),
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
