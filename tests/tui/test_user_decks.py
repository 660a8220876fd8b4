"""The learner's own decks in the study app: read beside the bundled ones, studied like them,
and an edit made while the app runs shown on the next return to Home (no restart)."""

from __future__ import annotations

import textwrap

import pytest

from studyapp.core.settings import Settings
from studyapp.paths import user_decks_dir
from studyapp.tui.app import HomeScreen, build_app
from studyapp.tui.study import StudyScreen
from tests.tui.pilot import NOW, settle, text_of

DECK = textwrap.dedent("""\
    id: mine
    title: {en: My deck, zh: 我的卡组}
    cards:
      - id: mine.one
        type: basic
        front: {en: One?, zh: 一?}
        back: {en: Uno, zh: 一}
    """)
SECOND = textwrap.indent(textwrap.dedent("""\
    - id: mine.two
      type: basic
      front: {en: Two?, zh: 二?}
      back: {en: Dos, zh: 二}
    """), "  ")


def home_rows(app) -> dict[str, str]:
    """Home's rows: deck title -> its New count."""
    table = app.screen.query_one("#decks")
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return {str(row[0]): str(row[1]) for row in rows}


async def back_home(pilot) -> None:
    await pilot.press("comma")  # the settings screen, and back
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_a_user_deck_is_studied_and_an_edit_shows_on_return_to_home(tmp_path):
    folder = user_decks_dir()
    folder.mkdir(parents=True)
    deck = folder / "mine.yaml"
    deck.write_text(DECK, encoding="utf-8")
    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC"), clock=lambda: NOW, seed=1,
                    config_file=tmp_path / "config.toml", user_decks=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert home_rows(app)["My deck"] == "1"
        table = app.screen.query_one("#decks")
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "My deck")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen) and app.screen.item.id == "mine.one"
        await pilot.press("escape", "escape")  # end the session, close its summary
        await settle(pilot)
        deck.write_text(DECK + SECOND, encoding="utf-8")  # edited while the app runs
        (folder / "late.yaml").write_text(DECK.replace("mine", "late").replace("My deck", "Late"),
                                          encoding="utf-8")
        await back_home(pilot)
        rows = home_rows(app)
        assert rows["My deck"] == "2" and rows["Late"] == "1"
        assert app.store.get("mine.two") is not None  # synced: it can be studied
        deck.write_text(DECK.replace("type: basic", "type: basik"), encoding="utf-8")
        await back_home(pilot)
        notice = text_of(app.screen.query_one("#notice"))
        assert f"{deck}:5:" in notice and "A deck could not be loaded" in notice
        assert "My deck" not in home_rows(app) and "Late" in home_rows(app)  # the rest still loads
