"""Charts drawn with text in the terminal: a calendar heatmap, vertical bars, a meter.

Each chart is a pure function from data and a width to lines of Rich ``Text`` (what the tests
check), wrapped in a small widget that re-lays itself out to the width it is given. No plotting
library: block glyphs and eighth blocks give enough resolution for a day per column, and the
charts stay the same in every terminal and both themes.

Shading is never colour alone: the heatmap's levels are also distinct glyphs (· ░ ▒ ▓ █), and
the legend gives the counts each one stands for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

GLYPHS = ("·", "░", "▒", "▓", "█")  # heatmap levels 0 (no reviews) .. 4 (busiest quarter)
# Greens that read on dark and light backgrounds alike; level 0 is dimmed text.
SHADES = ("dim", "#7bc96f", "#49a55a", "#2f8a45", "#1f6f35")
EIGHTHS = " ▁▂▃▄▅▆▇█"  # vertical bars: 0..8 eighths of a row
LEFT_EIGHTHS = " ▏▎▍▌▋▊▉█"  # meters: 0..8 eighths of a column
BAR_STYLE, HIGHLIGHT_STYLE = "#3f8fd2", "bold #e8912d"

S = {
    "en": {"legend": "reviews a day", "none": "no reviews"},
    "zh": {"legend": "每日复习数", "none": "暂无复习"},
}
WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
            "zh": ("一", "二", "三", "四", "五", "六", "日")}
MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "zh": tuple(f"{m}月" for m in range(1, 13))}


def t(lang: str, key: str) -> str:
    return S.get(lang, S["en"])[key]


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (wide characters count two), with … when cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


def rfit(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` cells."""
    return " " * max(width - cell_len(text), 0) + text


# --- heatmap ------------------------------------------------------------------------------------
def quartiles(counts: Sequence[int]) -> tuple[int, int, int]:
    """The 25th, 50th and 75th percentiles (nearest rank) of the days with reviews."""
    values = sorted(n for n in counts if n > 0)
    if not values:
        return (0, 0, 0)
    q1, q2, q3 = (values[max(math.ceil(k * len(values) / 4) - 1, 0)] for k in (1, 2, 3))
    return q1, q2, q3


def level(count: int, thresholds: tuple[int, int, int]) -> int:
    """0 for no reviews, else 1..4: the quarter of the study days ``count`` falls in."""
    if count <= 0:
        return 0
    return 1 + sum(count > q for q in thresholds)


def legend(counts: Sequence[int], lang: str) -> Text:
    """Each glyph with the range of counts it stands for, on one line (see ``legend_lines``)."""
    return legend_lines(counts, lang)[0]


def legend_lines(counts: Sequence[int], lang: str, width: int | None = None) -> list[Text]:
    """The legend: each glyph with the range of counts it stands for (ranges no day falls in are
    left out), broken between two entries onto as many lines as ``width`` needs."""
    thresholds = quartiles(counts)
    top = max(counts, default=0)
    pieces = [Text(f"{t(lang, 'legend')}:"), Text(GLYPHS[0], SHADES[0]).append(" 0")]
    if top <= 0:
        pieces.append(Text(f"({t(lang, 'none')})"))
    bounds = [0, *thresholds, top]
    for k in range(1, 5 if top > 0 else 1):
        lo, hi = bounds[k - 1] + 1, bounds[k] if k < 4 else top
        if lo <= hi:
            pieces.append(Text(GLYPHS[k], SHADES[k]).append(f" {lo}" if lo == hi else f" {lo}–{hi}"))
    lines = [pieces[0]]
    for k, piece in enumerate(pieces[1:]):
        gap = " " if k == 0 or piece.plain.startswith("(") else "  "
        if width is not None and lines[-1].cell_len + len(gap) + piece.cell_len > width:
            lines.append(piece.copy())
        else:
            lines[-1] = Text.assemble(lines[-1], gap, piece)
    return lines


def heatmap_lines(days: Sequence[tuple[date, int]], weeks: int, lang: str, width: int | None = None,
                  today: date | None = None) -> list[Text]:
    """Month labels, then one row per weekday (Monday first) with one column per week, the last
    column holding ``today`` (default: the latest day given), then the legend (on more lines
    when ``width`` is narrow). Days after today and days not given are blank. Columns are two
    cells wide when that fits ``width``, else one; with less room than ``weeks`` columns, the
    most recent weeks are shown."""
    counts = dict(days)
    last = today or max(counts, default=None)
    weekdays = WEEKDAYS.get(lang, WEEKDAYS["en"])
    label_w = max(cell_len(d) for d in weekdays) + 1
    room = weeks * 2 if width is None else max(width - label_w, 1)
    cell = 2 if weeks * 2 <= room else 1
    shown = max(min(weeks, room // cell), 1)
    thresholds = quartiles(list(counts.values()))
    first = None if last is None else last - timedelta(days=last.weekday(), weeks=shown - 1)
    lines = [_month_row(first, shown, cell, label_w, lang, width)]
    for row, name in enumerate(weekdays):
        line = Text(fit(name, label_w), "dim")
        for col in range(shown):
            day = None if first is None else first + timedelta(days=7 * col + row)
            if day is None or last is None or day > last or day not in counts:
                line.append(" " * cell)
                continue
            k = level(counts[day], thresholds)
            line.append(GLYPHS[k], SHADES[k])
            if cell == 2:
                line.append(" ")
        lines.append(line)
    lines += legend_lines(list(counts.values()), lang, width)
    for line in lines:
        line.no_wrap = True
        line.overflow = "crop"
        if width is not None:
            line.truncate(width)
    return lines


def _month_row(first: date | None, shown: int, cell: int, label_w: int, lang: str,
               width: int | None = None) -> Text:
    """A month's name above the column where it begins, right to left so that the recent months
    win when two would overlap; a name with no room (a space before the next one) is left out,
    never shortened to a bare number that would read as a day ("12 Jan", "9月 10")."""
    if first is None:
        return Text("")
    months = MONTHS.get(lang, MONTHS["en"])
    grid = label_w + shown * cell
    row = [" "] * max(grid, width or 0)
    limit = len(row)  # where the label placed to the right begins, less a space
    for col in range(shown - 1, -1, -1):
        monday = first + timedelta(weeks=col)
        if col and (monday - timedelta(weeks=1)).month == monday.month:
            continue
        pos = label_w + col * cell
        name = months[monday.month - 1]
        size = cell_len(name)
        if pos + size > limit:
            continue
        row[pos:pos + size] = [name] + [""] * (size - 1)  # a wide name fills several cells
        limit = pos - 1
    text = "".join(row).rstrip()
    return Text(text + " " * max(grid - cell_len(text), 0), "dim")


class Heatmap(Widget):
    """Reviews per day as a calendar: rows Monday..Sunday, a column per week, today last."""

    DEFAULT_CSS = "Heatmap { height: auto; width: 1fr; text-wrap: nowrap; }"

    def __init__(self, days: list[tuple[date, int]], weeks: int, lang: str, *, today: date | None = None,
                 id: str | None = None, classes: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id, classes=classes)
        self.days, self.weeks, self.lang, self.today = list(days), weeks, lang, today

    def update_days(self, days: list[tuple[date, int]], today: date | None = None) -> None:
        self.days, self.today = list(days), today or self.today
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return len(heatmap_lines(self.days, self.weeks, self.lang, width or None, self.today))

    def render(self) -> Text:
        return Text("\n").join(heatmap_lines(self.days, self.weeks, self.lang, self.size.width or None,
                                             self.today))


# --- bars ---------------------------------------------------------------------------------------
def short_number(n: float) -> str:
    """1234 -> 1.2k: an axis label that stays narrow."""
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return f"{n:.0f}"


def bar_lines(values: Sequence[float], labels: Sequence[str], width: int, height: int = 6,
              highlight: int | None = None) -> list[Text]:
    """``height`` rows of vertical bars (eighth-block tops) with the maximum on the axis, then a
    row with the first and last labels under their bars. Bars are one to three cells wide with
    a gap, to fill ``width``; with too little room the most recent values are kept."""
    values = list(values)
    labels = list(labels) + [""] * (len(values) - len(labels))
    top = max(values, default=0)
    axis = [short_number(top) if top > 0 else "", "0"]
    axis_w = max(cell_len(a) for a in axis) + 1
    room = max(width - axis_w - 1, 1)
    slot = min(max(room // max(len(values), 1), 1), 4)
    if len(values) > room:  # even one cell a bar is too wide: keep the latest
        cut = len(values) - room
        values, labels = values[cut:], labels[cut:]
        highlight = None if highlight is None or highlight < cut else highlight - cut
    bar_w, gap = (slot - 1, 1) if slot >= 2 else (1, 0)
    eighths = [0 if v <= 0 or top <= 0 else max(round(v / top * height * 8), 1) for v in values]
    lines = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        label = axis[0] if row == 0 else axis[1] if row == height - 1 else ""
        line = Text(rfit(label, axis_w - 1) + " │", "dim")
        for k, e in enumerate(eighths):
            glyph = EIGHTHS[min(max(e - floor, 0), 8)]
            line.append(glyph * bar_w, HIGHLIGHT_STYLE if k == highlight else BAR_STYLE)
            line.append(" " * gap)
        lines.append(line)
    span = len(values) * (bar_w + gap) - gap  # from the first bar's left to the last bar's right
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    if cell_len(first) + cell_len(last) + 1 > span:
        first = ""  # no room for both: the latest is the one to keep
    under = fit(first, max(span - cell_len(last), 0)) + last
    lines.append(Text(" " * (axis_w + 1) + under, "dim"))
    for line in lines:
        line.no_wrap = True
        line.truncate(width)
    return lines


class BarChart(Widget):
    """A series of per-day values as vertical bars, scaled to the widget's width."""

    DEFAULT_CSS = "BarChart { height: auto; width: 1fr; text-wrap: nowrap; }"

    def __init__(self, values: list[float], labels: list[str], *, height: int = 6,
                 highlight: int | None = None, id: str | None = None,  # noqa: A002 - Textual's name
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.values, self.labels, self.bars, self.highlight = list(values), list(labels), height, highlight

    def update_values(self, values: list[float], labels: list[str], highlight: int | None = None) -> None:
        self.values, self.labels, self.highlight = list(values), list(labels), highlight
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return self.bars + 1

    def render(self) -> Text:
        return Text("\n").join(bar_lines(self.values, self.labels, self.size.width or 80, self.bars,
                                         self.highlight))


def meter(fraction: float | None, width: int) -> Text:
    """A horizontal bar ``width`` cells long, filled to ``fraction`` in eighths of a cell, on a
    dotted track (blank when there is no value)."""
    if fraction is None:
        return Text(" " * width)
    filled = round(min(max(fraction, 0.0), 1.0) * width * 8)
    full, part = divmod(filled, 8)
    bar = "█" * full + (LEFT_EIGHTHS[part] if part else "")
    return Text(bar, BAR_STYLE).append("·" * (width - len(bar)), "dim")
