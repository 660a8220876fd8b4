"""The learner's answer beside the expected one, as aligned grids with the wrong entries marked.

A wrong entry is red *and* followed by ✗ (a right one by a space), so the marks survive a
monochrome terminal and a colour-blind reader.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from studyapp.core.numfmt import depth, num

WRONG = "bold red"
CHANNEL = {"en": "channel", "zh": "通道"}


def _rows(value: Any, marks: Any) -> list[list[tuple[Any, bool | None]]]:
    """A scalar, vector or matrix as rows of (entry, mark); marks may be None (not graded)."""
    d = depth(value)
    if d == 0:
        return [[(value, marks if isinstance(marks, bool) else None)]]
    if d == 1:
        flags = marks if isinstance(marks, list) and len(marks) == len(value) else [None] * len(value)
        return [list(zip(value, flags, strict=True))]
    out = []
    for i, row in enumerate(value):
        ok = isinstance(marks, list) and i < len(marks) and isinstance(marks[i], list)
        row_flags: Any = marks[i] if ok else None
        out += _rows(row, row_flags)
    return out


def grid_text(value: Any, marks: Any = None, decimals: int = 4, lang: str = "en") -> Text:
    """An aligned grid of ``value``; entries whose mark is False are red with a ✗."""
    if depth(value) == 3:
        text = Text()
        for index, plane in enumerate(value):
            plane_marks = marks[index] if isinstance(marks, list) and index < len(marks) else None
            if index:
                text.append("\n")
            text.append(f"[{CHANNEL.get(lang, 'channel')} {index}]\n", style="dim")
            text.append_text(grid_text(plane, plane_marks, decimals, lang))
        return text
    rows = _rows(value, marks)
    cells = [[num(v, decimals) if isinstance(v, int | float) else str(v) for v, _ in row] for row in rows]
    widths = [max(len(row[j]) for row in cells if j < len(row)) for j in range(max(map(len, cells)))]
    text = Text()
    for r, row in enumerate(rows):
        if r:
            text.append("\n")
        for j, (_, mark) in enumerate(row):
            if j:
                text.append(" ")
            entry = cells[r][j].rjust(widths[j])
            if mark is False:
                text.append(entry + "✗", style=WRONG)
            else:
                text.append(entry + " ")
    return text


def comparison(value: Any, expected: Any, marks: Any, decimals: int, lang: str,
               labels: tuple[str, str]) -> Table | None:
    """A two-column table (yours | expected) per answer part; None when nothing could be read."""
    if value is None or (isinstance(value, dict) and not value):
        return None
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    parts = isinstance(expected, dict)
    if parts:
        table.add_column("")
    table.add_column(labels[0], style=None)
    table.add_column(labels[1])
    if not parts:
        table.add_row(grid_text(value, marks, decimals, lang), grid_text(expected, None, decimals, lang))
        return table
    for key, want in expected.items():
        got = value.get(key) if isinstance(value, dict) else None
        part_marks = marks.get(key) if isinstance(marks, dict) else None
        mine = grid_text(got, part_marks, decimals, lang) if got is not None else Text("—", style=WRONG)
        table.add_row(Text(key, style="bold"), mine, grid_text(want, None, decimals, lang))
    return table
