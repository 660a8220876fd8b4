"""The study screens driven with Textual's Pilot on a fixed clock and seed."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from studyapp.core.numfmt import format_answer
from studyapp.core.settings import Settings
from studyapp.tui.app import HomeScreen, build_app
from tests.tui.pilot import (
    DECK_ROW,
    NOW,
    advance_to,
    answer_anything,
    app_for,
    leave_answer_box,
    open_study,
    reviews,
    text_of,
    type_answer,
)


@pytest.mark.asyncio
async def test_basic_card_flip_and_rate(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        await advance_to(pilot, screen, lambda i: i.card is not None and i.card.type == "basic")
        item = screen.item
        await pilot.press("space")
        await pilot.pause()
        assert screen.answered and item.card.back.en in text_of(screen.query_one("#feedback"))
        await pilot.press("3")
        await pilot.pause()
    assert reviews(tmp_path)[-1][:3] == (item.id, 3, "scheduled")


@pytest.mark.asyncio
async def test_numeric_problem_right_answer_proposes_and_enter_accepts(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW["convolution"])
        await advance_to(pilot, screen, lambda i: i.problem is not None)
        problem = screen.item.problem
        type_answer(screen, format_answer(problem.answer, 8))
        await pilot.press("enter")
        await pilot.pause()
        feedback = text_of(screen.query_one("#feedback"))
        assert "✓" in feedback and "Worked solution" in feedback
        proposed = screen.result.proposed
        await pilot.press("enter")  # accepts the proposal
        await pilot.pause()
    last = reviews(tmp_path)[-1]
    assert last[0] == problem.template.id and last[1] == proposed and last[4] == 1


@pytest.mark.parametrize(("shape", "deck"), [("scalar", "convolution"), ("vector", "losses"),
                                           ("matrix", "convolution")])
@pytest.mark.asyncio
async def test_wrong_problem_answers_of_each_shape_are_graded_and_logged(tmp_path, shape, deck):
    app = app_for(tmp_path, new_per_day=500)

    def wanted(item) -> bool:
        if item.problem is None:
            return False
        answer = item.problem.answer
        depth = 0 if not isinstance(answer, list) else 2 if isinstance(answer[0], list) else 1
        return not isinstance(answer, dict) and depth == {"scalar": 0, "vector": 1, "matrix": 2}[shape]

    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW[deck])
        await advance_to(pilot, screen, wanted)
        wrong = format_answer((np.asarray(screen.item.problem.answer) + 9999).tolist(), 4)
        type_answer(screen, wrong)
        screen.action_submit()
        await pilot.pause()
        assert "✗" in text_of(screen.query_one("#feedback"))
        assert screen.result.proposed == 1
        await pilot.press("2")  # override the proposed Again
        await pilot.pause()
    last = reviews(tmp_path)[-1]
    assert last[1] == 2 and last[3] == wrong and last[4] == 0


@pytest.mark.asyncio
async def test_choice_and_cloze_cards(tmp_path):
    app = app_for(tmp_path, new_per_day=500)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW["convolution"])
        await advance_to(pilot, screen, lambda i: i.card is not None and i.card.type == "choice")
        item = screen.item
        for shown, index in enumerate(item.option_order, 1):
            if item.card.options[index].correct:
                await pilot.press(str(shown))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.result.correct is True
        await pilot.press("enter")
        await pilot.pause()
        assert reviews(tmp_path)[-1][0] == item.id and reviews(tmp_path)[-1][4] == 1
        await advance_to(pilot, screen, lambda i: i.card is not None and i.card.type == "cloze")
        cloze = screen.item.card
        screen.query_one("#answer").value = "; ".join(g[0] for g in cloze.gaps("en"))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.result.correct is True
        await pilot.press("enter")
        await pilot.pause()
        assert reviews(tmp_path)[-1][0] == cloze.id and reviews(tmp_path)[-1][4] == 1


@pytest.mark.asyncio
async def test_hint_caps_the_rating_and_undo_takes_it_back(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW["convolution"])
        await advance_to(pilot, screen, lambda i: i.problem is not None)
        problem_id = screen.item.id
        await pilot.press("escape")  # out of the answer box: keys are actions again
        assert "Tab" in text_of(screen.query_one("#help"))  # the commands are listed
        await pilot.press("h")
        await pilot.pause()
        assert "Hint" in text_of(screen.query_one("#feedback"))
        # Back in the box after the hint: its help line, not the single-key commands any more.
        assert screen.typing() and "Tab" not in text_of(screen.query_one("#help"))
        type_answer(screen, format_answer(screen.item.problem.answer, 8))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("4")  # Easy asked, Hard given: a hint was used
        await pilot.pause()
        assert reviews(tmp_path)[-1][:2] == (problem_id, 2)
        count = len(reviews(tmp_path))
        await leave_answer_box(pilot, screen)
        await pilot.press("u")
        await pilot.pause()
        assert len(reviews(tmp_path)) == count - 1 and screen.item.id == problem_id


@pytest.mark.asyncio
async def test_suspend_bury_and_the_summary(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        first = screen.item.id
        await leave_answer_box(pilot, screen)
        await pilot.press("s")
        await pilot.pause()
        second = screen.item.id
        await leave_answer_box(pilot, screen)
        await pilot.press("minus")
        await pilot.pause()
        assert screen.item.id not in (first, second)
        await answer_anything(pilot, screen)
        await pilot.press("3")
        await pilot.pause()
        await leave_answer_box(pilot, screen)
        await pilot.press("escape")
        await pilot.pause()
        summary = text_of(app.screen.query_one("#summary"))
        assert "1 answered · " in summary and " s\n" in summary and "due tomorrow" in summary
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        assert conn.execute("SELECT suspended FROM items WHERE id = ?", (first,)).fetchone() == (1,)
        buried = conn.execute("SELECT buried_until IS NOT NULL FROM items WHERE id = ?", (second,))
        assert buried.fetchone() == (1,)


@pytest.mark.asyncio
async def test_chinese_interface(tmp_path):
    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "全部卡组" in str(app.screen.query_one("#decks").get_row_at(0)[0])
        screen = await open_study(pilot)
        assert "新卡" in str(screen.query_one("#status").render())


@pytest.mark.asyncio
async def test_help_lists_the_keys_in_both_languages(tmp_path):
    for lang, word in (("en", "undo the last answer"), ("zh", "撤销上一个答案"), ("en", "[1, 2, 3] or 1 2 3"),
                       ("en", "is:new|learn"), ("zh", "暂停 / 恢复")):
        app = build_app(tmp_path / f"{lang}.sqlite3", Settings(timezone="UTC", lang=lang),
                        clock=lambda: NOW, seed=1)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            assert word in text_of(app.screen.query_one("#help-box Static"))
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_home_shows_todays_progress(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "Today: 0 done · 20 left" in str(app.screen.query_one("#today").render())
        screen = await open_study(pilot)
        await answer_anything(pilot, screen)
        await pilot.press("3")
        await pilot.pause()
        await leave_answer_box(pilot, screen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "Today: 1 done" in str(app.screen.query_one("#today").render())


def first_problem(app, kind: str | None = None):
    return next(t.id for t in app.library.templates if kind is None or t.kind == kind)


@pytest.mark.asyncio
async def test_an_items_first_frame_has_the_keys_of_its_answer_box(tmp_path):
    """The box has the screen's focus as soon as the item is set up, and the keys shown follow
    the screen's focus, not the box's Focus message: the footer of the first frame (drawn before
    that message was handled, often) is the box's."""
    from studyapp.tui.keys import KeyFooter

    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        item = screen.session.show(first_problem(app))
        screen.show_next(item)
        assert screen.typing()  # before any message is handled
        await pilot.pause()
        footer = " ".join(text_of(screen.query_one(KeyFooter)).split())
        assert "esc Commands" in footer and "Suspend" not in footer
        await answer_anything(pilot, screen)
        footer = " ".join(text_of(screen.query_one(KeyFooter)).split())
        assert not screen.typing() and "1 Again" in footer and "Commands" not in footer


@pytest.mark.asyncio
async def test_the_next_item_starts_at_the_top_in_its_first_frame(tmp_path):
    """At 80x24 a conv2d feedback is scrolled into view; the next item is scrolled home at once
    (not after a frame), and the scrollbar says so too."""
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_study(pilot)
        screen.show_next(screen.session.show(first_problem(app, "conv2d")))
        await pilot.pause()
        await answer_anything(pilot, screen)
        await pilot.pause()
        assert screen.card.scroll_y > 0  # the verdict brought into view
        screen.commit(3)
        assert screen.card.scroll_y == 0  # before any frame
        await pilot.pause()
        bar = screen.card.vertical_scrollbar
        assert screen.card.scroll_y == 0 and (not screen.card.show_vertical_scrollbar or bar.position == 0)


@pytest.mark.asyncio
async def test_studying_leaves_what_was_loaded_out_of_garbage_collection(tmp_path):
    """While the study screen is open the heap alive when it opened (content, store, app) is
    frozen: the collector's full passes no longer walk it between a key and its frame."""
    import gc

    before = gc.get_freeze_count()
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot)
        assert gc.get_freeze_count() > before
        await leave_answer_box(pilot, screen)
        await pilot.press("escape")  # the summary
        await pilot.pause()
        await pilot.press("escape")  # home again
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and screen not in app.screen_stack
        assert gc.get_freeze_count() == before
