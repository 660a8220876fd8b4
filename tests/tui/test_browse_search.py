"""The browser's search line (``tui/browse_search.py``) edits and scrolls a long line as Input does,
and the browser searches as soon as it changes."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from studyapp.tui.browse_search import SearchInput
from tests.tui.test_browse import make_app, open_browser


class TwoLines(App[None]):
    def compose(self) -> ComposeResult:
        yield SearchInput(id="search")
        yield Input(id="plain")


@pytest.mark.asyncio
async def test_a_long_search_scrolls_as_an_input_does():
    app = TwoLines()
    async with app.run_test(size=(60, 12)) as pilot:
        seen = []
        for box in (app.query_one("#search", Input), app.query_one("#plain", Input)):
            box.focus()
            box.value = "stride " * 12
            await pilot.press("end", "left", "x", "left")
            seen.append((box.value, box.cursor_position, box.scroll_x, box.max_scroll_x,
                         box.render_line(0).text))
        assert seen[0] == seen[1] and seen[0][2] > 0


@pytest.mark.asyncio
async def test_typing_in_the_search_line_lays_nothing_out_again():
    app = TwoLines()
    async with app.run_test(size=(60, 12)) as pilot:
        for box, again in ((app.query_one("#search", Input), False), (app.query_one("#plain", Input), True)):
            box.focus()
            await pilot.pause()
            box.value += "st"
            assert box._layout_required is again  # (Textual's flag, read at its next frame)
            await pilot.pause()


@pytest.mark.asyncio
async def test_the_browser_searches_as_soon_as_the_line_changes(tmp_path):
    """In the same call as the change (before the line's repaint, which the query then runs beside),
    and once (Input.Changed, delivered later, starts nothing more)."""
    app = make_app(tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_browser(pilot)
        before = screen.generation
        screen.query_one("#search", Input).value = "stride"
        assert screen.generation == before + 1
        assert [w.group for w in app.workers if w.node is screen and not w.is_finished] == ["browse-filter"]
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.generation == before + 1 and screen.rows_for == screen.count_for == screen.generation
        assert screen.total is not None and 0 < screen.total < len(screen.things)
