"""A worked solution's figure (``core.figure``) as lines of text, each a list of (text, role)
segments: the study screen colours the roles, Markdown and the terminal print the text alone.

Every highlight has a cue that survives without colour: a window is bracketed ``[ … ]``, the
cell it makes is bracketed in the output, a winning cell carries ``*``, a cell not yet computed
is ``·``; curves, tangents and points are different characters. Only characters one cell wide in
every terminal are used (no ``●`` or ``█``, which CJK terminals may draw two cells wide).

``width`` is the room there is: grids side by side stack one under another when they do not fit,
and plots shrink.
"""

from __future__ import annotations

from unicodedata import east_asian_width

from studyapp.core.figure import Bars, Boxes, Curve, Edge, Figure, Frame, Grid, Grids, Network, NumberLine
from studyapp.core.numfmt import num
from studyapp.report.figure_plot import boxes_lines, curve_lines

Segment = tuple[str, str]  # (text, role); role "" is plain
Line = list[Segment]

GAP = "   "  # between grids side by side


def figure_lines(figure: Figure, lang: str, frame: int = 0, width: int = 100,
                 work: bool = True) -> list[Line]:
    """The caption, then the figure at ``frame`` (Grids; other figures have one), and with
    ``work`` the frame's line of work under it (a printed step already shows it above)."""
    caption: Line = [(figure.caption.get(lang), "caption")]
    body: list[Line]
    if isinstance(figure, Grids):
        body = _grids(figure, frame, width, work)
    elif isinstance(figure, Network):
        body = _network(figure, lang)
    elif isinstance(figure, Curve):
        body = curve_lines(figure, width, lang)
    elif isinstance(figure, Bars):
        body = _bars(figure, width)
    elif isinstance(figure, NumberLine):
        body = _number_line(figure, lang, width)
    else:
        body = boxes_lines(figure, width, lang) if isinstance(figure, Boxes) else []
    return [caption, *body]


def figure_text(figure: Figure, lang: str, frame: int = 0, width: int = 100, work: bool = True) -> str:
    """The figure as plain text (Markdown code blocks, ``solve``)."""
    return "\n".join(plain(line).rstrip() for line in figure_lines(figure, lang, frame, width, work))


def printed_figure(figure: Figure, lang: str) -> str:
    """A figure under its printed step: its first moment, without the line of work the step
    already shows."""
    return figure_text(figure, lang, 0, 100, work=False)


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)


def frame_count(figure: Figure | None) -> int:
    """How many moments the figure has (the study screen's ``n`` steps through them)."""
    return len(figure.frames) if isinstance(figure, Grids) and figure.frames else 1


# --- grids ------------------------------------------------------------------------------------

def _grids(figure: Grids, index: int, width: int, work: bool) -> list[Line]:
    frame = figure.frames[min(index, len(figure.frames) - 1)] if figure.frames else Frame()
    blocks = [_grid_block(figure, g, frame) for g in range(len(figure.grids))]
    lines = _flowed(blocks, width)
    if work and frame.text:
        lines += [[(part, "work")] for part in frame.text.splitlines()]
    return lines


def _cell_role(figure: Grids, frame: Frame, g: int, row: int, col: int) -> str:
    grid = figure.grids[g]
    if frame.focus is not None and frame.focus.grid == g and frame.focus.contains(row, col):
        return "focus"
    if any(m.grid == g and m.contains(row, col) for m in frame.marks):
        return "mark"
    if any(w.grid == g and w.contains(row, col) for w in frame.windows):
        return "window"
    pad, rows, cols = grid.pad, len(grid.values), len(grid.values[0])
    # a single row (one padded axis) is padded at its ends only
    inside_rows = rows <= 2 * pad or pad <= row < rows - pad
    if pad and not (inside_rows and pad <= col < cols - pad):
        return "pad"
    return ""


def _grid_block(figure: Grids, g: int, frame: Frame) -> list[Line]:
    """One grid: its name, then its rows; brackets around the window and the focused cell."""
    grid = figure.grids[g]
    shown = frame.filled if g == figure.output else None
    cols = len(grid.values[0]) if grid.values else 0
    texts = [[_cell_text(grid, r, c, shown, cols, figure.decimals) for c in range(cols)]
             for r in range(len(grid.values))]
    roles = [[_cell_role(figure, frame, g, r, c) for c in range(cols)] for r in range(len(texts))]
    for r, row in enumerate(roles):
        for c, role in enumerate(row):
            if role == "mark":
                texts[r][c] += "*"
            elif shown is not None and r * cols + c >= shown:
                roles[r][c] = "empty"
    cell = max((len(t) for row in texts for t in row), default=1)
    edges = [w for w in frame.windows if w.grid == g]
    if frame.focus is not None and frame.focus.grid == g:
        edges.append(frame.focus)
    name = grid.name + (f" (+{grid.pad} pad)" if grid.pad else "")
    lines: list[Line] = [[(name, "name")]]
    for r in range(len(texts)):
        line: Line = []
        for c in range(cols + 1):
            line.append((_separator(edges, r, c), "bracket"))
            if c < cols:
                line.append((texts[r][c].rjust(cell), roles[r][c]))
        lines.append(line)
    return lines


def _cell_text(grid: Grid, r: int, c: int, shown: int | None, cols: int, decimals: int) -> str:
    value = grid.values[r][c]
    if value is None or (shown is not None and r * cols + c >= shown):
        return "·"
    return num(value, decimals)


def _separator(edges: list, row: int, col: int) -> str:
    """The character before column ``col`` of ``row``: ``[`` where a highlighted rectangle starts,
    ``]`` where one ends, else a space."""
    for rect in edges:
        if rect.row <= row < rect.row + rect.height:
            if col == rect.col:
                return "["
            if col == rect.col + rect.width:
                return "]"
    return " "


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: CJK characters take two (captions, labels line up)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0x1100 and east_asian_width(ch) in "WF")


def _ljust(text: str, width: int) -> str:
    return text + " " * (width - cells(text))


def _line_width(line: Line) -> int:
    return sum(cells(text) for text, _ in line)


def _block_width(blocks: list[list[Line]]) -> int:
    return sum(max(map(_line_width, b)) for b in blocks) + len(GAP) * (len(blocks) - 1)


def _flowed(blocks: list[list[Line]], width: int) -> list[Line]:
    """The grids side by side, as many to a row as fit in ``width``; the rest in further rows."""
    out: list[Line] = []
    row: list[list[Line]] = []
    for block in blocks:
        if row and _block_width([*row, block]) > width:
            out += _side_by_side(row)
            row = []
        row.append(block)
    return out + _side_by_side(row) if row else out


def _side_by_side(blocks: list[list[Line]]) -> list[Line]:
    widths = [max(map(_line_width, b)) for b in blocks]
    out: list[Line] = []
    for r in range(max(map(len, blocks))):
        line: Line = []
        for b, block in enumerate(blocks):
            part = block[r] if r < len(block) else []
            pad = widths[b] - _line_width(part) + (len(GAP) if b < len(blocks) - 1 else 0)
            line += [*part, (" " * pad, "")]
        out.append(line)
    return out


# --- network ----------------------------------------------------------------------------------

def _network(figure: Network, lang: str) -> list[Line]:
    """Each layer's nodes with their values (and gradients ∂), then for each layer the weights
    into it as a table, a row per unit and a column per input (a backward figure adds each
    weight's gradient in parentheses): compact where a list of edges would fill the screen."""
    d = figure.decimals
    layers = sorted({node.layer for node in figure.nodes})
    out: list[Line] = []
    for layer in layers:
        line: Line = [(f"L{layer}: ", "name")]
        for i, node in enumerate(n for n in figure.nodes if n.layer == layer):
            line.append(("   " if i else "", ""))
            line.append((node.label, "name"))
            if node.value is not None:
                line.append((f" = {num(node.value, d)}", ""))
            if node.grad is not None:
                line.append((f"  ∂ {num(node.grad, d)}", "grad"))
        out.append(line)
    for layer in layers[1:]:
        out += _weights_into(figure, layer)
    return out


def _weights_into(figure: Network, layer: int) -> list[Line]:
    d = figure.decimals
    edges = [e for e in figure.edges if figure.nodes[e.target].layer == layer]
    if not edges:
        return []
    targets = list(dict.fromkeys(e.target for e in edges))
    sources = list(dict.fromkeys(e.source for e in edges))
    cell = {(e.target, e.source): e for e in edges}

    def text(edge: Edge | None) -> str:
        if edge is None or edge.weight is None:
            return "·"
        grad = f" ({num(edge.grad, d)})" if edge.grad is not None else ""
        return num(edge.weight, d) + grad

    table = [[text(cell.get((t, s_))) for s_ in sources] for t in targets]
    corner = ("∂L/∂w" if figure.backward else "w") + " →"
    first = max(cells(corner), *(cells(figure.nodes[t].label) for t in targets))
    col_w = [max(cells(figure.nodes[s_].label), *(cells(row[c]) for row in table))
             for c, s_ in enumerate(sources)]

    def right(text_: str, width: int) -> str:
        return "  " + " " * (width - cells(text_)) + text_

    out: list[Line] = [[("  " + _ljust(corner, first), "dim"),
                        *((right(figure.nodes[s_].label, col_w[c]), "name") for c, s_ in enumerate(sources))]]
    for t, row in zip(targets, table, strict=True):
        values = [(right(value, col_w[c]), "grad" if "(" in value else "") for c, value in enumerate(row)]
        out.append([("  " + _ljust(figure.nodes[t].label, first), "name"), *values])
    return out


# --- bars and number line ---------------------------------------------------------------------

BAR_CHARS = ("#", "=", "+", "~")  # one per series: told apart without colour


def _bars(figure: Bars, width: int) -> list[Line]:
    d = figure.decimals
    values = [v for _, series in figure.series for v in series]
    top = max((abs(v) for v in values), default=1.0) or 1.0
    label_w = max((cells(label) for label in figure.labels), default=1)
    name_w = max((cells(name) for name, _ in figure.series), default=1)
    room = max(8, min(40, width - label_w - name_w - 16))
    out: list[Line] = []
    for i, label in enumerate(figure.labels):
        focus = i == figure.focus
        for s, (name, series) in enumerate(figure.series):
            value = series[i]
            bar = BAR_CHARS[s % len(BAR_CHARS)] * max(1 if value else 0, round(abs(value) / top * room))
            head = _ljust(label if s == 0 else "", label_w)
            mark = "> " if focus and s == 0 else "  "
            out.append([(mark + head, "focus" if focus else "name"), (f" {_ljust(name, name_w)} ", "dim"),
                        (("-" if value < 0 else "") + bar, f"s{s % len(BAR_CHARS)}"),
                        (f" {num(value, d)}", "")])
    return out


def _number_line(figure: NumberLine, lang: str, width: int) -> list[Line]:
    """Two axes, each scaled to its own values: before (``o``), with the mean ``|`` and ±σ
    ``[ ]`` on the line under it, then after (``x``)."""
    d = figure.decimals
    room = max(20, min(60, width - 12))
    before_label, after_label = ("之前", "之后") if lang == "zh" else ("before", "after")
    mean, std = figure.mean, figure.std
    marks = [(mean - std, "["), (mean + std, "]"), (mean, "|")]

    def plot(points: list[tuple[float, str]], lo: float, hi: float, blank: str) -> str:
        row = [blank] * (room + 1)
        for value, char in points:
            row[round((value - lo) / ((hi - lo) or 1.0) * room)] = char
        return "".join(row).rstrip()

    def label(text: str) -> Segment:
        return " " * (7 - cells(text)) + text + " ", "name"

    lo = min(*figure.before, mean - std)
    hi = max(*figure.before, mean + std)
    after_lo, after_hi = min(figure.after), max(figure.after)
    return [
        [label(before_label), (plot([(v, "o") for v in figure.before], lo, hi, "-"), "s0")],
        [(" " * 8, ""), (plot(marks, lo, hi, " "), "dim")],
        [(" " * 8 + f"μ = {num(mean, d)}, σ = {num(std, d)}", "dim")],
        [label(after_label), (plot([(v, "x") for v in figure.after], after_lo, after_hi, "-"), "s1")],
        [(" " * 8 + ", ".join(num(v, d) for v in figure.after), "dim")],
    ]
