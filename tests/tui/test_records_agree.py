"""The records agree: two study sessions played in the app with undos, then every place that
shows a session (the summary on screen, the sessions table, Stats, ``studyapp report --format
json``) gives the same answered / right / wrong / time for each."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta

import numpy as np
import pytest
from textual.widgets import Static

from studyapp.cli import main
from studyapp.core.numfmt import format_answer
from studyapp.core.proposal import duration_text
from studyapp.core.settings import Settings
from studyapp.tui.app import HomeScreen, build_app
from studyapp.tui.stats import StatsScreen
from studyapp.tui.study import StudyScreen
from tests.tui.pilot import (
    DECK_ROW,
    NOW,
    answer_anything,
    leave_answer_box,
    open_study,
    settle,
    text_of,
    type_answer,
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def off_by_1000(value):
    return (np.asarray(value, dtype=float) + 1000).tolist()


async def answer_wrong(pilot, screen: StudyScreen) -> bool:
    """A readable wrong answer where the item can be answered wrongly by typing; False if not."""
    item = screen.item
    if item.problem is not None:
        answer = item.problem.answer
        wrong = {k: off_by_1000(v) for k, v in answer.items()} if isinstance(answer, dict) \
            else off_by_1000(answer)
        type_answer(screen, format_answer(wrong, 4))
    elif item.card.type == "cloze":
        type_answer(screen, "; ".join("zzz" for _ in item.card.gaps("en")))
    else:
        return False
    screen.action_submit()
    await pilot.pause()
    return True


async def play(pilot, clock: Clock, plan: str) -> str:
    """One session from Home over the convolution deck: ``r`` right, ``w`` wrong (where it can be),
    ``u`` undo; each answer takes 7 s more than the one before. The summary's text."""
    screen = await open_study(pilot, DECK_ROW["convolution"])
    seconds = 5
    for step in plan:
        if step == "u":
            await leave_answer_box(pilot, screen)
            await pilot.press("u")
            await pilot.pause()
            continue
        seconds += 7
        clock.now += timedelta(seconds=seconds)
        if step == "w" and await answer_wrong(pilot, screen):
            await pilot.press("enter")  # the proposal: Again
        else:
            await answer_anything(pilot, screen)
            await pilot.press("3")
        await pilot.pause()
    await leave_answer_box(pilot, screen)
    await pilot.press("escape")
    await pilot.pause()
    summary = text_of(pilot.app.screen.query_one("#summary"))
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    return summary


def summary_numbers(text: str) -> tuple[int, int, int, str]:
    found = re.search(r"(\d+) answered · (\d+) right · (\d+) wrong · ([^\n]+)", text)
    assert found, text
    return int(found[1]), int(found[2]), int(found[3]), found[4].strip()


@pytest.mark.asyncio
async def test_summary_sessions_table_stats_and_report_agree_after_undos(tmp_path, capsys):
    clock = Clock()
    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC"), clock=clock, seed=1,
                    config_file=tmp_path / "config.toml", ticker=lambda: (clock.now - NOW).total_seconds())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        summaries = [await play(pilot, clock, "rwruwrwwuu r"), await play(pilot, clock, "wrrwu")]
        clock.now += timedelta(minutes=1)
        await pilot.press("s")
        await settle(pilot)
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        stats_lines = text_of(stats.query_one("#stats-sessions", Static)).splitlines()[1:]
    on_screen = [summary_numbers(s) for s in summaries]

    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        table = conn.execute(
            "SELECT s.reviewed, s.correct, s.wrong, (SELECT SUM(duration_ms) FROM reviews r "
            "WHERE r.session_id = s.id) FROM sessions s ORDER BY s.id").fetchall()
        # a self-rated card has no `correct`: it counts as right unless rated Again
        logged = conn.execute("SELECT session_id, COUNT(*), SUM(COALESCE(correct, rating > 1)), "
                              "SUM(NOT COALESCE(correct, rating > 1)) FROM reviews "
                              "GROUP BY session_id ORDER BY session_id").fetchall()
    assert len(table) == 2 and all(n > 0 for n, *_ in table)
    assert any(wrong > 0 for _, _, wrong, _ in table) and any(right > 0 for _, right, _, _ in table)
    assert [row[1:] for row in logged] == [row[:3] for row in table]  # undone answers left no row
    # on screen == the sessions table, time in the same words
    assert on_screen == [(n, right, wrong, duration_text(ms).en) for n, right, wrong, ms in table]

    code = main(["report", "--db", str(tmp_path / "p.sqlite3"), "--format", "json"])
    assert code == 0
    fig = json.loads(capsys.readouterr().out)
    reported = [(s["answered"], s["right"], s["wrong"], s["time_ms"]) for s in reversed(fig["sessions"])]
    assert reported == table

    # Stats lists the newest first: mode, answered, right, wrong, time as the summary said it
    shown = [re.split(r"\s{2,}", line.strip()) for line in stats_lines]
    assert [row[1:] for row in reversed(shown)] == [
        ["study", str(n), str(right), str(wrong), spent] for n, right, wrong, spent in on_screen]
