"""A worked solution's figure (``core.figure``) as inline SVG, for the HTML worksheets, answer keys
and ``solve --format html``: no script, no reference outside the page, every text escaped.

Colours are CSS classes (``FIGURE_CSS``, which a page that shows figures includes), and every
distinction they make is made a second way too, so a page printed in black and white still reads:
padding is dashed and grey, a window a thick outline, the cell it makes a thick outline with a bold
number, a winning cell bold with ``●``; a tangent dashed, a secant dotted; bar series differ in
fill and outline; a kept box is thick, a dropped one dashed, an overlap hatched.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from studyapp.core.figure import Bars, Boxes, Cells, Curve, Figure, Frame, Grids, Network, NumberLine
from studyapp.core.numfmt import num
from studyapp.report.figure_svg_parts import (
    CELL,
    MAX_WIDTH,
    WORDS,
    WORK_FONT,
    Drawn,
    svg_circle,
    svg_line,
    svg_rect,
    svg_text,
    text_width,
)
from studyapp.report.figure_svg_plots import bars_svg, boxes_svg, curve_svg, number_line_svg
from studyapp.report.svg import _e, _num

FIGURE_CSS = """\
:root{--f-win:#c2410c;--f-win-bg:rgba(234,88,12,.13);--f-focus:#1d4ed8;--f-focus-bg:rgba(29,78,216,.15);\
--f-s0:#2563eb;--f-s1:#93c5fd;--f-s2:#f59e0b;--f-s3:#10b981;--f-kept:#15803d;--f-drop:#b91c1c;\
--f-truth:#7c3aed;--f-grad:#b45309}
@media (prefers-color-scheme:dark){:root{--f-win:#fb923c;--f-win-bg:rgba(251,146,60,.2);\
--f-focus:#8ab4f8;--f-focus-bg:rgba(138,180,248,.22);--f-s0:#60a5fa;--f-s1:#1e3a8a;--f-s2:#fbbf24;\
--f-s3:#34d399;--f-kept:#4ade80;--f-drop:#f87171;--f-truth:#c4b5fd;--f-grad:#fbbf24}}
figure.fig{margin:.4rem 0 .2rem}
svg.fig{display:block;max-width:100%;height:auto;font:11px system-ui,sans-serif;\
font-variant-numeric:tabular-nums}
.fig text{fill:var(--fg)} .fig .name,.fig .b{font-weight:700} .fig .dim,.fig text.pad{fill:var(--muted)}
.fig .halo{stroke:var(--bg);stroke-width:3px;paint-order:stroke;stroke-linejoin:round}
.fig .worktext{font:10.5px ui-monospace,Menlo,Consolas,monospace;fill:var(--muted)} .fig .mark{font-size:8px}
.fig .cell{fill:var(--bg);stroke:var(--line)} .fig .cell.pad{fill:var(--soft);stroke-dasharray:3 2}
.fig .cell.in{fill:var(--f-win-bg)} .fig .window{fill:none;stroke:var(--f-win);stroke-width:2.5}
.fig .focus{fill:var(--f-focus-bg);stroke:var(--f-focus);stroke-width:2.5}
.fig .axis,.fig .edge,.fig .tick{stroke:var(--muted);fill:none} .fig .head{fill:var(--muted)}
.fig .node{fill:var(--bg);stroke:var(--fg);stroke-width:1.5} .fig .grad{fill:var(--f-grad);font-style:italic}
.fig .curve{fill:none;stroke:var(--f-s0);stroke-width:2} .fig .dot{fill:var(--fg)}
.fig .tangent{fill:none;stroke:var(--f-win);stroke-width:1.5;stroke-dasharray:6 4}
.fig .secant{fill:none;stroke:var(--f-win);stroke-width:1.5;stroke-dasharray:2 3}
.fig .ring{fill:var(--bg);stroke:var(--fg);stroke-width:1.5} .fig .zero{stroke:var(--fg)}
.fig .band{fill:var(--soft)} .fig .s0{fill:var(--f-s0);stroke:var(--fg)}
.fig .s1{fill:var(--f-s1);stroke:var(--fg)} .fig .hatch{stroke:var(--f-win);stroke-width:.8}
.fig .s2{fill:var(--bg);stroke:var(--f-s2);stroke-width:1.5;stroke-dasharray:3 2}
.fig .s3{fill:var(--bg);stroke:var(--f-s3);stroke-width:2;stroke-dasharray:1 2}
.fig .image{fill:var(--bg);stroke:var(--fg)} .fig .gridline{stroke:var(--line);stroke-dasharray:2 3}
.fig .cellfocus{fill:var(--f-focus-bg);stroke:var(--f-focus);stroke-width:1.5}
.fig .r-box,.fig .r-truth,.fig .r-kept,.fig .r-dropped{fill:none;stroke:var(--fg)}
.fig .r-truth{stroke:var(--f-truth);stroke-width:2} .fig .r-kept{stroke:var(--f-kept);stroke-width:3}
.fig .r-dropped{stroke:var(--f-drop);stroke-width:1.5;stroke-dasharray:5 3}
.fig .r-overlap{fill:var(--f-win-bg);stroke:var(--f-win);stroke-width:1.5}
@media print{:root{--f-win:#000;--f-win-bg:#e6e6e6;--f-focus:#000;--f-focus-bg:#d4d4d4;--f-s0:#555;\
--f-s1:#ccc;--f-s2:#000;--f-s3:#000;--f-kept:#000;--f-drop:#000;--f-truth:#000;--f-grad:#000}}
"""


def figure_svg(figure: Figure, lang: str, frame: int = 0) -> str:
    """``figure`` as a ``<figure>``: the SVG (a ``Grids`` at ``frame``; the static pages show frame
    0) and its caption in ``lang``."""
    name, draw = DRAW[type(figure)]
    body, width, height = draw(figure, WORDS.get(lang, WORDS["en"]), frame)
    caption = figure.caption.get(lang)
    # no xmlns: inline in HTML the parser puts it in the SVG namespace, and the page names no URL
    svg = (f'<svg class="fig fig-{name}" viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
           f'height="{_num(height)}" role="img" aria-label="{_e(caption)}">{"".join(body)}</svg>')
    return f'<figure class="fig">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


# --- grids ------------------------------------------------------------------------------------

def _grids(figure: Grids, words: dict[str, str], index: int) -> Drawn:
    """The grids side by side (a new row when the next would pass ``MAX_WIDTH``), each a group
    translated to its place, then the frame's line of work, wrapped, in monospace."""
    frame = figure.frames[max(0, min(index, len(figure.frames) - 1))] if figure.frames else Frame()
    margin, gap, name_h = 3, 22, 16
    body: list[str] = []
    x, y, row_h, width = 0.0, 0.0, 0.0, 0.0
    for g in range(len(figure.grids)):
        parts, w, h = _grid(figure, g, frame)
        if x and x + w > MAX_WIDTH:
            x, y, row_h = 0.0, y + row_h + name_h + 10, 0.0
        body.append(f'<g class="grid" transform="translate({_num(margin + x)},{_num(margin + y + name_h)})">'
                    + "".join(parts) + "</g>")
        width, row_h = max(width, x + w), max(row_h, h)
        x += w + gap
    height = y + row_h + name_h
    lines = _wrap(frame.text, max(width, 360.0)) if frame.text else []
    for k, line in enumerate(lines):
        indent, top = 2 * 0.6 * WORK_FONT * line.startswith("  "), margin + height + 8
        body.append(svg_text(margin + indent, top + (k + 1) * WORK_FONT * 1.45, line.strip(), "worktext"))
        width = max(width, indent + text_width(line.strip(), WORK_FONT))
    height += (12 + len(lines) * WORK_FONT * 1.45) if lines else 0
    return body, width + 2 * margin, height + 2 * margin


def _wrap(text: str, width: float) -> list[str]:
    """The lines of ``text`` broken at spaces to fit ``width``; continuations start with two spaces."""
    limit, out = max(24, int(width / (0.6 * WORK_FONT))), []
    for line in text.splitlines():
        current = ""
        for word in line.split(" "):
            if current.strip() and len(current) + 1 + len(word) > limit:
                out.append(current)
                current = "  " + word
            else:
                current = f"{current} {word}" if current else word
        out.append(current)
    return out


def _grid(figure: Grids, g: int, frame: Frame) -> Drawn:
    """One grid at the origin, its name above: cells (padding dashed and grey, the window's cells
    tinted, cells not computed yet empty), the focus cell outlined, numbers (bold on the focus and
    the marks, ``●`` on a mark), the windows' outlines on top. Cells are ``CELL`` × ``cw``."""
    grid, d = figure.grids[g], figure.decimals
    n_rows, n_cols = len(grid.values), len(grid.values[0]) if grid.values else 0
    shown = frame.filled if g == figure.output else None
    texts = [["" if v is None or (shown is not None and r * n_cols + c >= shown) else num(v, d)
              for c, v in enumerate(row)] for r, row in enumerate(grid.values)]
    cw = max([float(CELL)] + [text_width(t) + 10 for row in texts for t in row])
    windows = [w for w in frame.windows if w.grid == g]
    marks = [m for m in frame.marks if m.grid == g]
    focus = frame.focus if frame.focus is not None and frame.focus.grid == g else None
    pad, cells, numbers = grid.pad, [], []
    for r in range(n_rows):
        for c in range(n_cols):
            x, y, text = c * cw, r * CELL, texts[r][c]
            is_pad = pad > 0 and not (pad <= r < n_rows - pad and pad <= c < n_cols - pad)
            in_window = any(w.contains(r, c) for w in windows)
            cls = " pad" * is_pad + " in" * in_window
            cells.append(svg_rect(x, y, cw, CELL, "cell" + cls + " todo" * (not text)))
            if not text:
                continue
            marked = any(m.contains(r, c) for m in marks)
            bold = marked or (focus is not None and focus.contains(r, c))
            numbers.append(svg_text(x + cw / 2, y + CELL / 2 + 4, text, "v" + " pad" * is_pad + " b" * bold,
                                 "middle"))
            if marked:
                numbers.append(svg_text(x + cw - 2, y + 8, "●", "mark", "end"))
    outline = [_cells_rect(focus, cw, "focus")] if focus is not None else []
    parts = [svg_text(0, -5, grid.name, "name"), *cells, *outline, *numbers,
             *(_cells_rect(w, cw, "window") for w in windows)]
    return parts, max(n_cols * cw, text_width(grid.name) + 4), n_rows * CELL


def _cells_rect(cells: Cells, cw: float, cls: str) -> str:
    return svg_rect(cells.col * cw, cells.row * CELL, cells.width * cw, cells.height * CELL, cls)


# --- network ----------------------------------------------------------------------------------

def _network(figure: Network, words: dict[str, str], frame: int) -> Drawn:
    """Layers as columns of circles (label inside, value and gradient under); each edge a line
    with an arrowhead (right to left in a backward figure) and its weight, over its gradient.

    An edge's label sits 1/(m + 1) of the way from its source, m the rows its target layer's
    edges reach: edge (i, j) then lands at (m·i + j)/(m + 1) rows, so a dense layer's labels
    fall evenly spaced, one above the other, never on one another."""
    d, radius, side, top = figure.decimals, 15.0, 36.0, 8.0
    members: dict[int, list[int]] = {}
    for i, node in enumerate(figure.nodes):
        members.setdefault(node.layer, []).append(i)
    layers = sorted(members)
    row = {i: n for idx in members.values() for n, i in enumerate(idx)}
    reach = {layer: 1 for layer in layers}
    for edge in figure.edges:
        layer = figure.nodes[edge.target].layer
        reach[layer] = max(reach[layer], row[edge.target] + 1)
    labels = [("" if e.weight is None else num(e.weight, d), "" if e.grad is None else "∂ " + num(e.grad, d))
              for e in figure.edges]
    widest = max((text_width(t) for pair in labels for t in pair), default=0.0)
    most, fan = max((len(v) for v in members.values()), default=1), max(reach.values(), default=1)
    slot = max(62.0 if figure.backward else 54.0, (28.0 if figure.backward else 16.0) * (fan + 1))
    gap = min(max(150.0, (radius + 12 + widest / 2) * (fan + 1)), (520 - 2 * side) / max(len(layers) - 1, 1))
    pos: dict[int, tuple[float, float]] = {}
    for k, layer in enumerate(layers):
        offset = top + (most - len(members[layer])) * slot / 2
        for n, i in enumerate(members[layer]):
            pos[i] = (side + k * gap, offset + n * slot + radius + 4)
    lines, texts = [], []
    for edge, (weight, grad) in zip(figure.edges, labels, strict=True):
        (x1, y1), (x2, y2) = pos[edge.source], pos[edge.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        a, b = (x1 + radius * ux, y1 + radius * uy), (x2 - radius * ux, y2 - radius * uy)
        tip, sign = (a, -1) if figure.backward else (b, 1)
        lines += [svg_line(*a, *b, "edge"), _arrowhead(*tip, sign * ux, sign * uy)]
        t = 1 / (reach[figure.nodes[edge.target].layer] + 1)
        x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        if weight:
            texts.append(svg_text(x, y + (-2 if grad else 4), weight, "halo", "middle"))
        if grad:
            texts.append(svg_text(x, y + (10 if weight else 4), grad, "halo grad", "middle"))
    nodes = []
    for i, node in enumerate(figure.nodes):
        x, y = pos[i]
        nodes += [svg_circle(x, y, radius, "node"), svg_text(x, y + 4, node.label, "b", "middle")]
        if node.value is not None:
            nodes.append(svg_text(x, y + radius + 12, num(node.value, d), "halo", "middle"))
        if node.grad is not None:
            nodes.append(svg_text(x, y + radius + 24, "∂ " + num(node.grad, d), "halo grad", "middle"))
    return [*lines, *texts, *nodes], 2 * side + gap * (len(layers) - 1), top + most * slot + 4


def _arrowhead(x: float, y: float, ux: float, uy: float) -> str:
    """A filled triangle with its tip at (x, y), pointing along (ux, uy)."""
    bx, by = x - 7 * ux, y - 7 * uy
    points = [(x, y), (bx - 3.5 * uy, by + 3.5 * ux), (bx + 3.5 * uy, by - 3.5 * ux)]
    return '<polygon class="head" points="' + " ".join(f"{_num(px)},{_num(py)}" for px, py in points) + '"/>'


# --- curve ------------------------------------------------------------------------------------

DRAW: dict[type, tuple[str, Callable[[Any, dict[str, str], int], Drawn]]] = {
    Grids: ("grids", _grids), Network: ("network", _network), Curve: ("curve", curve_svg),
    Bars: ("bars", bars_svg), NumberLine: ("number_line", number_line_svg), Boxes: ("boxes", boxes_svg),
}
