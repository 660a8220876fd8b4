"""The browser's table (``tui/browse_table.py``) draws and measures its rows exactly as DataTable
does: its quick ways turned off (``quick = False``), the same lines, styles and mouse meta come out."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from studyapp.tui.browse_table import ItemTable
from tests.tui.test_browse import answer, make_app, open_browser, search


def drawn(table: ItemTable) -> list[list[tuple]]:
    """Every line the table shows now, drawn afresh: each segment's text, style and meta."""
    for cache in (table._row_render_cache, table._cell_render_cache, table._line_cache, table._styles_cache):
        cache.clear()
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [[(s.text, str(s.style) if s.style else None, s.style.meta if s.style else None, s.control)
             for s in strip] for strip in strips]


def widths(table: ItemTable) -> list[int]:
    for column in table.ordered_columns:
        column.content_width = 0
    table._update_dimensions(list(table.rows))
    return [column.content_width for column in table.ordered_columns]


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_table_draws_its_rows_as_datatable_draws_them(tmp_path, lang):
    app = make_app(tmp_path, lang)
    for k, card in enumerate(app.library.cards[:12]):  # last ratings of every colour
        answer(app, card.id, rating=1 + k % 4)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#items", ItemTable)
        screen.action_to_table()
        for line, cursor in (("", 0), ("", 5), ("-is:new", 2), ("is:new", 0)):
            await search(pilot, screen, line)
            table.move_cursor(row=cursor)
            await pilot.pause()
            quick, quick_widths = drawn(table), widths(table)
            assert table.quick is True
            table.quick = False  # DataTable's own drawing
            plain, plain_widths = drawn(table), widths(table)
            table.quick = None
            assert quick == plain and quick_widths == plain_widths, (line, cursor)
            assert any(meta and meta.get("row") == cursor for row in quick for _, _, meta, _ in row)
