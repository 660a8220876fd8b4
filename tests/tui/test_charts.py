"""The terminal charts: where a day lands in the heatmap, its shading, and the widths they take."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rich.cells import cell_len, get_character_cell_size
from textual.app import App, ComposeResult

from studyapp.tui.charts import (
    GLYPHS,
    HIGHLIGHT_STYLE,
    MONTHS,
    SHADES,
    BarChart,
    Heatmap,
    bar_lines,
    fit,
    heatmap_lines,
    legend,
    legend_lines,
    level,
    meter,
    quartiles,
)

TODAY = date(2025, 6, 1)  # a Sunday


def at_cell(text: str, cell: int) -> str:
    """The character that covers terminal cell ``cell`` of a line (wide characters cover two)."""
    x = 0
    for ch in text:
        w = get_character_cell_size(ch)
        if x <= cell < x + w:
            return ch
        x += w
    return ""


def year(today: date = TODAY, count=lambda k: 1 + k % 4) -> list[tuple[date, int]]:
    return [(today - timedelta(days=k), count(k)) for k in range(364, -1, -1)]


@pytest.mark.parametrize("lang,label_w", [("en", 4), ("zh", 3)])
@pytest.mark.parametrize("width,cell", [(76, 1), (None, 2)])
def test_a_day_lands_in_its_weekday_row_and_week_column(lang: str, label_w: int, width: int | None,
                                                        cell: int) -> None:
    target = date(2025, 3, 12)  # a Wednesday, 12 weeks before TODAY's week
    days = [(d, 50 if d == target else n) for d, n in year()]
    lines = heatmap_lines(days, 53, lang, width)
    assert len(lines) == 9
    monday = TODAY - timedelta(days=TODAY.weekday())
    weeks_back = (monday - (target - timedelta(days=target.weekday()))).days // 7
    column = label_w + (52 - weeks_back) * cell
    cells = [(row, x) for row in range(7) for x in range(label_w, label_w + 53 * cell)
             if at_cell(lines[1 + row].plain, x) == GLYPHS[4]]
    assert cells == [(target.weekday(), column)]  # the only day in the top quarter
    assert target.weekday() == 2


def test_days_after_today_and_days_not_given_are_blank() -> None:
    wednesday = date(2025, 5, 28)
    lines = heatmap_lines([(wednesday - timedelta(days=k), 3) for k in range(10)], 4, "en", 40)
    grid = [line.plain[4:] for line in lines[1:8]]  # two cells a week: glyph and space
    last = [row[6] for row in grid]
    assert last == [GLYPHS[1]] * 3 + [" "] * 4  # Mon..Wed studied, Thu..Sun still to come
    assert [row[0] for row in grid] == [" "] * 7  # three weeks back: before the first day given


def test_month_labels_sit_above_the_week_a_month_begins() -> None:
    for lang, names in (("en", ("Mar", "Apr", "May")), ("zh", ("3月", "4月", "5月"))):
        lines = heatmap_lines(year(), 12, lang, 80)  # 12 weeks: two cells each, every name fits
        top = lines[0].plain
        label_w = 4 if lang == "en" else 3
        first = TODAY - timedelta(days=TODAY.weekday(), weeks=11)
        for name in names:
            month = int(name[:-1]) if lang == "zh" else ("Mar", "Apr", "May").index(name) + 3
            col = next(c for c in range(12) if (first + timedelta(weeks=c)).month == month
                       and (c == 0 or (first + timedelta(weeks=c - 1)).month != month))
            assert cell_len(top[:top.index(name)]) == label_w + 2 * col, (lang, name, top)


def test_quartile_shading_and_legend() -> None:
    counts = list(range(0, 101))
    assert quartiles(counts) == (25, 50, 75)
    shades = [level(n, (25, 50, 75)) for n in (0, 1, 25, 26, 50, 51, 75, 76, 100)]
    assert shades == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert quartiles([7, 7, 7]) == (7, 7, 7) and level(7, (7, 7, 7)) == 1
    assert len(set(GLYPHS)) == len(set(SHADES)) == 5  # each level its own glyph, not colour alone
    text = legend(counts, "en").plain
    for glyph, span in zip(GLYPHS, ("0", "1–25", "26–50", "51–75", "76–100"), strict=True):
        assert f"{glyph} {span}" in text
    assert "▓" not in legend([3, 3, 3], "zh").plain and "每日复习数" in legend([3], "zh").plain
    assert "no reviews" in legend([0, 0], "en").plain


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_year_fits_in_80_columns(lang: str) -> None:
    lines = heatmap_lines(year(), 53, lang, 76)
    assert max(cell_len(line.plain) for line in lines) <= 76
    assert sum(line.plain.count(g) for line in lines[1:8] for g in GLYPHS[1:]) == 365
    narrow = heatmap_lines(year(), 53, lang, 30)  # too narrow: the latest weeks are kept
    assert max(cell_len(line.plain) for line in narrow) <= 30
    assert at_cell(narrow[1 + TODAY.weekday()].plain, 29) in GLYPHS[1:]


def test_thirty_bars_fit_in_80_columns() -> None:
    values = [k % 7 + 1 for k in range(30)]
    labels = [(TODAY - timedelta(days=29 - k)).strftime("%m-%d") for k in range(30)]
    for width in (76, 80, 120):
        lines = bar_lines(values, labels, width, height=6, highlight=29)
        assert len(lines) == 7 and max(cell_len(line.plain) for line in lines) <= width
        bottom = lines[5].plain.split("│", 1)[1]
        assert len(bottom.split()) == 30  # every bar, each with a gap
        assert lines[0].plain.lstrip().startswith("7 │")  # the axis maximum
        assert lines[6].plain.split() == ["05-03", "06-01"]
        assert lines[0].plain.split("│", 1)[1].count("█") >= 4 * (width >= 76)  # the 7s reach the top
    narrow = bar_lines(values, labels, 30, height=4)
    assert max(cell_len(line.plain) for line in narrow) <= 30 and narrow[-1].plain.split()[-1] == "06-01"


def test_bar_heights_follow_the_values_in_eighths() -> None:
    lines = bar_lines([8, 4, 1, 0], ["a", "b", "c", "d"], 40, height=2, highlight=1)
    columns = [[line.plain.split("│", 1)[1][k * 4] for line in lines[:2]] for k in range(4)]
    assert columns == [["█", "█"], [" ", "█"], [" ", "▂"], [" ", " "]]  # 1/8 of two rows: 2 eighths
    highlighted = [span.style for span in lines[1].spans if span.style == HIGHLIGHT_STYLE]
    assert len(highlighted) == 1


def test_fit_counts_wide_characters_and_meter_fills_in_eighths() -> None:
    assert fit("卷积神经网络", 7) == "卷积神…" and cell_len(fit("卷积神经网络", 8)) == 8
    assert fit("ab", 4) == "ab  " and fit("abcdef", 4) == "abc…"
    assert meter(0.5, 10).plain == "█████·····"
    assert meter(0.55, 10).plain == "█████▌····"
    assert meter(None, 4).plain == "    " and meter(1.5, 3).plain == "███"


class Charts(App[None]):
    def compose(self) -> ComposeResult:
        yield Heatmap([], 53, "zh", id="heat")
        yield BarChart([], [], id="bars")


@pytest.mark.asyncio
async def test_widgets_redraw_with_new_data_at_80_columns() -> None:
    app = Charts()
    async with app.run_test(size=(80, 24)) as pilot:
        heat, bars = app.query_one(Heatmap), app.query_one(BarChart)
        assert heat.size.height == 9 and bars.size.height == 7
        assert "暂无复习" in heat.render().plain
        heat.update_days(year(), TODAY)
        bars.update_values([1, 2, 3], ["05-30", "05-31", "06-01"], highlight=2)
        await pilot.pause()
        shown = heat.render().plain.splitlines()
        assert max(cell_len(line) for line in shown) <= 80 and "5月" in shown[0]
        assert bars.render().plain.splitlines()[-1].split() == ["05-30", "06-01"]


def month_labels(row: str) -> list[str]:
    return row.split()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_month_labels_are_whole_names_with_a_space_between(lang: str) -> None:
    """Never a bare number beside a name ("12 Jan", "9月 10" read as dates), never two touching,
    never past the width; over a year of start days and the widths Home and Stats give."""
    names = set(MONTHS[lang])
    for offset in range(0, 371, 4):
        today = date(2026, 1, 1) + timedelta(days=offset)
        for weeks, width in ((16, 22), (16, 21), (16, 40), (53, 76), (53, 50)):
            row = heatmap_lines(year(today), weeks, lang, width, today)[0].plain
            assert cell_len(row) <= width
            assert set(month_labels(row)) <= names, (today, width, row)


def test_zh_months_read_as_months_where_there_is_room() -> None:
    lines = heatmap_lines(year(date(2026, 12, 4)), 16, "zh", 60, date(2026, 12, 4))  # two cells a week
    assert month_labels(lines[0].plain) == ["8月", "9月", "10月", "11月"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [20, 22, 30, 76])
def test_the_legend_wraps_between_entries_instead_of_being_cut(lang: str, width: int) -> None:
    days = year(count=lambda k: k % 30)
    counts = [n for _, n in days]
    lines = legend_lines(counts, lang, width)
    assert all(cell_len(line.plain) <= width for line in lines)
    whole = " ".join(line.plain for line in lines)
    for glyph in GLYPHS:
        assert f"{glyph} " in whole  # every level with its range, none cut off
    assert lines[0].plain.startswith(legend(counts, lang).plain.split(":")[0])
    assert len(lines) == 1 or width < cell_len(legend(counts, lang).plain)
    heat = heatmap_lines(days, 16, lang, width)  # the grid, then this legend under it
    assert [x.plain for x in heat[8:]] == [x.plain for x in lines]


@pytest.mark.asyncio
async def test_the_heatmap_grows_to_hold_a_wrapped_legend() -> None:
    class Narrow(App[None]):
        CSS = "Heatmap { width: 22; }"

        def compose(self) -> ComposeResult:
            yield Heatmap(year(), 16, "en", today=TODAY, id="heat")

    app = Narrow()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        heat = app.query_one(Heatmap)
        shown = heat.render().plain.splitlines()
        assert heat.size.height == len(shown) > 9 and max(cell_len(line) for line in shown) <= 22
