"""Curves and boxes plotted on a canvas of characters, for ``figure_text``.

Characters, not colours, tell the parts apart: the curve ``*``, the tangent or secant ``.``, the
point ``O``; a kept box ``#``, a dropped one ``:``, the truth ``=``, their overlap ``%``, grid
lines ``+``. Row 0 of the canvas is the top.
"""

from __future__ import annotations

from studyapp.core.figure import Boxes, Curve
from studyapp.core.numfmt import num
from studyapp.report.figure_words import WORDS

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


def curve_lines(figure: Curve, width: int, lang: str = "en") -> list[Line]:
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
        words = WORDS.get(lang, WORDS["en"])
        name = words["secant" if figure.secant is not None else "tangent"]
        slope_text = num(slope, d) if slope is not None else "-"
        legend += [("   . ", "tangent"), (f"{name}, {words['slope']} {slope_text}", "")]
    axis: Line = [(f"  x: {num(lo_x, 2)} … {num(hi_x, 2)}   y: {num(lo_y, 2)} … {num(hi_y, 2)}", "dim")]
    return [*canvas.lines("  "), legend, axis]


def boxes_lines(figure: Boxes, width: int, lang: str = "en") -> list[Line]:
    """The image scaled onto the canvas (a character is about twice as tall as wide), each box's
    outline by role, the overlap filled; then one line per box with its numbers. An image with a
    grid of cells is drawn as that grid (``_cell_grid``)."""
    words = WORDS.get(lang, WORDS["en"])
    cols = max(24, min(48, width - 4))
    rows = max(8, min(20, round(cols * figure.height / figure.width / 2)))
    canvas = Canvas(cols, rows)

    def at(x: float, y: float) -> tuple[float, float]:
        return x / figure.width * (cols - 1), y / figure.height * (rows - 1)

    if figure.cells:
        return _cell_grid(figure, WORDS.get(lang, WORDS["en"]))
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
        legend.append([(f"  {char} ", ROLE_OF[char]), (f"{box.label or words[box.role]} ", "name"),
                       (f"({num(box.x1, d)}, {num(box.y1, d)})–({num(box.x2, d)}, {num(box.y2, d)})"
                        f"{score}  [{words[box.role]}]", "")])
    return [*canvas.lines("  "), *legend]


def _cell_grid(figure: Boxes, words: dict[str, str]) -> list[Line]:
    """An image's S×S grid (YOLO) one character pair per cell, whatever S: the responsible cell
    ``[]``, the others ``. ``; then the boxes and the cell by their numbers."""
    d = figure.decimals
    focus = figure.focus_cell
    out: list[Line] = []
    for r in range(figure.cells):
        line: Line = [("  ", "")]
        for c in range(figure.cells):
            line.append(("[]", "focus") if (r, c) == focus else (". ", "dim"))
        out.append(line)
    for box in figure.boxes:
        where = (f"({num(box.x1, d)}, {num(box.y1, d)})" if (box.x1, box.y1) == (box.x2, box.y2)
                 else f"({num(box.x1, d)}, {num(box.y1, d)})–({num(box.x2, d)}, {num(box.y2, d)})")
        point = (box.x1, box.y1) == (box.x2, box.y2)
        name = box.label or words["centre" if point else box.role]
        out.append([("  ", ""), (f"{name} ", "name"), (where, "")])
    if focus is not None:
        size = f"{num(figure.width, d)}×{num(figure.height, d)}, {figure.cells}×{figure.cells}"
        out.append([("  [] ", "focus"), (f"cell (row, col) = ({focus[0]}, {focus[1]})   {size}", "")])
    return out
