"""The app builds the browser's search index once its content is loaded, so that the first Browse
of a run finds it built; the browser then uses that index, and its rows are the search's."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from studyapp.store.browse_index import BrowseIndex
from studyapp.tui.browse import BrowseScreen
from studyapp.tui.browse_prepare import library_things, prepare
from tests.tui.pilot import app_for, settle
from tests.tui.test_browse import all_texts, open_browser, search, shown


def NEVER() -> bool:  # noqa: N802 - nobody cancels
    return False


@pytest.mark.asyncio
async def test_the_index_is_built_before_browse_opens_and_browse_uses_it(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)  # (the build starts after Home's first refresh)
        index = BrowseIndex.shared(app.store.path, app.library, app.settings.lang)
        things = library_things(app.library)
        assert index.complete.is_set() and index.size == index.filled == len(things)
        screen = await open_browser(pilot)
        assert screen.index is index
        await search(pilot, screen, "stride")
        assert set(shown(screen)) == {x.id for x in things if "stride" in all_texts(x)} != set()


@pytest.mark.asyncio
async def test_a_search_typed_at_once_is_the_search_of_the_whole_index(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("b")  # (the index may still be being built)
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        screen.query_one("#search", Input).value = "步幅"
        await settle(pilot)
        things = library_things(app.library)
        assert shown(screen) == [x.id for x in things if "步幅" in all_texts(x)] != []


def test_a_database_the_browser_cannot_read_is_left_to_the_browser_to_say(tmp_path):
    app = app_for(tmp_path)
    prepare(":memory:", app.library, "en", NEVER)  # the browser needs a file: no error here
    prepare(tmp_path / "missing" / "p.sqlite3", app.library, "en", NEVER)
