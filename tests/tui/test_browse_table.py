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


@pytest.mark.asyncio
async def test_a_page_of_rows_is_measured_as_it_is_put_in(tmp_path):
    """The table is sized with its new rows, in the same call (DataTable does it when next idle:
    the whole table was then drawn a second time, at the frame after the one that showed them)."""
    app = make_app(tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#items", ItemTable)
        assert table.row_count > 7
        screen.show_rows(screen.generation, [screen.lines[i] for i in screen.shown[:7]])
        assert table.row_count == 7 and table.virtual_size.height == 7 + table.header_height
        assert not table._require_update_dimensions
        await pilot.pause()
        assert table.virtual_size.height == 7 + table.header_height


@pytest.mark.asyncio
async def test_the_preview_is_drawn_again_only_when_it_changes(tmp_path):
    """The first rows' highlight asked for the same preview again (drawn again at the next frame,
    the first keystroke's)."""
    app = make_app(tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_browser(pilot)
        preview = screen.query_one("#browse-preview")
        updates = []
        original = preview.update
        preview.update = lambda *a, **k: (updates.append(a), original(*a, **k))[1]  # type: ignore[method-assign]
        screen.show_preview()
        assert updates == []
        screen.query_one("#items", ItemTable).move_cursor(row=1)
        await pilot.pause()
        assert len(updates) == 1 and screen.lines[screen.shown[1]].title in str(updates[0][0])
