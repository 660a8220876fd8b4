"""The browser driven with Textual's Pilot: search, details with the history, suspending."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input

from studyapp.core.content import Card
from studyapp.core.kinds import KINDS
from studyapp.core.review_log import Review
from studyapp.core.scheduler import ItemState, Scheduler
from studyapp.core.settings import Settings
from studyapp.tui.app import HomeScreen, build_app
from studyapp.tui.browse import CHUNK, BrowseScreen
from studyapp.tui.browse_item import ItemScreen
from tests.tui.pilot import NOW, text_of


def make_app(tmp_path: Path, lang: str = "en"):
    return build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC", lang=lang), clock=lambda: NOW, seed=1,
                     config_file=tmp_path / "config.toml")


def db_rows(tmp_path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        return conn.execute(sql, args).fetchall()


def answer(app, item_id: str, rating: int = 3, typed: str | None = None, correct: bool | None = None) -> None:
    """One scheduled answer, yesterday, written straight into the store."""
    thing = next(x for x in (*app.library.cards, *app.library.templates) if x.id == item_id)
    before = app.store.get(item_id) or ItemState(item_id, thing.deck,
                                                 "card" if isinstance(thing, Card) else "problem")
    at = NOW - timedelta(days=1)
    review = Review(item_id=item_id, reviewed_at=at, rating=rating, duration_ms=65_000, mode="scheduled",
                    answer=typed, correct=correct)
    app.store.record(review, before, Scheduler(app.settings).review(before, rating, at))


async def open_browser(pilot) -> BrowseScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("b")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


async def search(pilot, screen: BrowseScreen, line: str) -> None:
    screen.query_one("#search", Input).value = line
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(screen: BrowseScreen) -> list[str]:
    """The items the search found, in the table's order (the table holds the first of them, the
    screen's index finds the rest; the status counts them all)."""
    table = screen.query_one("#items", DataTable)
    in_table = [str(row.key.value) for row in table.ordered_rows]
    found = [screen.things[n].id for n in screen.page(screen.last_good, screen.sort_col, screen.descending, 0,
                                                      10**9, lambda: False)]
    assert in_table == found[:len(in_table)] and len(in_table) >= min(len(found), CHUNK)
    assert screen.total == len(found) and in_table == screen.shown
    return found


def all_texts(thing) -> str:
    """Every text of a card or template in both languages, lower-cased (the test's own reading)."""
    if isinstance(thing, Card):
        texts = [thing.front, thing.back, thing.text, thing.question, thing.explanation,
                 *(o.text for o in thing.options)]
    else:
        texts = [thing.title, KINDS[thing.kind].summary]
    return " ".join(f"{t.en} {t.zh}" for t in texts if t is not None).lower() + " " + thing.id


@pytest.mark.asyncio
async def test_browse_search_filters_and_counts(tmp_path):
    app = make_app(tmp_path)
    deck = app.library.deck("convolution")
    conv = [x.id for x in (*deck.cards, *deck.problems)]
    answer(app, conv[0])
    answer(app, conv[-1])
    everything = [*app.library.cards, *app.library.templates]
    total = len(everything)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_browser(pilot)
        assert len(shown(screen)) == total and f"{total} of {total} items" in text_of(screen.query_one(
            "#browse-status"))
        table = screen.query_one("#items", DataTable)
        assert table.row_count == CHUNK < total  # more rows come as the cursor nears the end
        for _ in range(total // CHUNK):
            table.move_cursor(row=table.row_count - 10)
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert table.row_count == total and [str(r.key.value) for r in table.ordered_rows] == shown(screen)

        await search(pilot, screen, "deck:convolution is:new")
        studied = {i for (i,) in db_rows(tmp_path, "SELECT id FROM items WHERE is_new = 0")}
        expected = [i for i in conv if i not in studied]
        assert studied == {conv[0], conv[-1]} and shown(screen) == expected
        assert f"{len(expected)} of {total} items" in text_of(screen.query_one("#browse-status"))

        for word in ("stride", "步幅"):
            await search(pilot, screen, word)
            assert set(shown(screen)) == {x.id for x in everything if word in all_texts(x)} != set()
        before = shown(screen)

        await search(pilot, screen, "is:bogus")
        error = screen.query_one("#browse-error")
        assert error.display and "unknown is:bogus (expected one of: new, learn" in text_of(error)
        assert shown(screen) == before  # the last good results stay

        await search(pilot, screen, "kind:cloze -deck:convolution")
        assert not error.display
        assert set(shown(screen)) == {c.id for c in app.library.cards
                                      if c.type == "cloze" and c.deck != "convolution"}


@pytest.mark.asyncio
async def test_enter_shows_the_item_with_its_history(tmp_path):
    app = make_app(tmp_path)
    cloze = next(c for c in app.library.cards if c.type == "cloze" and c.deck == "convolution")
    answer(app, cloze.id, rating=2, typed="2P; S", correct=False)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_browser(pilot)
        await search(pilot, screen, f"id:{cloze.id}")
        assert shown(screen) == [cloze.id]
        await pilot.press("enter")  # from the search line to the table
        assert isinstance(screen.focused, DataTable)
        await pilot.press("enter")
        await pilot.pause()
        details = pilot.app.screen
        assert isinstance(details, ItemScreen)
        content = text_of(details.query_one("#item-content"))
        assert cloze.id in content and cloze.gaps("en")[0][0] in content and "{{" not in content
        schedule = text_of(details.query_one("#item-schedule"))
        assert "learn" in schedule and "2026-03-01 10:05 (overdue 1d)" in schedule
        history = details.query_one("#item-history", DataTable)
        assert history.row_count == 1
        row = " ".join(str(cell) for cell in history.get_row_at(0))
        assert "Hard" in row and "2P; S" in row and "✗" in row and "1m05s" in row and "2026-03-01" in row
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen

        other = next(c for c in app.library.cards if c.type == "choice")
        await search(pilot, screen, f"id:{other.id}")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert "No answers yet." in text_of(pilot.app.screen.query_one("#item-no-history"))
        assert other.options[0].text.en.split()[0] in text_of(pilot.app.screen.query_one("#item-content"))


@pytest.mark.asyncio
async def test_s_suspends_and_unsuspends_and_it_is_saved(tmp_path):
    app = make_app(tmp_path)
    first, never_stored = app.library.cards[0].id, app.library.templates[0].id
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.store.conn.execute("DELETE FROM items WHERE id = ?", (never_stored,))
        screen = await open_browser(pilot)

        await search(pilot, screen, f"id:{first}")
        await pilot.press("s")  # in the search line, a letter
        assert screen.query_one("#search", Input).value == f"id:{first}s"
        await search(pilot, screen, f"id:{first}")
        await pilot.press("enter", "s")
        await pilot.pause()
        assert db_rows(tmp_path, "SELECT suspended FROM items WHERE id = ?", first) == [(1,)]
        assert "susp." in str(screen.query_one("#items", DataTable).get_row_at(0)[3])
        await search(pilot, screen, "is:suspended")
        assert shown(screen) == [first]
        await pilot.press("down", "s")
        await pilot.pause()
        assert db_rows(tmp_path, "SELECT suspended FROM items WHERE id = ?", first) == [(0,)]
        assert "susp." not in str(screen.query_one("#items", DataTable).get_row_at(0)[3])

        assert db_rows(tmp_path, "SELECT * FROM items WHERE id = ?", never_stored) == []
        await search(pilot, screen, f"id:{never_stored}")
        assert shown(screen) == [never_stored]
        assert "new" in str(screen.query_one("#items", DataTable).get_row_at(0)[3])
        await pilot.press("slash")
        assert isinstance(screen.focused, Input)
        await pilot.press("enter", "s")
        await pilot.pause()
        assert db_rows(tmp_path, "SELECT suspended, is_new FROM items WHERE id = ?", never_stored) == [(1, 1)]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_sorting_by_a_column_and_reversing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_browser(pilot)
        await pilot.press("enter", "o")  # to the table; sort by the first column (deck)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        titles = {d.id: d.title.get("en").casefold() for d in app.library.decks}
        decks = [titles[app.store.get(i).deck] for i in shown(screen)]  # by the title shown, not the id
        assert decks == sorted(decks) and "sorted by Deck" in text_of(screen.query_one("#browse-status"))
        await pilot.press("r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert [titles[app.store.get(i).deck] for i in shown(screen)] == sorted(decks, reverse=True)
        table = screen.query_one("#items", DataTable)
        columns = list(table.columns.values())
        x = sum(c.get_render_width(table) for c in columns[:7]) + 1  # the Lapses header
        await pilot.click("#items", offset=(x, 0))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "sorted by Lapses" in text_of(screen.query_one("#browse-status"))


@pytest.mark.asyncio
async def test_chinese_at_80_by_24_every_cell_fits_its_column(tmp_path):
    app = make_app(tmp_path, lang="zh")
    answer(app, app.library.cards[0].id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#items", DataTable)
        widths = [column.width for column in table.ordered_columns]
        assert sum(widths) + 2 <= 80  # no sideways scrolling at 80 columns
        assert [str(c.label).strip() for c in table.ordered_columns][:3] == ["卡组", "类型", "内容"]
        for row in range(12):
            cells = table.get_row_at(row)
            assert [cell_len(str(cell)) for cell in cells] == widths
        assert "已熟练" in str(table.get_row_at(0)[3]) or "未熟练" in str(table.get_row_at(0)[3]) \
            or "学习中" in str(table.get_row_at(0)[3])
        await search(pilot, screen, "is:bogus")
        assert "未知的 is:bogus" in text_of(screen.query_one("#browse-error"))
        assert "项" in text_of(screen.query_one("#browse-status"))


def preview(screen: BrowseScreen) -> str:
    return text_of(screen.query_one("#browse-preview")).strip()


def row_title(screen: BrowseScreen) -> str:
    """The whole text of the row under the cursor, as the content has it."""
    return screen.lines[screen.selected_id()].title


@pytest.mark.asyncio
async def test_the_preview_follows_the_cursor_and_the_filter(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#items", DataTable)
        await pilot.press("down", "down", "down")  # into the table, two rows down
        await pilot.pause()
        assert table.cursor_row == 2 and preview(screen).endswith(row_title(screen))
        kept = screen.selected_id()
        word = screen.lines[kept].title.split()[1]
        await search(pilot, screen, word)  # the row stays found: the cursor stays on it
        assert screen.selected_id() == kept and preview(screen).endswith(row_title(screen))
        await search(pilot, screen, "deck:optimizers")  # it is gone: the row now under the cursor
        assert screen.selected_id() != kept and screen.selected_id() in shown(screen)
        assert preview(screen).endswith(row_title(screen)) and "Optimisers" in preview(screen)
        await search(pilot, screen, "zzqqxx")  # no rows: no preview
        assert shown(screen) == [] and preview(screen) == ""
        await search(pilot, screen, "")
        assert preview(screen).endswith(row_title(screen))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.asyncio
async def test_the_deck_column_shows_titles_and_the_text_gets_the_room(tmp_path, lang):
    import re

    from studyapp.tui.browse_rows import fit

    app = make_app(tmp_path, lang=lang)
    answer(app, app.library.cards[0].id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#items", DataTable)
        widths = {str(c.key.value): c.width for c in table.ordered_columns}
        assert sum(widths.values()) + 2 <= 80 and widths["text"] >= 30
        assert widths["text"] == max(widths.values())
        problem = next(i for i, ln in screen.lines.items()
                       if ln.entry.type not in ("basic", "cloze", "choice"))
        await search(pilot, screen, f"id:{problem}")
        cells = [str(c) for c in table.get_row_at(0)]
        deck = app.library.deck(screen.lines[problem].thing.deck)
        assert cells[0].rstrip() == fit(deck.title.get(lang), widths["deck"] - 1).rstrip()
        assert cells[1].strip() == {"en": "problem", "zh": "计算题"}[lang]
        assert preview(screen).startswith(f"{deck.title.get(lang)} · {cells[1].strip()} · ")
        if lang == "zh":  # no English: headers, the status, the kind and state words, the preview's start
            chrome = [str(c.label) for c in table.ordered_columns]
            chrome.append(text_of(screen.query_one("#browse-status")))
            chrome += cells[1:2] + [str(c) for c in table.get_row_at(0)[3:]]
            assert not re.search(r"[A-Za-z]", " ".join(chrome)), chrome
            await search(pilot, screen, "")
            for row in range(table.row_count):
                assert not re.search(r"[A-Za-z]", " ".join(str(c) for c in table.get_row_at(row)[3:]))


def test_narrow_layouts_leave_out_the_least_used_columns():
    from studyapp.tui.browse_rows import COLUMNS, NARROW, layout

    titles = ["Activation functions", "Deep networks: depth, gradients and initialisation"]
    for lang in ("en", "zh"):
        narrow = layout(80, lang, titles)
        assert not set(NARROW) & set(narrow) and sum(w + 1 for w in narrow.values()) + 2 <= 80
        assert narrow["text"] >= 30 and list(narrow) == [c for c in COLUMNS if c in narrow]
        wide = layout(120, lang, titles)
        assert list(wide) == list(COLUMNS) and sum(w + 1 for w in wide.values()) + 2 <= 120
        assert wide["text"] >= 40 and wide["deck"] > narrow["deck"]


def test_the_preview_of_no_row_is_empty_and_a_problem_is_a_problem():
    from studyapp.tui.browse_rows import kind_text, preview_text

    assert preview_text(None, "zh").plain == ""
    assert kind_text("conv_output_size", "zh") == "计算题" and kind_text("cloze", "zh") == "填空"
    assert kind_text("conv2d", "en") == "problem"


@pytest.mark.asyncio
async def test_every_column_sorts_in_sql_as_the_rows_sort_in_python(tmp_path):
    from studyapp.tui.browse_rows import COLUMNS, SORT_KEYS

    app = make_app(tmp_path)
    for k, card in enumerate(app.library.cards[:60]):  # schedules and last ratings of every kind
        answer(app, card.id, rating=1 + k % 4)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_browser(pilot)
        lines = screen.lines_for(range(len(screen.things)))  # every row, in content order
        now, _ = screen.moment()
        for column in COLUMNS:
            for descending in (False, True):
                expected = sorted(lines, key=lambda ln, c=column: SORT_KEYS[c](ln, now), reverse=descending)
                found = screen.page(screen.last_good, column, descending, 0, 10**9, lambda: False)
                assert [screen.things[n].id for n in found] == [ln.entry.state.item_id for ln in expected], \
                    (column, descending)


@pytest.mark.asyncio
async def test_a_search_typed_before_the_first_rows_runs_when_they_come(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = BrowseScreen()
        await app.push_screen(screen)
        screen.query_one("#search", Input).value = "stride"  # (the worker's first rows are not shown yet)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert set(shown(screen)) == {x.id for x in (*app.library.cards, *app.library.templates)
                                      if "stride" in all_texts(x)} != set()


@pytest.mark.asyncio
async def test_a_library_smaller_than_a_page_is_shown_whole(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text("""id: tiny
title: {en: Tiny, zh: 小}
cards:
  - {id: t.one, type: basic, front: {en: one, zh: 一}, back: {en: "1", zh: "1"}}
  - {id: t.two, type: basic, front: {en: two, zh: 二}, back: {en: "2", zh: "2"}}
problems:
  - {id: t.size, kind: conv_output_size, difficulty: 1}
""", encoding="utf-8")
    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC"), content=[folder], clock=lambda: NOW,
                    seed=1, config_file=tmp_path / "config.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_browser(pilot)
        assert shown(screen) == ["t.one", "t.two", "t.size"] and screen.at_end
        assert "3 of 3 items" in text_of(screen.query_one("#browse-status"))
        await search(pilot, screen, "two")
        assert shown(screen) == ["t.two"]


def test_one_line_is_the_text_split_and_joined():
    from studyapp.tui.browse_rows import one_line

    for text in ("a b", " a", "a ", "a  b", "a\nb", "a\tb", "a\u3000b", "a\xa0b", "", " ", "步幅 s",
                 "a\x85b"):
        assert one_line(text) == " ".join(text.split()), repr(text)
