"""Curves and boxes plotted on a canvas of characters, for ``figure_text``.

Characters, not colours, tell the parts apart: the curve ``*``, the tangent or secant ``.``, the
point ``O``; a kept box ``#``, a dropped one ``:``, the truth ``=``, their overlap ``%``, grid
lines ``+``. Row 0 of the canvas is the top.
"""

from __future__ import annotations

from studyapp.core.figure import Boxes, Curve
from studyapp.core.numfmt import num

Segment = tuple[str, str]
Line = list[Segment]

ROLE_OF = {"*": "curve", ".": "tangent", "O": "point", "#": "kept", ":": "dropped", "=": "truth",
           "%": "overlap", "+": "dim", "|": "dim", "-": "dim", "@": "focus"}


class Canvas:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.cells = [[" "] * width for _ in range(height)]

    def put(self, col: float, row: float, char: str) -> None:
        c, r = round(col), round(row)
        if 0 <= c < self.width and 0 <= r < self.height:
            self.cells[r][c] = char

    def lines(self, indent: str = "") -> list[Line]:
        """Each row as segments, runs of one character in one role."""
        out: list[Line] = []
        for row in self.cells:
            line: Line = [(indent, "")] if indent else []
            for char in row:
                role = ROLE_OF.get(char, "")
                if line and line[-1][1] == role:
                    line[-1] = (line[-1][0] + char, role)
                else:
                    line.append((char, role))
            out.append(line)
        return out


def curve_lines(figure: Curve, width: int) -> list[Line]:
    """The function's samples, the tangent (or secant) through the point, the point itself; then
    a legend with the numbers."""
    cols, rows = max(24, min(56, width - 4)), 11
    xs, ys = figure.xs, figure.ys
    lo_x, hi_x = min(xs), max(xs)
    lo_y, hi_y = min(ys), max(ys)
    if lo_y == hi_y:
        lo_y, hi_y = lo_y - 1, hi_y + 1
    canvas = Canvas(cols, rows)

    def at(x: float, y: float) -> tuple[float, float]:
        return ((x - lo_x) / ((hi_x - lo_x) or 1) * (cols - 1),
                (hi_y - y) / (hi_y - lo_y) * (rows - 1))

    if lo_y < 0 < hi_y:  # the x axis
        for c in range(cols):
            canvas.put(c, at(lo_x, 0)[1], "-")
    px, py = figure.point
    slope = figure.slope
    if figure.secant is not None:
        sx, sy = figure.secant
        slope = (sy - py) / (sx - px) if sx != px else None
    if slope is not None:
        for c in range(cols):
            x = lo_x + c / (cols - 1) * (hi_x - lo_x)
            y = py + slope * (x - px)
            if lo_y <= y <= hi_y:
                canvas.put(*at(x, y), ".")
    for x, y in zip(xs, ys, strict=True):
        canvas.put(*at(x, y), "*")
    if figure.secant is not None:
        canvas.put(*at(*figure.secant), "O")
    canvas.put(*at(px, py), "O")
    d = figure.decimals
    legend: Line = [("  * ", "curve"), (figure.name, ""), ("   O ", "point"),
                    (f"({num(px, d)}, {num(py, d)})", "")]
    if figure.slope is not None or figure.secant is not None:
        name = "secant" if figure.secant is not None else "tangent"
        legend += [("   . ", "tangent"), (f"{name}, slope {num(slope, d) if slope is not None else '-'}", "")]
    axis: Line = [(f"  x: {num(lo_x, 2)} … {num(hi_x, 2)}   y: {num(lo_y, 2)} … {num(hi_y, 2)}", "dim")]
    return [*canvas.lines("  "), legend, axis]


def boxes_lines(figure: Boxes, width: int) -> list[Line]:
    """The image scaled onto the canvas (a character is about twice as tall as wide), its grid,
    each box's outline by role, the overlap filled; then one line per box with its numbers."""
    cols = max(24, min(48, width - 4))
    rows = max(8, min(20, round(cols * figure.height / figure.width / 2)))
    canvas = Canvas(cols, rows)

    def at(x: float, y: float) -> tuple[float, float]:
        return x / figure.width * (cols - 1), y / figure.height * (rows - 1)

    if figure.cells:
        for k in range(figure.cells + 1):
            for r in range(rows):
                canvas.put(*at(k * figure.width / figure.cells, r / (rows - 1) * figure.height)[:1], r, "|")
            for c in range(cols):
                canvas.put(c, at(0, k * figure.height / figure.cells)[1], "-")
        if figure.focus_cell is not None:
            fr, fc = figure.focus_cell
            size_w, size_h = figure.width / figure.cells, figure.height / figure.cells
            x0, y0 = at(fc * size_w, fr * size_h)
            x1, y1 = at((fc + 1) * size_w, (fr + 1) * size_h)
            for r in range(round(y0) + 1, round(y1)):
                for c in range(round(x0) + 1, round(x1)):
                    canvas.put(c, r, "@")
    chars = {"kept": "#", "dropped": ":", "truth": "=", "box": "#"}
    for box in figure.boxes:
        x0, y0 = at(box.x1, box.y1)
        x1, y1 = at(box.x2, box.y2)
        if box.role == "overlap":
            for r in range(round(y0), round(y1) + 1):
                for c in range(round(x0), round(x1) + 1):
                    canvas.put(c, r, "%")
            continue
        char = chars.get(box.role, "#")
        for c in range(round(x0), round(x1) + 1):
            canvas.put(c, y0, char)
            canvas.put(c, y1, char)
        for r in range(round(y0), round(y1) + 1):
            canvas.put(x0, r, char)
            canvas.put(x1, r, char)
    d = figure.decimals
    legend: list[Line] = []
    for box in figure.boxes:
        char = "%" if box.role == "overlap" else chars.get(box.role, "#")
        score = f"  score {num(box.score, d)}" if box.score is not None else ""
        legend.append([(f"  {char} ", ROLE_OF[char]), (f"{box.label or box.role} ", "name"),
                       (f"({num(box.x1, d)}, {num(box.y1, d)})–({num(box.x2, d)}, {num(box.y2, d)})"
                        f"{score}  [{box.role}]", "")])
    return [*canvas.lines("  "), *legend]
