"""The exam screens driven with Textual's Pilot: set up, answer without feedback, the result."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, SelectionList, Static

from studyapp.core.numfmt import format_answer
from studyapp.core.problems import exercise_set, select_templates
from studyapp.tui.app import HomeScreen
from studyapp.tui.exam import ExamSetupScreen
from studyapp.tui.exam_result import ExamResultScreen
from studyapp.tui.exam_screen import ConfirmScreen, ExamScreen
from tests.tui.pilot import NOW, app_for, settle, text_of


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def table(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        return conn.execute(sql).fetchall()


async def open_setup(pilot) -> ExamSetupScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("e")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExamSetupScreen)
    return screen


async def start(pilot, setup: ExamSetupScreen, count: str, seed: str, minutes: str = "",
                decks: tuple[str, ...] = ()) -> ExamScreen:
    for deck in decks:
        setup.query_one("#exam-decks", SelectionList).select(deck)
    setup.query_one("#exam-count", Input).value = count
    setup.query_one("#exam-seed", Input).value = seed
    setup.query_one("#exam-minutes", Input).value = minutes
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExamScreen), text_of(setup.query_one("#exam-error", Static))
    return screen


def put(screen: ExamScreen, text: str) -> None:
    """Type into the answer box in use (the line, or the matrix editor)."""
    box = screen.box()
    if isinstance(box, Input):
        box.value = text
    else:
        box.text = text


async def type_and_enter(pilot, screen: ExamScreen, text: str) -> None:
    put(screen, text)
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.asyncio
async def test_exam_from_start_to_summary_with_a_fixed_seed(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        setup = await open_setup(pilot)
        items_before = table(tmp_path, "SELECT * FROM items ORDER BY id")
        assert items_before, "Home syncs the content into the store"
        screen = await start(pilot, setup, "3", "2026", decks=("convolution",))
        expected = exercise_set(select_templates(app.library, decks=["convolution"]), 3, 2026)
        assert [p.id for p in screen.exam.problems] == [p.id for p in expected]
        status = text_of(screen.query_one("#exam-status", Static))
        assert "1 / 3" in status and "answered 0" in status
        first, second = screen.exam.problems[:2]
        await type_and_enter(pilot, screen, format_answer(first.answer, 8))
        assert screen.exam.current == 1 and "2 / 3" in text_of(screen.query_one("#exam-status", Static))
        # No feedback during the exam: nothing says right or wrong.
        shown = text_of(screen.query_one("#exam-prompt", Static)) + text_of(screen.query_one("#exam-form"))
        assert "✓" not in shown and "✗" not in shown and second.prompt("en") in shown
        await type_and_enter(pilot, screen, "-12345")
        await pilot.press("ctrl+b")  # back to the second: its answer is still in the box
        await pilot.pause()
        assert screen.box_text() == "-12345"
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.exam.current == 2 and screen.box_text() == ""
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # one problem is unanswered
        assert "1 of 3" in text_of(app.screen.query_one("#exam-confirm Static"))
        await pilot.press("y")
        await settle(pilot)
        result = app.screen
        assert isinstance(result, ExamResultScreen)
        status = text_of(result.query_one("#exam-status", Static))
        assert "1 / 3 (33%)" in status and "seed 2026" in status
        assert "studyapp generate --seed 2026 --count 3 --topic convolution" in text_of(
            result.query_one("#exam-again", Static))
        views = [text_of(s) for s in result.query(".exam-result")]
        assert len(views) == 3
        assert "✓" in views[0] and "✗" in views[1] and "✗" in views[2] and "(no answer)" in views[2]
        assert format_answer(second.answer, second.decimals) in views[1] and "Worked solution" in views[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    logged = table(tmp_path, "SELECT item_id, mode, seed, answer, correct, rating FROM reviews ORDER BY id")
    answers = (format_answer(first.answer, 8), "-12345", "")
    assert logged == [(p.template.id, "exam", p.seed, answer, ok, rating)
                      for p, answer, ok, rating in zip(expected, answers, (1, 0, 0), (3, 1, 1), strict=True)]
    assert table(tmp_path, "SELECT * FROM items ORDER BY id") == items_before
    assert table(tmp_path, "SELECT mode, reviewed FROM sessions") == [("exam", 3)]


@pytest.mark.asyncio
async def test_bad_fields_say_what_is_wrong_in_chinese_and_a_blank_seed_is_shown(tmp_path):
    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot)
        error = setup.query_one("#exam-error", Static)
        setup.query_one("#exam-seed", Input).value = "-4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExamSetupScreen)
        assert "种子" in text_of(error) and "-4" in text_of(error)
        setup.query_one("#exam-kinds", SelectionList).select("conv2d")
        setup.query_one("#exam-decks", SelectionList).select("losses")
        setup.query_one("#exam-seed", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ExamSetupScreen)
        assert "没有题目模板" in text_of(error)  # conv2d problems are in no loss deck
        setup.query_one("#exam-decks", SelectionList).deselect("losses")
        setup.query_one("#exam-count", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen) and {p.kind.name for p in screen.exam.problems} == {"conv2d"}
        assert "不限时" in text_of(screen.query_one("#exam-status", Static))
        seed = screen.exam.spec.seed
        await pilot.press("escape")  # leaving asks first
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ExamResultScreen)
        assert f"种子 {seed}" in text_of(app.screen.query_one("#exam-status", Static))
        again = text_of(app.screen.query_one("#exam-again", Static))
        assert f"--seed {seed} --count 2 --kind conv2d --lang zh" in again
    assert [r[0] for r in table(tmp_path, "SELECT mode FROM reviews")] == ["exam", "exam"]


@pytest.mark.asyncio
async def test_time_running_out_ends_the_exam_keeps_what_was_typed_and_pages_the_result(tmp_path):
    clock = Clock()
    app = app_for(tmp_path, clock=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        setup = await open_setup(pilot)
        screen = await start(pilot, setup, "21", "7", minutes="1.5")
        assert "1:30 left" in text_of(screen.query_one("#exam-status", Static))
        clock.now += timedelta(seconds=50)
        screen.tick()
        assert "0:40 left" in text_of(screen.query_one("#exam-status", Static))
        problem = screen.exam.problems[0]
        put(screen, format_answer(problem.answer, 8))  # no Enter
        await pilot.pause()
        clock.now += timedelta(seconds=41)
        screen.tick()
        await settle(pilot)
        result = app.screen
        assert isinstance(result, ExamResultScreen)
        status = text_of(result.query_one("#exam-status", Static))
        assert "1 / 21 (5%)" in status and "time ran out" in status
        # 21 problems: a page of 20, then the last one on the next page.
        assert "problems 1–20 of 21" in text_of(result.query_one("#exam-page", Static))
        assert len(result.query(".exam-result")) == 20
        await pilot.press("n")
        await pilot.pause()
        assert [text_of(s).split(".")[0] for s in result.query(".exam-result")] == ["21"]
        await pilot.press("p")
        await pilot.pause()
        assert len(result.query(".exam-result")) == 20
    assert table(tmp_path, "SELECT answer, correct FROM reviews ORDER BY id") == [
        (format_answer(problem.answer, 8), 1)] + [("", 0)] * 20


@pytest.mark.asyncio
async def test_quitting_the_app_mid_exam_logs_what_was_answered(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(pilot, await open_setup(pilot), "2", "3")
        await type_and_enter(pilot, screen, "42")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert table(tmp_path, "SELECT mode, answer FROM reviews ORDER BY id") == [("exam", "42"), ("exam", "")]


@pytest.mark.asyncio
async def test_an_unreadable_answer_is_refused_on_enter_kept_and_named_when_finishing(tmp_path):
    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot)
        setup.query_one("#exam-kinds", SelectionList).select("conv_output_size")
        screen = await start(pilot, setup, "2", "5")
        help_line = screen.query_one("#exam-help", Static)
        await type_and_enter(pilot, screen, "abc")
        # Refused as the study session refuses it: the box keeps the text, the line says why.
        assert screen.exam.current == 0 and screen.box_text() == "abc"
        warning = text_of(help_line)
        assert "⚠" in warning and "不是数字" in warning and "应为一个数" in warning
        put(screen, "ab")  # typing again clears the warning
        await pilot.pause()
        assert "⚠" not in text_of(help_line)
        put(screen, "abc")
        await pilot.press("ctrl+n")  # moving on keeps it as typed
        await pilot.pause()
        assert screen.exam.current == 1
        await type_and_enter(pilot, screen, "１２")  # full-width digits are a number
        assert "⚠" not in text_of(help_line)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = text_of(app.screen.query_one("#exam-confirm Static"))
        assert "第 1 题的答案无法识别" in question and "未作答" not in question
        assert question.count("仍要交卷吗") == 1
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ExamResultScreen)
    assert table(tmp_path, "SELECT answer, correct FROM reviews ORDER BY id")[0] == ("abc", 0)


@pytest.mark.asyncio
async def test_a_chinese_exam_names_its_grids_in_chinese(tmp_path):
    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        setup = await open_setup(pilot)
        setup.query_one("#exam-kinds", SelectionList).select("conv2d_multi")
        screen = await start(pilot, setup, "1", "3")
        prompt = text_of(screen.query_one("#exam-prompt", Static))
        assert "输入 =" in prompt and "[通道 0]" in prompt and "卷积核 =" in prompt
        assert "input =" not in prompt and "channel" not in prompt
