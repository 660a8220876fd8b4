"""Helpers shared by the Pilot tests: the app on a fixed clock and seed, walking to an item."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from studyapp.core.numfmt import format_answer
from studyapp.core.settings import Settings
from studyapp.tui.app import HomeScreen, build_app
from studyapp.tui.matrix_editor import MatrixEditor
from studyapp.tui.study import StudyScreen

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)
DECK_ROW = {"convolution": 4, "losses": 8}  # rows of the home table (All decks is row 0)


def app_for(tmp_path: Path, clock=lambda: NOW, **settings):
    """The app on a fixed clock and seed, its database and settings file in ``tmp_path``."""
    return build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC", **settings), clock=clock, seed=1,
                     config_file=tmp_path / "config.toml")


async def settle(pilot) -> None:
    """Wait for the app's workers, then for the screen to catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(widget) -> str:
    """What a Static shows, as plain text (its content may be any Rich renderable)."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content, soft_wrap=True)
    return console.export_text()


def type_answer(screen: StudyScreen, text: str) -> None:
    """Put ``text`` into the answer box in use (the line, or the matrix editor)."""
    box = screen.editor()
    if isinstance(box, MatrixEditor):
        box.text = text
    else:
        box.value = text


def reviews(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        return conn.execute("SELECT item_id, rating, mode, answer, correct, mistake FROM reviews "
                            "ORDER BY id").fetchall()


async def open_study(pilot, deck_row: int = 0) -> StudyScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    for _ in range(deck_row):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    return screen


async def advance_to(pilot, screen: StudyScreen, want) -> None:
    """Rate Easy until the shown item satisfies ``want``."""
    for _ in range(200):
        if screen.item is not None and want(screen.item):
            return
        await answer_anything(pilot, screen)
        await pilot.press("4")
        await pilot.pause()
    raise AssertionError("no such item came up")


async def leave_answer_box(pilot, screen: StudyScreen) -> None:
    """Escape out of the answer box (if it has the focus), so that letters act as keys."""
    if screen.query_one("#answer").has_focus or screen.query_one("#matrix").has_focus:
        await pilot.press("escape")
        await pilot.pause()


async def answer_anything(pilot, screen: StudyScreen) -> None:
    """A readable answer (the right one, an unreadable one would not be graded)."""
    item = screen.item
    if item.problem is not None:
        type_answer(screen, format_answer(item.problem.answer, 8))
        screen.action_submit()
    elif item.card.type == "cloze":
        type_answer(screen, "; ".join(g[0] for g in item.card.gaps("en")))
        screen.action_submit()
    elif item.card.type == "choice":
        await pilot.press("1", "enter")
    else:
        await pilot.press("space")
    await pilot.pause()
